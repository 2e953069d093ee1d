#include "kvstore_adapter/ledger/tail_scan.h"

#include <fcntl.h>

#include <algorithm>
#include <string>

#include "base/check.h"
#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/posix_file.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

// What one chunk's tail looks like.
struct ChunkTail {
  uint64_t good_end_bytes = 0;          // 0 when the chunk holds no good frame
  Version last_version = kNoVersion;    // newest good frame; kNoVersion if none
  std::optional<DroppedTail> dropped;   // what follows the good frames, if anything
};

bool FrameMagicAt(ByteView bytes, size_t offset) {
  // kFrameMagic is "LSFR" on disk.
  return bytes[offset] == 'L' && bytes[offset + 1] == 'S' && bytes[offset + 2] == 'F' && bytes[offset + 3] == 'R';
}

Result<Bytes> ReadRange(int fd, const ChunkFile& chunk, uint64_t offset_bytes, uint64_t length_bytes,
                        ReadCounters* counters) {
  Bytes bytes(length_bytes);
  if (auto s = CountedRead(fd, chunk.path(), offset_bytes, bytes, counters); !s) return std::unexpected(s.error());
  return bytes;
}

ChunkTail DropWholeChunk(const ChunkFile& chunk, uint64_t size_bytes, std::string reason) {
  return ChunkTail{.dropped = DroppedTail{.file = chunk.path(),
                                          .offset_bytes = 0,
                                          .dropped_bytes = size_bytes,
                                          .file_removed = true,
                                          .version = chunk.first_version,
                                          .reason = std::move(reason),
                                          .kept_copy = {}}};
}

// The last frame, located from the end of the file, if it is complete and
// verifies. This is the common case after a clean shutdown or a crash between
// writes, and costs two small reads.
Result<std::optional<Version>> VerifiedLastFrame(int fd, const ChunkFile& chunk, uint64_t size_bytes,
                                                 ReadCounters* counters) {
  if (size_bytes < kChunkHeaderBytes + kFrameOverheadBytes) return std::nullopt;
  auto trailer_bytes = ReadRange(fd, chunk, size_bytes - kFrameTrailerBytes, kFrameTrailerBytes, counters);
  if (!trailer_bytes) return std::unexpected(trailer_bytes.error());
  auto trailer = DecodeFrameTrailer(*trailer_bytes);
  if (!trailer) return std::nullopt;
  const uint64_t frame_bytes = FrameBytes(trailer->payload_bytes);
  if (size_bytes - kChunkHeaderBytes < frame_bytes) return std::nullopt;
  const uint64_t offset_bytes = size_bytes - frame_bytes;
  auto bytes = ReadRange(fd, chunk, offset_bytes, frame_bytes, counters);
  if (!bytes) return std::unexpected(bytes.error());
  auto frame = DecodeFrame(*bytes);
  if (!frame) return std::nullopt;
  // A verified frame whose version does not fit the chunk is damage, not a tear.
  const uint64_t max_frames = (size_bytes - kChunkHeaderBytes) / kFrameOverheadBytes;
  if (frame->version < chunk.first_version || frame->version - chunk.first_version >= max_frames) {
    return std::unexpected(CorruptionAt(chunk.path(), offset_bytes, frame->version,
                                        "last frame's version does not fit a chunk starting at version " +
                                            std::to_string(chunk.first_version)));
  }
  return frame->version;
}

