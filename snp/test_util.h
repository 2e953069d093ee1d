// Helpers shared by snp/ tests.
#ifndef LEDGERSEAL_SNP_TEST_UTIL_H_
#define LEDGERSEAL_SNP_TEST_UTIL_H_

#include <gtest/gtest.h>

#include "base/hex.h"
#include "base/testing/test_dir.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>

namespace ledgerseal::snp::testing {

// The project's test-directory helper and hex codec.
using ::ledgerseal::testing::TestDir;
inline std::string Hex(std::span<const uint8_t> bytes) { return base::ToHex(bytes); }

}  // namespace ledgerseal::snp::testing

#endif  // LEDGERSEAL_SNP_TEST_UTIL_H_
