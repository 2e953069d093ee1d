#include "kvstore_adapter/ledger/crc32c.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace ledgerseal::kv::ledger::internal {
namespace {

// Bit-at-a-time reference: the definition of CRC-32C, independent of the
// tables and the instruction the real implementations use.
uint32_t ReferenceCrc32c(ByteView data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

TEST(Crc32cTest, StandardCheckValue) {
  EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32cExtendPortable(0, AsBytes("123456789")), 0xE3069283u);
  if (Crc32cHardwareAvailable()) {
    EXPECT_EQ(Crc32cExtendHardware(0, AsBytes("123456789")), 0xE3069283u);
  }
}

// Test vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32cTest, Rfc3720Vectors) {
  EXPECT_EQ(Crc32c(Bytes(32, 0x00)), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(Bytes(32, 0xFF)), 0x62A8AB43u);
  Bytes ascending(32);
  std::iota(ascending.begin(), ascending.end(), 0);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  Bytes descending(ascending.rbegin(), ascending.rend());
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, EmptyInputIsZeroAndExtendIsIdentity) {
  EXPECT_EQ(Crc32c(ByteView()), 0u);
  EXPECT_EQ(Crc32cExtend(0xE3069283u, ByteView()), 0xE3069283u);
}

TEST(Crc32cTest, ImplementationsAgreeWithReferenceAtEveryLengthAndAlignment) {
  const Bytes data = RandomBytes(300, 7);
  for (size_t start = 0; start < 9; ++start) {
    for (size_t length = 0; start + length <= data.size(); length += 1 + length / 8) {
      const ByteView view = ByteView(data).subspan(start, length);
      const uint32_t expected = ReferenceCrc32c(view);
      ASSERT_EQ(Crc32cExtendPortable(0, view), expected) << "start " << start << " length " << length;
      if (Crc32cHardwareAvailable()) {
        ASSERT_EQ(Crc32cExtendHardware(0, view), expected) << "start " << start << " length " << length;
      }
      ASSERT_EQ(Crc32c(view), expected);
    }
  }
}

TEST(Crc32cTest, ExtendEqualsOneShotOverConcatenation) {
  const Bytes data = RandomBytes(1000, 11);
  const uint32_t whole = Crc32c(data);
  for (size_t split = 0; split <= data.size(); split += 37) {
    const ByteView all(data);
    EXPECT_EQ(Crc32cExtend(Crc32c(all.first(split)), all.subspan(split)), whole) << "split " << split;
    EXPECT_EQ(Crc32cExtendPortable(Crc32cExtendPortable(0, all.first(split)), all.subspan(split)), whole);
  }
}

TEST(Crc32cTest, DetectsEverySingleBitFlip) {
  Bytes data = RandomBytes(64, 3);
  const uint32_t original = Crc32c(data);
  for (size_t i = 0; i < data.size() * 8; ++i) {
    data[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_NE(Crc32c(data), original) << "bit " << i;
    data[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
  }
}

}  // namespace
}  // namespace ledgerseal::kv::ledger::internal
