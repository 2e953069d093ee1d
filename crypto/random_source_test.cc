#include "crypto/public/random_source.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "crypto/testing/deterministic_random.h"

namespace ledgerseal::crypto {
namespace {

using testing::DeterministicRandomSource;

std::unique_ptr<DeterministicRandomSource> Make(std::vector<uint8_t> seed) {
  auto source = DeterministicRandomSource::Create(seed);
  EXPECT_TRUE(source) << source.error().ToString();
  return std::move(*source);
}

TEST(OpenSslRandomSourceTest, TwoDrawsDiffer) {
  OpenSslRandomSource random;
  std::array<uint8_t, 32> a{}, b{};
  ASSERT_TRUE(random.Fill(a));
  ASSERT_TRUE(random.Fill(b));
  // 2^-256 chance of a false failure.
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 32>{}));
}

TEST(OpenSslRandomSourceTest, EmptyFillSucceeds) {
  OpenSslRandomSource random;
  EXPECT_TRUE(random.Fill({}));
}

TEST(DeterministicRandomSourceTest, SameSeedSameStream) {
  auto a = Make({1, 2, 3});
  auto b = Make({1, 2, 3});
  std::vector<uint8_t> x(100), y(100);
  ASSERT_TRUE(a->Fill(x));
  ASSERT_TRUE(b->Fill(y));
  EXPECT_EQ(x, y);
  EXPECT_EQ(a->drawn_bytes(), 100u);
}

TEST(DeterministicRandomSourceTest, DifferentSeedsDiffer) {
  auto a = Make({1, 2, 3});
  auto b = Make({1, 2, 4});
  std::vector<uint8_t> x(32), y(32);
  ASSERT_TRUE(a->Fill(x));
  ASSERT_TRUE(b->Fill(y));
  EXPECT_NE(x, y);
}

TEST(DeterministicRandomSourceTest, StreamDoesNotDependOnChunking) {
  auto a = Make({9});
  auto b = Make({9});
  std::vector<uint8_t> whole(45), first(7), second(38);
  ASSERT_TRUE(a->Fill(whole));
  ASSERT_TRUE(b->Fill(first));
  ASSERT_TRUE(b->Fill(second));
  first.insert(first.end(), second.begin(), second.end());
  EXPECT_EQ(whole, first);
}

TEST(DeterministicRandomSourceTest, SuccessiveDrawsDiffer) {
  auto a = Make({5});
  std::vector<uint8_t> x(16), y(16);
  ASSERT_TRUE(a->Fill(x));
  ASSERT_TRUE(a->Fill(y));
  EXPECT_NE(x, y);
}

TEST(DeterministicRandomSourceTest, RejectsEmptySeed) {
  auto source = DeterministicRandomSource::Create({});
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, CryptoErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::crypto
