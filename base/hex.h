// The one hex codec of the project: lowercase on output, either case on input.
#ifndef LEDGERSEAL_BASE_HEX_H_
#define LEDGERSEAL_BASE_HEX_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace ledgerseal::base {

// Lowercase hex, two digits per byte. Pure. Never call it on key material
// that could reach a log.
std::string ToHex(ByteView bytes);

// The bytes `hex` spells (upper- or lowercase digits, no prefix, no
// separators), or std::nullopt if it has an odd length or a non-hex digit.
// Pure.
[[nodiscard]] std::optional<Bytes> FromHex(std::string_view hex);

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_HEX_H_
