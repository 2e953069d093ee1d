#include "kvstore_adapter/ledger/frame.h"

#include "base/check.h"
#include <cstring>

#include "kvstore_adapter/ledger/crc32c.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

// Frame header field offsets (see docs/FORMAT.md §9).
constexpr size_t kMagicOffset = 0;
constexpr size_t kPayloadBytesOffset = 4;
constexpr size_t kVersionOffset = 8;
constexpr size_t kReservedOffset = 16;
constexpr size_t kCrcOffset = 20;  // the CRC covers header bytes [0, kCrcOffset) and the payload

// Trailer field offsets.
constexpr size_t kTrailerPayloadBytesOffset = 0;
constexpr size_t kTrailerCrcOffset = 4;
constexpr size_t kTrailerMagicOffset = 8;

// Chunk header field offsets.
constexpr size_t kChunkFormatVersionOffset = 8;
constexpr size_t kChunkReservedOffset = 12;
constexpr size_t kChunkFirstVersionOffset = 16;
constexpr size_t kChunkReserved2Offset = 24;
constexpr size_t kChunkCrcOffset = 28;  // covers chunk header bytes [0, 28)

static_assert(kCrcOffset + 4 == kFrameHeaderBytes);
static_assert(kTrailerMagicOffset + 4 == kFrameTrailerBytes);
static_assert(kChunkCrcOffset + 4 == kChunkHeaderBytes);
static_assert(kChunkMagic.size() == kChunkFormatVersionOffset);

void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutU64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t FrameCrc(ByteView header_bytes, ByteView payload) {
  return Crc32cExtend(Crc32c(header_bytes.first(kCrcOffset)), payload);
}

}  // namespace

std::string_view DefectName(Defect defect) {
  switch (defect) {
    case Defect::kTruncated: return "truncated";
    case Defect::kBadMagic: return "bad magic";
    case Defect::kBadFormatVersion: return "unsupported format version";
    case Defect::kReservedNonZero: return "reserved field not zero";
    case Defect::kBadVersion: return "version 0";
    case Defect::kPayloadTooLarge: return "payload length above the format's bound";
    case Defect::kLengthMismatch: return "length mismatch";
    case Defect::kTrailerMismatch: return "trailer does not match header";
    case Defect::kChecksumMismatch: return "checksum mismatch";
  }
  return "unknown defect";
}

void AppendChunkHeader(Version first_version, Bytes& out) {
  LEDGERSEAL_CHECK(first_version != kNoVersion);
  const size_t start = out.size();
  out.resize(start + kChunkHeaderBytes, 0);
  uint8_t* p = out.data() + start;
  std::memcpy(p, kChunkMagic.data(), kChunkMagic.size());
  PutU32(p + kChunkFormatVersionOffset, kFormatVersion);
  PutU32(p + kChunkReservedOffset, 0);
  PutU64(p + kChunkFirstVersionOffset, first_version);
  PutU32(p + kChunkReserved2Offset, 0);
  PutU32(p + kChunkCrcOffset, Crc32c(ByteView(p, kChunkCrcOffset)));
  LEDGERSEAL_CHECK(DecodeChunkHeader(ByteView(p, kChunkHeaderBytes)) == first_version);
}

Decoded<Version> DecodeChunkHeader(ByteView bytes) {
  if (bytes.size() < kChunkHeaderBytes) return std::unexpected(Defect::kTruncated);
  const uint8_t* p = bytes.data();
  if (std::memcmp(p, kChunkMagic.data(), kChunkMagic.size()) != 0) return std::unexpected(Defect::kBadMagic);
  // The CRC is checked before the fields it covers, so that a flipped bit is
  // reported as damage rather than as, say, an unknown format version.
  if (GetU32(p + kChunkCrcOffset) != Crc32c(bytes.first(kChunkCrcOffset))) {
    return std::unexpected(Defect::kChecksumMismatch);
  }
  if (GetU32(p + kChunkFormatVersionOffset) != kFormatVersion) return std::unexpected(Defect::kBadFormatVersion);
  if (GetU32(p + kChunkReservedOffset) != 0 || GetU32(p + kChunkReserved2Offset) != 0) {
    return std::unexpected(Defect::kReservedNonZero);
  }
  const Version first_version = GetU64(p + kChunkFirstVersionOffset);
  if (first_version == kNoVersion) return std::unexpected(Defect::kBadVersion);
  return first_version;
}

