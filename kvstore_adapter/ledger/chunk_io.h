// Reading frames out of one chunk file, forwards (with read-ahead) or
// backwards (via trailers), verifying each. Internal to the ledger files.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_IO_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_IO_H_

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/posix_file.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

// Counts every pread a view and its iterators make (tests check read costs).
struct ReadCounters {
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> calls{0};
  // Tests only (null otherwise): called after each counted read succeeded,
  // with the range read, e.g. to rewrite the file between two reads the way
  // a hostile host can. Set before the reads start.
  std::function<void(uint64_t offset_bytes, uint64_t length_bytes)> after_read_for_testing;
};

// ReadExact, counted in `counters` (may be null).
Status CountedRead(int fd, const std::filesystem::path& path, uint64_t offset_bytes, std::span<uint8_t> out,
                   ReadCounters* counters);

// kCorruption: "ledger chunk <path> offset <offset> (version <version>): <what>".
Error CorruptionAt(const std::filesystem::path& path, uint64_t offset_bytes, Version version, std::string_view what);

// A verified frame read from a chunk. `payload` aliases the reader's buffer:
// valid until the reader's next call.
struct FrameAt {
  Version version = kNoVersion;
  ByteView payload;
  uint64_t offset_bytes = 0;  // where the frame starts in the file
  uint64_t frame_bytes = 0;
};

class ChunkReader {
 public:
  // Opens `chunk` read-only and verifies its header (which must name
  // chunk.first_version). Frames are read only below `end_bytes` (nullopt:
  // the file's size now). `read_ahead_bytes` > 0 makes forward reads fetch
  // blocks of that size; 0 reads exactly what is asked (backward reading).
  // `counters` may be null; it must outlive the reader.
  // Errors: kCorruption, kIoError (also when the file is gone).
  static Result<ChunkReader> Open(const ChunkFile& chunk, std::optional<uint64_t> end_bytes, size_t read_ahead_bytes,
                                  ReadCounters* counters);

  const ChunkFile& chunk() const { return chunk_; }
  uint64_t end_bytes() const { return end_bytes_; }

  // The frame starting at `offset_bytes`, verified, whose version must be
  // `expected_version`. Its header and the whole frame may be two reads of
  // the file (when the frame is larger than the read-ahead): bytes that
  // changed in between are kCorruption like any other bad bytes.
  Result<FrameAt> ReadFrameAt(uint64_t offset_bytes, Version expected_version);

  // The frame ending at `end_offset_bytes` (located through its trailer),
  // verified, whose version must be `expected_version`.
  Result<FrameAt> ReadFrameEndingAt(uint64_t end_offset_bytes, Version expected_version);

  // Size of the frame at `offset_bytes`, from its header alone (no checksum:
  // for indexing); checks magic, version == expected_version and that the
  // frame fits below end_bytes().
  Result<uint64_t> FrameBytesAt(uint64_t offset_bytes, Version expected_version);

 private:
  ChunkReader(ChunkFile chunk, std::filesystem::path path, UniqueFd fd, uint64_t end_bytes, size_t read_ahead_bytes,
              ReadCounters* counters);

  // File bytes [offset_bytes, offset_bytes + length_bytes), which the caller
  // checked lie below end_bytes_. Served from the buffer when it holds them.
  Result<ByteView> ReadAt(uint64_t offset_bytes, uint64_t length_bytes);

  ChunkFile chunk_;
  std::filesystem::path path_;  // chunk_.path(), built once: every read names it
  UniqueFd fd_;
  uint64_t end_bytes_ = 0;
  size_t read_ahead_bytes_ = 0;
  ReadCounters* counters_ = nullptr;
  Bytes buffer_;                      // file bytes [buffer_offset_bytes_, + buffer_.size())
  uint64_t buffer_offset_bytes_ = 0;
};

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_IO_H_
