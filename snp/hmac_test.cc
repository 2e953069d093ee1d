#include "snp/hmac.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>
#include <vector>

#include "snp/test_util.h"

namespace ledgerseal::snp {
namespace {

using testing::Hex;

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// RFC 4231, test case 2.
constexpr std::string_view kKey = "Jefe";
constexpr std::string_view kData = "what do ya want for nothing?";

TEST(HmacTest, Sha256MatchesRfc4231) {
  std::array<uint8_t, 32> out{};
  ASSERT_TRUE(Hmac(out, HmacDigest::kSha256, Bytes(kKey), Bytes(kData)).has_value());
  EXPECT_EQ(Hex(out), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacTest, Sha512MatchesRfc4231) {
  std::array<uint8_t, 64> out{};
  ASSERT_TRUE(Hmac(out, HmacDigest::kSha512, Bytes(kKey), Bytes(kData)).has_value());
  EXPECT_EQ(Hex(out),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(HmacTest, WrongOutputSizeIsAnErrorAndLeavesOutputZero) {
  std::vector<uint8_t> out(31, 0xff);
  const auto result = Hmac(out, HmacDigest::kSha256, Bytes(kKey), Bytes(kData));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kPlatformStateError);
  EXPECT_EQ(out, std::vector<uint8_t>(31, 0));
}

}  // namespace
}  // namespace ledgerseal::snp
