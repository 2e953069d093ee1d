// JSON parsing that refuses what nlohmann/json accepts silently: a key given
// twice in one object (the parser keeps the last value). Used for every
// JSON the project reads (node configuration, share files).
#ifndef LEDGERSEAL_BASE_STRICT_JSON_H_
#define LEDGERSEAL_BASE_STRICT_JSON_H_

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ledgerseal::base {

// The document `text` holds, or std::nullopt with `why` set to
// "not valid JSON" or "gives \"KEY\" twice". Pure; never throws.
std::optional<nlohmann::json> ParseStrictJson(std::string_view text, std::string& why);

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_STRICT_JSON_H_
