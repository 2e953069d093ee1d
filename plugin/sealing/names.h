// Internal: validation and safe quoting of the names that appear in sealed
// records (sealing identities, node ids, service ids, platform names).
#ifndef LEDGERSEAL_PLUGIN_SEALING_NAMES_H_
#define LEDGERSEAL_PLUGIN_SEALING_NAMES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "plugin/public/sealing_error.h"

namespace ledgerseal::sealing::internal {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF) — what protobuf demands of proto3 strings.
bool IsWellFormedUtf8(std::string_view text);

// 1..max_bytes bytes of well-formed UTF-8, else `code` naming `what`.
SealingStatus ValidateName(std::string_view what, std::string_view value, size_t max_bytes,
                           SealingErrorCode code);

// `value` in single quotes for error messages, with bytes outside printable
// ASCII escaped as \xNN and long values cut at 64 bytes, so a hostile record
// cannot inject control characters into logs.
std::string Quote(std::string_view value);

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_SEALING_NAMES_H_
