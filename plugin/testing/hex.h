// TEST ONLY: hex conversion for known-answer vectors and readable failures.
#ifndef LEDGERSEAL_PLUGIN_TESTING_HEX_H_
#define LEDGERSEAL_PLUGIN_TESTING_HEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::testing {

// Decodes lowercase/uppercase hex; aborts the test binary on malformed input
// (vectors are compile-time constants, so that is a bug in the test).
std::vector<uint8_t> FromHex(std::string_view hex);

std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_HEX_H_