void AppendFrame(Version version, ByteView payload, Bytes& out) {
  LEDGERSEAL_CHECK(version != kNoVersion);
  LEDGERSEAL_CHECK(payload.size() <= kMaxPayloadBytes);
  const auto payload_bytes = static_cast<uint32_t>(payload.size());
  const size_t start = out.size();
  out.resize(start + FrameBytes(payload.size()), 0);
  uint8_t* header = out.data() + start;
  PutU32(header + kMagicOffset, kFrameMagic);
  PutU32(header + kPayloadBytesOffset, payload_bytes);
  PutU64(header + kVersionOffset, version);
  PutU32(header + kReservedOffset, 0);
  if (!payload.empty()) std::memcpy(header + kFrameHeaderBytes, payload.data(), payload.size());
  const uint32_t crc = FrameCrc(ByteView(header, kFrameHeaderBytes), payload);
  PutU32(header + kCrcOffset, crc);
  uint8_t* trailer = header + kFrameHeaderBytes + payload.size();
  PutU32(trailer + kTrailerPayloadBytesOffset, payload_bytes);
  PutU32(trailer + kTrailerCrcOffset, crc);
  PutU32(trailer + kTrailerMagicOffset, kTrailerMagic);
}

Decoded<FrameHeader> DecodeFrameHeader(ByteView bytes) {
  if (bytes.size() < kFrameHeaderBytes) return std::unexpected(Defect::kTruncated);
  const uint8_t* p = bytes.data();
  if (GetU32(p + kMagicOffset) != kFrameMagic) return std::unexpected(Defect::kBadMagic);
  FrameHeader header{
      .payload_bytes = GetU32(p + kPayloadBytesOffset),
      .version = GetU64(p + kVersionOffset),
      .crc32c = GetU32(p + kCrcOffset),
  };
  if (header.payload_bytes > kMaxPayloadBytes) return std::unexpected(Defect::kPayloadTooLarge);
  if (GetU32(p + kReservedOffset) != 0) return std::unexpected(Defect::kReservedNonZero);
  if (header.version == kNoVersion) return std::unexpected(Defect::kBadVersion);
  return header;
}

Decoded<FrameTrailer> DecodeFrameTrailer(ByteView bytes) {
  if (bytes.size() < kFrameTrailerBytes) return std::unexpected(Defect::kTruncated);
  const uint8_t* p = bytes.data();
  if (GetU32(p + kTrailerMagicOffset) != kTrailerMagic) return std::unexpected(Defect::kBadMagic);
  const FrameTrailer trailer{
      .payload_bytes = GetU32(p + kTrailerPayloadBytesOffset),
      .crc32c = GetU32(p + kTrailerCrcOffset),
  };
  if (trailer.payload_bytes > kMaxPayloadBytes) return std::unexpected(Defect::kPayloadTooLarge);
  return trailer;
}

Decoded<FrameView> DecodeFrame(ByteView bytes) {
  auto header = DecodeFrameHeader(bytes);
  if (!header) return std::unexpected(header.error());
  if (bytes.size() < FrameBytes(header->payload_bytes)) return std::unexpected(Defect::kTruncated);
  if (bytes.size() != FrameBytes(header->payload_bytes)) return std::unexpected(Defect::kLengthMismatch);
  auto trailer = DecodeFrameTrailer(bytes.last(kFrameTrailerBytes));
  if (!trailer) return std::unexpected(trailer.error());
  if (trailer->payload_bytes != header->payload_bytes) return std::unexpected(Defect::kLengthMismatch);
  if (trailer->crc32c != header->crc32c) return std::unexpected(Defect::kTrailerMismatch);
  const ByteView payload = bytes.subspan(kFrameHeaderBytes, header->payload_bytes);
  if (FrameCrc(bytes.first(kFrameHeaderBytes), payload) != header->crc32c) {
    return std::unexpected(Defect::kChecksumMismatch);
  }
  return FrameView{.version = header->version, .payload = payload};
}

}  // namespace ledgerseal::kv::ledger::internal
