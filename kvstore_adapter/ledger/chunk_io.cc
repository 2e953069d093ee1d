#include "kvstore_adapter/ledger/chunk_io.h"

#include <fcntl.h>

#include <algorithm>
#include <string>

#include "base/check.h"

#include "kvstore_adapter/ledger/frame.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

std::string DefectText(Defect defect) { return std::string(DefectName(defect)); }

}  // namespace

Status CountedRead(int fd, const std::filesystem::path& path, uint64_t offset_bytes, std::span<uint8_t> out,
                   ReadCounters* counters) {
  if (counters != nullptr) {
    counters->calls.fetch_add(1, std::memory_order_relaxed);
    counters->bytes.fetch_add(out.size(), std::memory_order_relaxed);
  }
  if (auto s = ReadExact(fd, path, offset_bytes, out); !s) return s;
  if (counters != nullptr && counters->after_read_for_testing) {
    counters->after_read_for_testing(offset_bytes, out.size());
  }
  return {};
}

Error CorruptionAt(const std::filesystem::path& path, uint64_t offset_bytes, Version version, std::string_view what) {
  std::string message = "ledger chunk " + path.string() + " offset " + std::to_string(offset_bytes) + " (version " +
                        std::to_string(version) + "): ";
  message += what;
  return Error{ErrorCode::kCorruption, std::move(message)};
}

ChunkReader::ChunkReader(ChunkFile chunk, std::filesystem::path path, UniqueFd fd, uint64_t end_bytes,
                         size_t read_ahead_bytes, ReadCounters* counters)
    : chunk_(std::move(chunk)),
      path_(std::move(path)),
      fd_(std::move(fd)),
      end_bytes_(end_bytes),
      read_ahead_bytes_(read_ahead_bytes),
      counters_(counters) {}

Result<ChunkReader> ChunkReader::Open(const ChunkFile& chunk, std::optional<uint64_t> end_bytes,
                                      size_t read_ahead_bytes, ReadCounters* counters) {
  std::filesystem::path path = chunk.path();
  auto fd = OpenFile(path, O_RDONLY);
  if (!fd) {
    // A chunk listed when the view opened is gone: not "no such version".
    return MakeError(ErrorCode::kIoError, "ledger chunk " + path.string() +
                                              " cannot be opened: " + fd.error().message);
  }
  uint64_t end = 0;
  if (end_bytes) {
    end = *end_bytes;
  } else {
    auto size = FileSize(fd->get(), path);
    if (!size) return std::unexpected(size.error());
    end = *size;
  }
  if (end < kChunkHeaderBytes) {
    return std::unexpected(CorruptionAt(path, 0, chunk.first_version,
                                        "chunk is " + std::to_string(end) + " bytes, shorter than its header"));
  }
  uint8_t header[kChunkHeaderBytes];
  if (auto s = CountedRead(fd->get(), path, 0, header, counters); !s) return std::unexpected(s.error());
  auto first = DecodeChunkHeader(ByteView(header, kChunkHeaderBytes));
  if (!first) {
    return std::unexpected(CorruptionAt(path, 0, chunk.first_version, "chunk header: " + DefectText(first.error())));
  }
  if (*first != chunk.first_version) {
    return std::unexpected(CorruptionAt(path, 0, chunk.first_version,
                                        "chunk header names first version " + std::to_string(*first) +
                                            ", the file name another"));
  }
  return ChunkReader(chunk, std::move(path), std::move(*fd), end, read_ahead_bytes, counters);
}

Result<ByteView> ChunkReader::ReadAt(uint64_t offset_bytes, uint64_t length_bytes) {
  // Every caller compares the range with end_bytes_ first (bad lengths read
  // from the file are kCorruption there), so only a bug can break this.
  LEDGERSEAL_CHECK(offset_bytes + length_bytes <= end_bytes_);
  const bool buffered = offset_bytes >= buffer_offset_bytes_ &&
                        offset_bytes + length_bytes <= buffer_offset_bytes_ + buffer_.size();
  if (!buffered) {
    const uint64_t fetch_bytes = std::min<uint64_t>(std::max<uint64_t>(length_bytes, read_ahead_bytes_),
                                                    end_bytes_ - offset_bytes);
    buffer_.resize(fetch_bytes);
    buffer_offset_bytes_ = offset_bytes;
    if (auto s = CountedRead(fd_.get(), path_, offset_bytes, buffer_, counters_); !s) {
      buffer_.clear();
      return std::unexpected(s.error());
    }
  }
  return ByteView(buffer_).subspan(offset_bytes - buffer_offset_bytes_, length_bytes);
}

