// TEST ONLY: hex for known-answer vectors and readable failures.
#ifndef LEDGERSEAL_BASE_TESTING_HEX_H_
#define LEDGERSEAL_BASE_TESTING_HEX_H_

#include <string_view>

#include "base/bytes.h"
#include "base/hex.h"

namespace ledgerseal::testing {

// base::FromHex that aborts the test binary on malformed input (vectors are
// compile-time constants, so malformed hex is a bug in the test).
base::Bytes FromHex(std::string_view hex);

using base::ToHex;

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_BASE_TESTING_HEX_H_
