#include "kvstore_adapter/ledger/frame.h"

#include <gtest/gtest.h>

#include <cstring>

#include "kvstore_adapter/ledger/crc32c.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

uint32_t U32At(const Bytes& b, size_t offset) {
  return static_cast<uint32_t>(b[offset]) | static_cast<uint32_t>(b[offset + 1]) << 8 |
         static_cast<uint32_t>(b[offset + 2]) << 16 | static_cast<uint32_t>(b[offset + 3]) << 24;
}
uint64_t U64At(const Bytes& b, size_t offset) {
  return static_cast<uint64_t>(U32At(b, offset)) | static_cast<uint64_t>(U32At(b, offset + 4)) << 32;
}

Bytes Frame(Version version, std::string_view payload) {
  Bytes out;
  AppendFrame(version, AsBytes(payload), out);
  return out;
}

// The documented layout (docs/FORMAT.md §9), byte by byte.
TEST(FrameTest, FrameLayoutMatchesTheDocumentation) {
  const Bytes f = Frame(0x0102030405060708ull, "abc");
  ASSERT_EQ(f.size(), 24u + 3u + 12u);
  EXPECT_EQ(std::string(f.begin(), f.begin() + 4), "LSFR");
  EXPECT_EQ(U32At(f, 4), 3u);
  EXPECT_EQ(f[8], 0x08);  // little-endian
  EXPECT_EQ(U64At(f, 8), 0x0102030405060708ull);
  EXPECT_EQ(U32At(f, 16), 0u);
  Bytes covered(f.begin(), f.begin() + 20);
  covered.insert(covered.end(), {'a', 'b', 'c'});
  const uint32_t crc = Crc32c(covered);
  EXPECT_EQ(U32At(f, 20), crc);
  EXPECT_EQ(std::string(f.begin() + 24, f.begin() + 27), "abc");
  EXPECT_EQ(U32At(f, 27), 3u);
  EXPECT_EQ(U32At(f, 31), crc);
  EXPECT_EQ(std::string(f.begin() + 35, f.end()), "LSFE");
}

TEST(FrameTest, ChunkHeaderLayoutMatchesTheDocumentation) {
  Bytes h;
  AppendChunkHeader(0x1122334455667788ull, h);
  ASSERT_EQ(h.size(), 32u);
  EXPECT_EQ(std::string(h.begin(), h.begin() + 8), "LSLEDGER");
  EXPECT_EQ(U32At(h, 8), 1u);
  EXPECT_EQ(U32At(h, 12), 0u);
  EXPECT_EQ(U64At(h, 16), 0x1122334455667788ull);
  EXPECT_EQ(U32At(h, 24), 0u);
  EXPECT_EQ(U32At(h, 28), Crc32c(ByteView(h).first(28)));
  EXPECT_EQ(DecodeChunkHeader(h), 0x1122334455667788ull);
}

// The worked example of docs/FORMAT.md §9, computed with an independent
// (Python) CRC-32C: pins the format, so that a change to it cannot go unnoticed.
TEST(FrameTest, GoldenBytesOfTheDocumentedExample) {
  const Bytes expected = {
      0x4C, 0x53, 0x4C, 0x45, 0x44, 0x47, 0x45, 0x52, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0E, 0x26, 0x82, 0x5B,  //
      0x4C, 0x53, 0x46, 0x52, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      0x00, 0x00, 0x00, 0x00, 0x89, 0x4D, 0xD3, 0x33, 0x61, 0x62, 0x63,                                //
      0x03, 0x00, 0x00, 0x00, 0x89, 0x4D, 0xD3, 0x33, 0x4C, 0x53, 0x46, 0x45};
  Bytes actual;
  AppendChunkHeader(1, actual);
  AppendFrame(1, AsBytes("abc"), actual);
  EXPECT_EQ(actual, expected);
}

