// Encoding and decoding of the ledger file format's two structures, the chunk
// header and the record frame: pure functions over byte spans, no I/O.
// docs/FORMAT.md §9 documents every byte; keep the two in step.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_FRAME_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string_view>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

// --- Chunk header: 32 bytes at offset 0 of every chunk file. ---
inline constexpr size_t kChunkHeaderBytes = 32;
inline constexpr std::string_view kChunkMagic = "LSLEDGER";  // 8 ASCII bytes
inline constexpr uint32_t kFormatVersion = 1;

// --- Frame: header (24) ‖ payload ‖ trailer (12). ---
inline constexpr size_t kFrameHeaderBytes = 24;
inline constexpr size_t kFrameTrailerBytes = 12;
inline constexpr size_t kFrameOverheadBytes = kFrameHeaderBytes + kFrameTrailerBytes;
// "LSFR" and "LSFE" read as little-endian u32: ASCII in a hex dump.
inline constexpr uint32_t kFrameMagic = 0x5246534Cu;
inline constexpr uint32_t kTrailerMagic = 0x4546534Cu;
// Upper bound on one payload. A format constant, not an option, so that every
// reader accepts what every writer wrote; it also bounds what a corrupted
// length field can make a reader allocate.
inline constexpr uint32_t kMaxPayloadBytes = 256u << 20;

// Why bytes are not a valid chunk header or frame. Callers add the file,
// offset and version.
enum class Defect {
  kTruncated,         // fewer bytes than the structure needs
  kBadMagic,          // magic field wrong (also: zero-filled space)
  kBadFormatVersion,  // chunk header names a format this code does not read
  kReservedNonZero,   // a reserved field is not zero
  kBadVersion,        // version 0 (versions start at 1)
  kPayloadTooLarge,   // payload_bytes > kMaxPayloadBytes
  kLengthMismatch,    // frame size disagrees with payload_bytes, or trailer length != header length
  kTrailerMismatch,   // trailer magic or CRC differs from the header's
  kChecksumMismatch,  // CRC-32C does not match the bytes
};

std::string_view DefectName(Defect defect);

template <typename T>
using Decoded = base::Expected<T, Defect>;

struct FrameHeader {
  uint32_t payload_bytes = 0;
  Version version = kNoVersion;
  uint32_t crc32c = 0;
};

struct FrameTrailer {
  uint32_t payload_bytes = 0;
  uint32_t crc32c = 0;
};

// A verified frame. `payload` points into the bytes given to DecodeFrame.
struct FrameView {
  Version version = kNoVersion;
  ByteView payload;
};

inline constexpr uint64_t FrameBytes(uint64_t payload_bytes) { return kFrameOverheadBytes + payload_bytes; }

// Appends the 32-byte chunk header for a chunk whose first frame has
// `first_version` (>= 1) to `out`.
void AppendChunkHeader(Version first_version, Bytes& out);

// Decodes and verifies a chunk header (`bytes.size() >= kChunkHeaderBytes`;
// extra bytes are ignored). Returns the first version it names.
Decoded<Version> DecodeChunkHeader(ByteView bytes);

// Appends one frame for (`version` >= 1, `payload` <= kMaxPayloadBytes) to
// `out`. Deterministic: the same arguments always give the same bytes.
void AppendFrame(Version version, ByteView payload, Bytes& out);

// Decodes the first kFrameHeaderBytes of `bytes`: checks magic, reserved,
// version and the payload bound. Does not check the CRC (it covers the payload).
Decoded<FrameHeader> DecodeFrameHeader(ByteView bytes);

// Decodes a trailer from exactly the kFrameTrailerBytes it is given (or the
// first ones): checks magic and the payload bound.
Decoded<FrameTrailer> DecodeFrameTrailer(ByteView bytes);

// Verifies a whole frame: `bytes` must be exactly one frame (header, payload,
// trailer). Checks every field, that the trailer repeats the header, and the
// CRC-32C. The returned payload aliases `bytes`.
Decoded<FrameView> DecodeFrame(ByteView bytes);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_FRAME_H_
