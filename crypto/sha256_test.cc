#include "crypto/public/sha256.h"

#include <gtest/gtest.h>

#include <string_view>

#include "base/testing/hex.h"

namespace ledgerseal::crypto {
namespace {

using testing::ToHex;

std::span<const uint8_t> Ascii(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// FIPS 180-2 appendix B.1 and the empty message.
TEST(Sha256Test, KnownAnswers) {
  auto abc = Sha256(Ascii("abc"));
  ASSERT_TRUE(abc.has_value());
  EXPECT_EQ(ToHex(*abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto empty = Sha256({});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(ToHex(*empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, MatchesOnlyTheDigestOfTheSameBytes) {
  auto abc = Sha256(Ascii("abc"));
  ASSERT_TRUE(abc.has_value());
  EXPECT_TRUE(Sha256Matches(*abc, Ascii("abc")));
  EXPECT_FALSE(Sha256Matches(*abc, Ascii("abd")));
  EXPECT_FALSE(Sha256Matches(*abc, {}));
}

}  // namespace
}  // namespace ledgerseal::crypto
