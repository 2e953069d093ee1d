#include "crypto/public/shamir.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/testing/hex.h"

namespace ledgerseal::crypto {
namespace {

using ::ledgerseal::testing::ToHex;

const std::vector<uint8_t> kSecret = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x42, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef,
                                      0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0,
                                      0xd0, 0xe0, 0xf0, 0x01, 0x02, 0x03, 0x04, 0x05};

std::vector<ShamirShare> Pick(const std::vector<ShamirShare>& all, std::initializer_list<size_t> which) {
  std::vector<ShamirShare> out;
  for (size_t i : which) out.push_back({all[i].x, all[i].y.Clone()});
  return out;
}

std::string Combined(const std::vector<ShamirShare>& shares) {
  auto secret = ShamirCombine(shares);
  EXPECT_TRUE(secret) << secret.error().ToString();
  return secret ? ToHex(secret->bytes()) : "";
}

TEST(Shamir, EveryThresholdSubsetRecoversTheSecretAndFewerDoNot) {
  auto shares = ShamirSplit(kSecret, 3, 5);
  ASSERT_TRUE(shares) << shares.error().ToString();
  ASSERT_EQ(shares->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*shares)[i].x, i + 1);
    EXPECT_EQ((*shares)[i].y.size(), kSecret.size());
  }
  const std::string want = ToHex(kSecret);
  for (size_t a = 0; a < 5; ++a) {
    for (size_t b = a + 1; b < 5; ++b) {
      for (size_t c = b + 1; c < 5; ++c) EXPECT_EQ(Combined(Pick(*shares, {a, b, c})), want) << a << b << c;
      EXPECT_NE(Combined(Pick(*shares, {a, b})), want) << "two of a 3-of-5 split must not give the secret";
    }
  }
  EXPECT_EQ(Combined(Pick(*shares, {4, 0, 2, 1, 3})), want) << "all of them, in any order";
}

TEST(Shamir, SplitsAreFreshAndAShareAloneRevealsNothingBeyondThreshold1) {
  auto one = ShamirSplit(kSecret, 2, 3);
  auto two = ShamirSplit(kSecret, 2, 3);
  ASSERT_TRUE(one && two);
  EXPECT_NE(ToHex((*one)[0].y.bytes()), ToHex((*two)[0].y.bytes())) << "coefficients are random per split";
  // Threshold 1: a polynomial of degree 0, so every share is the secret.
  auto copies = ShamirSplit(kSecret, 1, 3);
  ASSERT_TRUE(copies);
  for (const auto& s : *copies) EXPECT_EQ(ToHex(s.y.bytes()), ToHex(kSecret));
}

// Lagrange interpolation in GF(2^8) by hand: f(x) = 0x2a + 1·x gives
// f(1) = 0x2b and f(2) = 0x28 (addition is XOR; no reduction is involved).
TEST(Shamir, CombineMatchesInterpolationComputedByHand) {
  std::vector<ShamirShare> shares;
  shares.push_back({1, base::SecretBytes(std::vector<uint8_t>{0x2b})});
  shares.push_back({2, base::SecretBytes(std::vector<uint8_t>{0x28})});
  EXPECT_EQ(Combined(shares), "2a");
}

TEST(Shamir, ACorruptedShareGivesAWrongSecretWithoutAnError) {
  auto shares = ShamirSplit(kSecret, 2, 3);
  ASSERT_TRUE(shares);
  auto picked = Pick(*shares, {0, 1});
  picked[1].y.mutable_bytes()[5] ^= 0x01;
  EXPECT_NE(Combined(picked), ToHex(kSecret)) << "callers must commit to shares";
}

TEST(Shamir, TheLargestSplitWorks) {
  auto shares = ShamirSplit(kSecret, 200, kShamirMaxShares);
  ASSERT_TRUE(shares) << shares.error().ToString();
  ASSERT_EQ(shares->size(), 255u);
  EXPECT_EQ(shares->back().x, 255);
  std::vector<ShamirShare> last200;
  for (size_t i = 55; i < 255; ++i) last200.push_back({(*shares)[i].x, (*shares)[i].y.Clone()});
  EXPECT_EQ(Combined(last200), ToHex(kSecret));
}

TEST(Shamir, BadParametersAndSharesAreRefusedByName) {
  for (auto [k, n] : {std::pair{0u, 3u}, std::pair{4u, 3u}, std::pair{2u, 256u}}) {
    auto r = ShamirSplit(kSecret, k, n);
    ASSERT_FALSE(r) << k << " of " << n;
    EXPECT_EQ(r.error().code, CryptoErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(ShamirSplit({}, 1, 1));
  EXPECT_FALSE(ShamirCombine({}));
  auto shares = ShamirSplit(kSecret, 2, 3);
  ASSERT_TRUE(shares);
  auto zero = Pick(*shares, {0, 1});
  zero[0].x = 0;
  auto r = ShamirCombine(zero);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("x = 0"), std::string::npos);
  auto twice = Pick(*shares, {0, 0});
  r = ShamirCombine(twice);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("two shares have x = 1"), std::string::npos);
  auto ragged = Pick(*shares, {0, 1});
  ragged[1].y = base::SecretBytes(std::vector<uint8_t>(3, 1));
  r = ShamirCombine(ragged);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CryptoErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::crypto
