#include "plugin/testing/hex.h"

#include <cstdio>
#include <cstdlib>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::testing {
namespace {

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  std::fprintf(stderr, "FromHex: bad digit\n");
  std::abort();
}

}  // namespace

std::vector<uint8_t> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    std::fprintf(stderr, "FromHex: odd length\n");
    std::abort();
  }
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(Nibble(hex[2 * i]) << 4 | Nibble(hex[2 * i + 1]));
  }
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) { return kv::ToHex(bytes); }

}  // namespace ledgerseal::testing
