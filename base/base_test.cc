// The base vocabulary's contracts: the hex codec round-trips and refuses
// malformed input; a failed LEDGERSEAL_CHECK stops the process (in every
// build mode); Result is [[nodiscard]] (checked at compile time by -Werror:
// a dropped Result anywhere fails the build).
#include <gtest/gtest.h>

#include <type_traits>

#include "base/check.h"
#include "base/hex.h"
#include "base/result.h"
#include "base/testing/test_dir.h"

namespace ledgerseal::base {
namespace {

TEST(HexTest, RoundTripsEveryByte) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
  const std::string hex = ToHex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(FromHex(hex), all);
}

TEST(HexTest, AcceptsUppercase) { EXPECT_EQ(FromHex("ABcd"), (Bytes{0xab, 0xcd})); }

TEST(HexTest, RefusesOddLengthAndNonDigits) {
  EXPECT_EQ(FromHex("abc"), std::nullopt);
  EXPECT_EQ(FromHex("zz"), std::nullopt);
  EXPECT_EQ(FromHex("0x00"), std::nullopt);
  EXPECT_EQ(FromHex(""), Bytes{});
}

TEST(ResultTest, CarriesValueOrError) {
  Result<int> ok = 7;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7);
  Result<int> bad = MakeError(ErrorCode::kNotFound, "no such thing");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().ToString(), "not_found: no such thing");
  Status fine;
  EXPECT_TRUE(fine);
}

TEST(ResultTest, ConvertsFromPlainExpected) {
  std::expected<int, Error> plain = 3;
  Result<int> wrapped = plain;
  EXPECT_EQ(*wrapped, 3);
}

TEST(CheckDeathTest, FailedCheckAbortsWithTheCondition) {
  const int size = 31;
  EXPECT_DEATH(LEDGERSEAL_CHECK(size == 32), "check failed: size == 32");
}

TEST(CheckTest, PassingCheckDoesNothing) { LEDGERSEAL_CHECK(1 + 1 == 2); }

TEST(TestDirTest, IsFreshAndNamedAfterTheTest) {
  const auto dir = testing::TestDir();
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_NE(dir.filename().string().find("TestDirTest.IsFreshAndNamedAfterTheTest"), std::string::npos);
}

}  // namespace
}  // namespace ledgerseal::base