Result<uint64_t> ChunkReader::FrameBytesAt(uint64_t offset_bytes, Version expected_version) {
  // Callers start at the chunk header's end and only ever add frame sizes.
  LEDGERSEAL_CHECK(offset_bytes >= kChunkHeaderBytes);
  if (offset_bytes + kFrameHeaderBytes > end_bytes_) {
    return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                        "frame header runs past the chunk's end at " + std::to_string(end_bytes_)));
  }
  auto bytes = ReadAt(offset_bytes, kFrameHeaderBytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto header = DecodeFrameHeader(*bytes);
  if (!header) return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                                   "frame header: " + DefectText(header.error())));
  if (header->version != expected_version) {
    return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                        "frame holds version " + std::to_string(header->version)));
  }
  const uint64_t frame_bytes = FrameBytes(header->payload_bytes);
  if (offset_bytes + frame_bytes > end_bytes_) {
    return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                        "frame of " + std::to_string(frame_bytes) +
                                            " bytes runs past the chunk's end at " + std::to_string(end_bytes_)));
  }
  return frame_bytes;
}

Result<FrameAt> ChunkReader::ReadFrameAt(uint64_t offset_bytes, Version expected_version) {
  auto frame_bytes = FrameBytesAt(offset_bytes, expected_version);
  if (!frame_bytes) return std::unexpected(frame_bytes.error());
  auto bytes = ReadAt(offset_bytes, *frame_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto frame = DecodeFrame(*bytes);
  if (!frame) return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version, DefectText(frame.error())));
  // FrameBytesAt checked the version in the header, but when the frame is
  // larger than the buffer ReadAt went back to the file for it: the host may
  // have rewritten the frame in between (a valid frame of the same size and
  // another version passes DecodeFrame).
  if (frame->version != expected_version) {
    return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                        "frame holds version " + std::to_string(frame->version) +
                                            " (its header read before named the expected version: the file "
                                            "changed between two reads)"));
  }
  return FrameAt{.version = frame->version,
                 .payload = frame->payload,
                 .offset_bytes = offset_bytes,
                 .frame_bytes = *frame_bytes};
}

Result<FrameAt> ChunkReader::ReadFrameEndingAt(uint64_t end_offset_bytes, Version expected_version) {
  // Callers pass end_bytes() or the start of a frame this reader returned.
  LEDGERSEAL_CHECK(end_offset_bytes <= end_bytes_);
  if (end_offset_bytes < kChunkHeaderBytes + kFrameOverheadBytes) {
    return std::unexpected(CorruptionAt(path_, end_offset_bytes, expected_version,
                                        "no room for a frame between the chunk header and this offset"));
  }
  const uint64_t trailer_offset = end_offset_bytes - kFrameTrailerBytes;
  auto trailer_bytes = ReadAt(trailer_offset, kFrameTrailerBytes);
  if (!trailer_bytes) return std::unexpected(trailer_bytes.error());
  auto trailer = DecodeFrameTrailer(*trailer_bytes);
  if (!trailer) {
    return std::unexpected(CorruptionAt(path_, trailer_offset, expected_version,
                                        "frame trailer: " + DefectText(trailer.error())));
  }
  const uint64_t frame_bytes = FrameBytes(trailer->payload_bytes);
  if (end_offset_bytes - kChunkHeaderBytes < frame_bytes) {
    return std::unexpected(CorruptionAt(path_, trailer_offset, expected_version,
                                        "trailer's length reaches before the chunk header"));
  }
  const uint64_t offset_bytes = end_offset_bytes - frame_bytes;
  auto bytes = ReadAt(offset_bytes, frame_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto frame = DecodeFrame(*bytes);
  if (!frame) return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version, DefectText(frame.error())));
  if (frame->version != expected_version) {
    return std::unexpected(CorruptionAt(path_, offset_bytes, expected_version,
                                        "frame holds version " + std::to_string(frame->version)));
  }
  return FrameAt{.version = frame->version, .payload = frame->payload, .offset_bytes = offset_bytes,
                 .frame_bytes = frame_bytes};
}

}  // namespace ledgerseal::kv::ledger::internal
