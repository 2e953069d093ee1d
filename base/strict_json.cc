#include "base/strict_json.h"

#include <set>
#include <vector>

namespace ledgerseal::base {

std::optional<nlohmann::json> ParseStrictJson(std::string_view text, std::string& why) {
  using json = nlohmann::json;
  std::vector<std::set<std::string>> keys_by_depth;
  std::string duplicate;
  const json::parser_callback_t refuse_duplicates = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys_by_depth.emplace_back();
    } else if (event == json::parse_event_t::object_end && !keys_by_depth.empty()) {
      keys_by_depth.pop_back();
    } else if (event == json::parse_event_t::key && !keys_by_depth.empty() && parsed.is_string()) {
      if (!keys_by_depth.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
        duplicate = parsed.get<std::string>();
      }
    }
    return true;
  };
  json doc = json::parse(text, refuse_duplicates, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    why = "not valid JSON";
    return std::nullopt;
  }
  if (!duplicate.empty()) {
    why = "gives \"" + duplicate + "\" twice";
    return std::nullopt;
  }
  return doc;
}

}  // namespace ledgerseal::base