TEST(FrameTest, RoundTripsAndIsDeterministic) {
  for (const std::string_view payload : {std::string_view(), std::string_view("x"), std::string_view("hello ledger")}) {
    const Bytes f = Frame(42, payload);
    EXPECT_EQ(f, Frame(42, payload));
    auto decoded = DecodeFrame(f);
    ASSERT_TRUE(decoded) << DefectName(decoded.error());
    EXPECT_EQ(decoded->version, 42u);
    EXPECT_EQ(AsString(decoded->payload), payload);
    auto header = DecodeFrameHeader(f);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->payload_bytes, payload.size());
    auto trailer = DecodeFrameTrailer(ByteView(f).last(kFrameTrailerBytes));
    ASSERT_TRUE(trailer);
    EXPECT_EQ(trailer->payload_bytes, payload.size());
    EXPECT_EQ(trailer->crc32c, header->crc32c);
  }
}

TEST(FrameTest, EveryByteFlipIsDetected) {
  const Bytes original = Frame(7, "some payload bytes");
  for (size_t i = 0; i < original.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      Bytes f = original;
      f[i] ^= mask;
      EXPECT_FALSE(DecodeFrame(f)) << "byte " << i << " mask " << int{mask};
    }
  }
}

TEST(FrameTest, EveryTruncationIsDetected) {
  const Bytes f = Frame(9, "truncate me");
  for (size_t n = 0; n < f.size(); ++n) {
    auto decoded = DecodeFrame(ByteView(f).first(n));
    ASSERT_FALSE(decoded) << n;
    EXPECT_EQ(decoded.error(), Defect::kTruncated) << n;
  }
}

TEST(FrameTest, ExtraBytesAreALengthMismatch) {
  Bytes f = Frame(9, "abc");
  f.push_back(0);
  EXPECT_EQ(DecodeFrame(f).error(), Defect::kLengthMismatch);
}

TEST(FrameTest, TrailerMustRepeatTheHeader) {
  Bytes a = Frame(5, "abc");
  const Bytes b = Frame(6, "abc");  // same length, different CRC
  std::memcpy(a.data() + a.size() - kFrameTrailerBytes, b.data() + b.size() - kFrameTrailerBytes, kFrameTrailerBytes);
  EXPECT_EQ(DecodeFrame(a).error(), Defect::kTrailerMismatch);
}

TEST(FrameTest, HeaderFieldChecks) {
  Bytes f = Frame(5, "abc");
  Bytes zero_version = f;
  std::memset(zero_version.data() + 8, 0, 8);
  EXPECT_EQ(DecodeFrameHeader(zero_version).error(), Defect::kBadVersion);
  Bytes reserved = f;
  reserved[17] = 1;
  EXPECT_EQ(DecodeFrameHeader(reserved).error(), Defect::kReservedNonZero);
  Bytes huge = f;
  const uint32_t too_large = kMaxPayloadBytes + 1;
  std::memcpy(huge.data() + 4, &too_large, 4);  // x86 and every CI host: little-endian
  EXPECT_EQ(DecodeFrameHeader(huge).error(), Defect::kPayloadTooLarge);
  EXPECT_EQ(DecodeFrameHeader(Bytes(kFrameHeaderBytes, 0)).error(), Defect::kBadMagic);
  EXPECT_EQ(DecodeFrameHeader(ByteView(f).first(kFrameHeaderBytes - 1)).error(), Defect::kTruncated);
}

TEST(FrameTest, ChunkHeaderChecks) {
  Bytes h;
  AppendChunkHeader(3, h);
  for (size_t i = 0; i < h.size(); ++i) {
    Bytes damaged = h;
    damaged[i] ^= 0x10;
    EXPECT_FALSE(DecodeChunkHeader(damaged)) << "byte " << i;
  }
  EXPECT_EQ(DecodeChunkHeader(ByteView(h).first(31)).error(), Defect::kTruncated);
  EXPECT_EQ(DecodeChunkHeader(Bytes(32, 0)).error(), Defect::kBadMagic);
}

}  // namespace
}  // namespace ledgerseal::kv::ledger::internal
