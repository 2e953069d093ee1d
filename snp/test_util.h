// Helpers shared by snp/ tests.
#ifndef LEDGERSEAL_SNP_TEST_UTIL_H_
#define LEDGERSEAL_SNP_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>

namespace ledgerseal::snp::testing {

// A fresh, empty directory for the running test, under $TEST_TMPDIR.
inline std::filesystem::path TestDir() {
  const char* root = std::getenv("TEST_TMPDIR");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir = std::filesystem::path(root ? root : "/tmp") /
                              (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xf]);
  }
  return hex;
}

}  // namespace ledgerseal::snp::testing

#endif  // LEDGERSEAL_SNP_TEST_UTIL_H_
