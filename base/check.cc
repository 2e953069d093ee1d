#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace ledgerseal::base {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "ledgerseal: check failed: %s at %s:%d\n", condition, file, line);
  std::abort();
}

}  // namespace ledgerseal::base
