#include "plugin/sealing/check.h"

#include <cstdio>
#include <cstdlib>

namespace ledgerseal::sealing::internal {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "ledgerseal: invariant violated at %s:%d: %s\n", file, line, condition);
  std::abort();
}

}  // namespace ledgerseal::sealing::internal
