#include "base/canonical_items.h"

#include <gtest/gtest.h>

#include "base/testing/hex.h"

namespace ledgerseal::base {
namespace {

using ledgerseal::testing::ToHex;

TEST(CanonicalEncoderTest, BytesAreLengthPrefixedBigEndian) {
  EXPECT_EQ(ToHex(CanonicalEncoder().AddString("ab").Finish()), "000000026162");
  EXPECT_EQ(ToHex(CanonicalEncoder().AddString("").Finish()), "00000000");
  std::vector<uint8_t> long_item(0x0102, 0x00);
  auto encoded = CanonicalEncoder().AddBytes(long_item).Finish();
  ASSERT_EQ(encoded.size(), 4u + 0x0102);
  EXPECT_EQ(ToHex(std::span(encoded).first(4)), "00000102");
}

TEST(CanonicalEncoderTest, IntegersAreFixedWidthItems) {
  EXPECT_EQ(ToHex(CanonicalEncoder().AddU32(0x01020304).Finish()), "0000000401020304");
  EXPECT_EQ(ToHex(CanonicalEncoder().AddU64(0x0102030405060708).Finish()),
            "000000080102030405060708");
  EXPECT_EQ(ToHex(CanonicalEncoder().AddU64(0).Finish()), "000000080000000000000000");
}

TEST(CanonicalEncoderTest, ItemsConcatenateInOrder) {
  EXPECT_EQ(ToHex(CanonicalEncoder().AddString("a").AddU32(5).AddString("bc").Finish()),
            "00000001"
            "61"
            "00000004"
            "00000005"
            "00000002"
            "6263");
}

TEST(CanonicalEncoderTest, BoundariesCannotShift) {
  // Without prefixes "ab"+"c" and "a"+"bc" would collide.
  EXPECT_NE(CanonicalEncoder().AddString("ab").AddString("c").Finish(),
            CanonicalEncoder().AddString("a").AddString("bc").Finish());
  EXPECT_NE(CanonicalEncoder().AddString("").AddString("x").Finish(),
            CanonicalEncoder().AddString("x").AddString("").Finish());
}

TEST(CanonicalEncoderTest, FinishEmptiesTheEncoder) {
  CanonicalEncoder encoder;
  encoder.AddString("x");
  EXPECT_FALSE(encoder.Finish().empty());
  EXPECT_TRUE(encoder.Finish().empty());
}

}  // namespace
}  // namespace ledgerseal::base