bool AllZero(ByteView bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// Whether `present` (the first bytes of a frame header, at most
// kFrameHeaderBytes) agrees with every header field the writer's frame for
// `expected` would hold that is known in advance: magic, version, reserved.
// (payload_bytes and the CRC depend on the payload.)
bool AgreesWithFrameHeader(ByteView present, Version expected) {
  Bytes known;
  AppendFrame(expected, {}, known);  // a frame with the same magic, version and reserved field
  for (size_t i = 0; i < present.size() && i < kFrameHeaderBytes; ++i) {
    const bool is_known = i < 4 || (i >= 8 && i < 20);
    if (is_known && present[i] != known[i]) return false;
  }
  return true;
}

// The offset in `tail` of a trailer that closes a frame starting at tail[0]
// (its magic is there and its length puts the frame's start exactly at 0),
// if any. A torn write never holds its own trailer: the trailer is the last
// thing in a frame. Finding one means the frame is complete and its header's
// length field is what is damaged.
std::optional<uint64_t> TrailerClosingFrameAt0(ByteView tail) {
  for (uint64_t end = kFrameOverheadBytes; end <= tail.size(); ++end) {
    auto trailer = DecodeFrameTrailer(tail.subspan(end - kFrameTrailerBytes, kFrameTrailerBytes));
    if (trailer && FrameBytes(trailer->payload_bytes) == end) return end - kFrameTrailerBytes;
  }
  return std::nullopt;
}

// Why the bytes `tail` (the rest of the chunk from the first frame that did
// not verify, at file offset `offset`) cannot be a torn write of the frame of
// version `expected`, or nullopt when they can. docs/FORMAT.md §9.8 states
// the rule and why it never drops a complete frame.
std::optional<std::string> NotATornWrite(ByteView tail, Version expected, uint64_t offset) {
  if (AllZero(tail)) return std::nullopt;  // space a power loss left unwritten
  if (!AgreesWithFrameHeader(tail, expected)) {
    return "the bytes there are not the start of the frame of version " + std::to_string(expected) +
           " (magic, version or reserved field differs): damage, not a torn write";
  }
  if (tail.size() < kFrameHeaderBytes) return std::nullopt;  // a partial header
  auto header = DecodeFrameHeader(tail);
  if (!header) return "frame header: " + std::string(DefectName(header.error())) + ": damage, not a torn write";
  const uint64_t frame_bytes = FrameBytes(header->payload_bytes);
  if (frame_bytes <= tail.size()) {
    auto frame = DecodeFrame(tail.first(frame_bytes));
    const std::string defect = frame ? "bytes follow it" : std::string(DefectName(frame.error()));
    return "complete frame (" + std::to_string(frame_bytes) + " bytes, ending at offset " +
           std::to_string(offset + frame_bytes) + ") fails verification: " + defect +
           "; damage, not a torn write";
  }
  if (auto trailer = TrailerClosingFrameAt0(tail)) {
    return "the frame's header says " + std::to_string(frame_bytes) + " bytes, past the end of the file, but a trailer at offset " +
           std::to_string(offset + *trailer) + " closes it: the frame is complete and its length field damaged";
  }
  return std::nullopt;  // the frame's declared end lies past the end of the file
}

// Scans the frames after the chunk header (`body`, read whole) from the start;
// see ScanTail for the rule that tells a torn tail from corruption.
Result<ChunkTail> ScanChunkBody(const ChunkFile& chunk, ByteView body) {
  uint64_t pos = 0;
  Version expected = chunk.first_version;
  Defect defect = Defect::kTruncated;
  // Each iteration consumes at least kFrameOverheadBytes: bounded by the body size.
  while (pos < body.size()) {
    const ByteView rest = body.subspan(pos);
    auto header = DecodeFrameHeader(rest);
    if (!header) {
      defect = header.error();
      break;
    }
    const uint64_t frame_bytes = FrameBytes(header->payload_bytes);
    if (rest.size() < frame_bytes) {
      defect = Defect::kTruncated;
      break;
    }
    auto frame = DecodeFrame(rest.first(frame_bytes));
    if (!frame) {
      defect = frame.error();
      break;
    }
    if (frame->version != expected) {
      return std::unexpected(CorruptionAt(chunk.path(), kChunkHeaderBytes + pos, expected,
                                          "frame holds version " + std::to_string(frame->version)));
    }
    pos += frame_bytes;
    ++expected;
  }
  const uint64_t good_end = kChunkHeaderBytes + pos;
  const Version last_good = expected - 1;  // chunk.first_version - 1 when no frame is good
  if (pos == body.size()) return ChunkTail{.good_end_bytes = good_end, .last_version = last_good, .dropped = std::nullopt};

  if (auto later = FindVerifiableFrame(body.subspan(pos + 1))) {
    return std::unexpected(CorruptionAt(
        chunk.path(), good_end, expected,
        std::string(DefectName(defect)) + ", yet a verifiable frame follows at offset " +
            std::to_string(good_end + 1 + *later) + ": damage before the tail, not a torn write"));
  }
  if (expected == kNoVersion) {  // the last good frame holds version 2^64-1
    return std::unexpected(CorruptionAt(chunk.path(), good_end, expected,
                                        "bytes follow the frame of the last possible version"));
  }
  if (auto damage = NotATornWrite(body.subspan(pos), expected, good_end)) {
    return std::unexpected(CorruptionAt(chunk.path(), good_end, expected, *damage));
  }
  const std::string reason =
      "frame at offset " + std::to_string(good_end) + ": " +
      (AllZero(body.subspan(pos)) ? std::string("zero-filled space") : "incomplete (" + std::string(DefectName(defect)) + ")");
  const uint64_t size_bytes = kChunkHeaderBytes + body.size();
  if (expected == chunk.first_version) return DropWholeChunk(chunk, size_bytes, reason + "; chunk holds no complete frame");
  return ChunkTail{.good_end_bytes = good_end,
                   .last_version = last_good,
                   .dropped = DroppedTail{.file = chunk.path(),
                                          .offset_bytes = good_end,
                                          .dropped_bytes = size_bytes - good_end,
                                          .file_removed = false,
                                          .version = expected,
                                          .reason = reason,
                                          .kept_copy = {}}};
}

// A chunk whose header does not verify. A crash can leave the header partial
// (it is written together with the first frame, by one write) or, after a
// power loss, zero-filled; but a complete header the writer wrote is valid.
// So a complete, invalid header that is not all zeros is damage, and so is a
// verifiable frame after a bad header.
Result<ChunkTail> BadHeaderChunk(int fd, const ChunkFile& chunk, uint64_t size_bytes, ByteView header_bytes,
                                 Defect defect, ReadCounters* counters) {
  if (!AllZero(header_bytes)) {
    return std::unexpected(CorruptionAt(chunk.path(), 0, chunk.first_version,
                                        "chunk header: " + std::string(DefectName(defect)) +
                                            ": damage, not a torn write (a complete header is written whole)"));
  }
  auto bytes = ReadRange(fd, chunk, 0, size_bytes, counters);
  if (!bytes) return std::unexpected(bytes.error());
  if (auto frame = FindVerifiableFrame(*bytes)) {
    return std::unexpected(CorruptionAt(chunk.path(), 0, chunk.first_version,
                                        "chunk header: " + std::string(DefectName(defect)) +
                                            ", yet a verifiable frame follows at offset " + std::to_string(*frame)));
  }
  return DropWholeChunk(chunk, size_bytes, "chunk header zero-filled, no frame follows");
}

Result<ChunkTail> ScanChunkTail(const ChunkFile& chunk, ReadCounters* counters) {
  auto fd = OpenFile(chunk.path(), O_RDONLY);
  if (!fd) return std::unexpected(fd.error());
  auto size = FileSize(fd->get(), chunk.path());
  if (!size) return std::unexpected(size.error());
  if (*size < kChunkHeaderBytes) {
    // A partial header: it must be a prefix of the header the writer writes
    // for this chunk (every byte of it is known from the name), or zeros.
    auto bytes = ReadRange(fd->get(), chunk, 0, *size, counters);
    if (!bytes) return std::unexpected(bytes.error());
    Bytes expected;
    AppendChunkHeader(chunk.first_version, expected);
    if (!AllZero(*bytes) && !std::equal(bytes->begin(), bytes->end(), expected.begin())) {
      return std::unexpected(CorruptionAt(chunk.path(), 0, chunk.first_version,
                                          "chunk of " + std::to_string(*size) +
                                              " bytes is not the start of its header: damage, not a torn write"));
    }
    return DropWholeChunk(chunk, *size, "chunk header incomplete (" + std::to_string(*size) + " of " +
                                            std::to_string(kChunkHeaderBytes) + " bytes)");
  }
  auto header_bytes = ReadRange(fd->get(), chunk, 0, kChunkHeaderBytes, counters);
  if (!header_bytes) return std::unexpected(header_bytes.error());
  auto first = DecodeChunkHeader(*header_bytes);
  if (!first) return BadHeaderChunk(fd->get(), chunk, *size, *header_bytes, first.error(), counters);
  if (*first != chunk.first_version) {
    return std::unexpected(CorruptionAt(chunk.path(), 0, chunk.first_version,
                                        "chunk header names first version " + std::to_string(*first)));
  }
  if (*size == kChunkHeaderBytes) return DropWholeChunk(chunk, *size, "chunk holds no frame");

  auto last = VerifiedLastFrame(fd->get(), chunk, *size, counters);
  if (!last) return std::unexpected(last.error());
  if (*last) return ChunkTail{.good_end_bytes = *size, .last_version = **last, .dropped = std::nullopt};

  auto body = ReadRange(fd->get(), chunk, kChunkHeaderBytes, *size - kChunkHeaderBytes, counters);
  if (!body) return std::unexpected(body.error());
  return ScanChunkBody(chunk, *body);
}

}  // namespace

