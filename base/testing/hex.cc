#include "base/testing/hex.h"

#include <cstdio>
#include <cstdlib>

namespace ledgerseal::testing {

base::Bytes FromHex(std::string_view hex) {
  auto bytes = base::FromHex(hex);
  if (!bytes) {
    std::fprintf(stderr, "FromHex: malformed hex in a test vector\n");
    std::abort();
  }
  return *std::move(bytes);
}

}  // namespace ledgerseal::testing
