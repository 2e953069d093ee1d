// Byte vocabulary shared by every layer: owned bytes, borrowed views, and
// the conversions between bytes and strings.
#ifndef LEDGERSEAL_BASE_BYTES_H_
#define LEDGERSEAL_BASE_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::base {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A view of `s`'s characters as bytes. Borrows: `s` must outlive the view.
inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
// A copy of `s`'s characters as bytes.
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
// A view of `b` as characters. Borrows: `b` must outlive the view.
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_BYTES_H_