std::optional<uint64_t> FindVerifiableFrame(ByteView bytes) {
  if (bytes.size() < kFrameOverheadBytes) return std::nullopt;
  // Cheap filters first (magic, header fields, trailer agreeing with the
  // header), the CRC only for candidates that pass them all.
  for (uint64_t offset = 0; offset + kFrameOverheadBytes <= bytes.size(); ++offset) {
    if (!FrameMagicAt(bytes, offset)) continue;
    const ByteView rest = bytes.subspan(offset);
    auto header = DecodeFrameHeader(rest);
    if (!header) continue;
    const uint64_t frame_bytes = FrameBytes(header->payload_bytes);
    if (rest.size() < frame_bytes) continue;
    auto trailer = DecodeFrameTrailer(rest.subspan(frame_bytes - kFrameTrailerBytes));
    if (!trailer || trailer->payload_bytes != header->payload_bytes || trailer->crc32c != header->crc32c) continue;
    if (DecodeFrame(rest.first(frame_bytes))) return offset;
  }
  return std::nullopt;
}

Result<TailScan> ScanTail(std::vector<ChunkFile> chunks, ReadCounters* counters) {
  TailScan scan;
  // Each iteration either finds the good end (and returns) or drops one chunk.
  while (!chunks.empty()) {
    auto tail = ScanChunkTail(chunks.back(), counters);
    if (!tail) return std::unexpected(tail.error());
    if (tail->dropped) scan.report.dropped.push_back(*tail->dropped);
    // ScanChunkTail's verdicts, not file bytes: a last version only for a
    // verified frame of the chunk's own versions (ending at least one frame
    // past the header), otherwise the whole chunk is dropped.
    if (tail->last_version != kNoVersion) {
      LEDGERSEAL_CHECK(tail->last_version >= chunks.back().first_version);
      LEDGERSEAL_CHECK(tail->good_end_bytes >= kChunkHeaderBytes + kFrameOverheadBytes);
      scan.last_chunk_end_bytes = tail->good_end_bytes;
      scan.report.last_good_version = tail->last_version;
      scan.chunks = std::move(chunks);
      return scan;
    }
    LEDGERSEAL_CHECK(tail->dropped && tail->dropped->file_removed);
    chunks.pop_back();
  }
  return scan;
}

}  // namespace ledgerseal::kv::ledger::internal
