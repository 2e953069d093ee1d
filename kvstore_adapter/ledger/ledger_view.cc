// LedgerView and BackwardIterator.
#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "base/check.h"

#include "kvstore_adapter/ledger/chunk_io.h"
#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/ledger/tail_scan.h"

namespace ledgerseal::kv::ledger {

using internal::ChunkFile;
using internal::ChunkReader;

namespace {

// Forward reads fetch blocks of this size: replay of small entries costs one
// pread per block, not two per entry.
constexpr size_t kReadAheadBytes = size_t{256} << 10;
// Frame offset indexes kept per view (each ~8 bytes per entry of its chunk).
constexpr size_t kMaxCachedIndexes = 8;

using ChunkIndex = std::vector<uint64_t>;  // offset of each frame, by version - first_version

}  // namespace

struct LedgerView::Impl {
  std::filesystem::path dir;
  std::vector<ChunkFile> chunks;  // oldest first; every one holds >= 1 good frame
  uint64_t last_chunk_end_bytes = 0;
  Version first_version = kNoVersion;
  Version last_version = kNoVersion;
  RecoveryReport report;
  mutable internal::ReadCounters counters;

  mutable std::mutex index_mu;
  // Most recently used last. Guarded by index_mu.
  mutable std::vector<std::pair<size_t, std::shared_ptr<const ChunkIndex>>> indexes;

  bool empty() const { return chunks.empty(); }

  // Where chunk k's frames end: the recovered end for the newest chunk (a
  // writer may be appending past it), the file size for the others.
  std::optional<uint64_t> EndOf(size_t k) const {
    return k + 1 == chunks.size() ? std::optional<uint64_t>(last_chunk_end_bytes) : std::nullopt;
  }
  // The version after chunk k's last frame.
  Version EndVersionOf(size_t k) const {
    return k + 1 == chunks.size() ? last_version + 1 : chunks[k + 1].first_version;
  }
  // The chunk that holds `version` (in [first_version, last_version]), by its name.
  size_t ChunkFor(Version version) const {
    LEDGERSEAL_CHECK(!empty() && version >= first_version && version <= last_version);
    const auto it = std::upper_bound(chunks.begin(), chunks.end(), version,
                                     [](Version v, const ChunkFile& c) { return v < c.first_version; });
    LEDGERSEAL_CHECK(it != chunks.begin());
    return static_cast<size_t>(it - chunks.begin()) - 1;
  }

  Result<ChunkReader> OpenChunk(size_t k, size_t read_ahead_bytes) const {
    return ChunkReader::Open(chunks[k], EndOf(k), read_ahead_bytes, &counters);
  }

  Result<std::shared_ptr<const ChunkIndex>> IndexOf(size_t k) const;
  Result<std::shared_ptr<const ChunkIndex>> BuildIndex(size_t k) const;
  Error ChunkEndMismatch(size_t k, Version end_version) const;
};

Error LedgerView::Impl::ChunkEndMismatch(size_t k, Version end_version) const {
  return Error{ErrorCode::kCorruption,
               "ledger chunk " + chunks[k].path().string() + " ends before version " + std::to_string(end_version) +
                   ", but " + (k + 1 == chunks.size() ? std::string("the ledger's last version is ") +
                                                            std::to_string(last_version)
                                                      : "the next chunk starts at version " +
                                                            std::to_string(chunks[k + 1].first_version))};
}

Result<std::shared_ptr<const ChunkIndex>> LedgerView::Impl::BuildIndex(size_t k) const {
  auto reader = OpenChunk(k, kReadAheadBytes);
  if (!reader) return std::unexpected(reader.error());
  auto index = std::make_shared<ChunkIndex>();
  uint64_t offset = internal::kChunkHeaderBytes;
  Version version = chunks[k].first_version;
  // Each iteration advances by >= kFrameOverheadBytes: bounded by the chunk size.
  while (offset < reader->end_bytes()) {
    auto frame_bytes = reader->FrameBytesAt(offset, version);
    if (!frame_bytes) return std::unexpected(frame_bytes.error());
    index->push_back(offset);
    offset += *frame_bytes;
    ++version;
  }
  // FrameBytesAt refused every frame running past end_bytes().
  LEDGERSEAL_CHECK(offset == reader->end_bytes());
  if (version != EndVersionOf(k)) return std::unexpected(ChunkEndMismatch(k, version));
  return std::shared_ptr<const ChunkIndex>(std::move(index));
}

Result<std::shared_ptr<const ChunkIndex>> LedgerView::Impl::IndexOf(size_t k) const {
  {
    std::lock_guard lock(index_mu);
    const auto it = std::find_if(indexes.begin(), indexes.end(), [k](const auto& e) { return e.first == k; });
    if (it != indexes.end()) {
      auto index = it->second;
      std::rotate(it, it + 1, indexes.end());  // most recently used last
      return index;
    }
  }
  // Built outside the lock: concurrent readers of other chunks don't wait.
  auto index = BuildIndex(k);
  if (!index) return index;
  std::lock_guard lock(index_mu);
  if (indexes.size() >= kMaxCachedIndexes) indexes.erase(indexes.begin());
  indexes.emplace_back(k, *index);
  return index;
}

LedgerView::LedgerView(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerView::~LedgerView() = default;

Result<std::unique_ptr<LedgerView>> LedgerView::Open(const std::filesystem::path& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  auto chunks = internal::ListChunks(dir);
  if (!chunks) return std::unexpected(chunks.error());
  auto scan = internal::ScanTail(std::move(*chunks), &impl->counters);
  if (!scan) return std::unexpected(scan.error());
  impl->chunks = std::move(scan->chunks);
  impl->last_chunk_end_bytes = scan->last_chunk_end_bytes;
  impl->report = std::move(scan->report);
  if (!impl->chunks.empty()) {
    impl->first_version = impl->chunks.front().first_version;
    impl->last_version = impl->report.last_good_version;
    // ScanTail keeps a chunk only with a verified frame of its own versions.
    LEDGERSEAL_CHECK(impl->last_version >= impl->chunks.back().first_version);
  }
  return std::unique_ptr<LedgerView>(new LedgerView(std::move(impl)));
}

const RecoveryReport& LedgerView::recovery_report() const { return impl_->report; }
Version LedgerView::first_version() const { return impl_->first_version; }
Version LedgerView::last_version() const { return impl_->last_version; }

ReadStats LedgerView::read_stats() const {
  return ReadStats{.bytes = impl_->counters.bytes.load(std::memory_order_relaxed),
                   .calls = impl_->counters.calls.load(std::memory_order_relaxed)};
}

Result<Entry> LedgerView::Get(Version version) const {
  const Impl& v = *impl_;
  if (v.empty() || version < v.first_version || version > v.last_version) {
    return MakeError(ErrorCode::kNotFound, "ledger " + v.dir.string() + " has no version " + std::to_string(version));
  }
  const size_t k = v.ChunkFor(version);
  auto index = v.IndexOf(k);
  if (!index) return std::unexpected(index.error());
  const uint64_t position = version - v.chunks[k].first_version;
  // BuildIndex made sure the chunk holds every version up to EndVersionOf(k).
  LEDGERSEAL_CHECK(position < (*index)->size());
  auto reader = v.OpenChunk(k, 0);
  if (!reader) return std::unexpected(reader.error());
  auto frame = reader->ReadFrameAt((**index)[position], version);
  if (!frame) return std::unexpected(frame.error());
  return Entry{.version = frame->version, .payload = Bytes(frame->payload.begin(), frame->payload.end())};
}

Status LedgerView::ForEach(Version from_version, const std::function<bool(Version, ByteView)>& visit) const {
  const Impl& v = *impl_;
  if (v.empty()) return {};
  if (from_version < v.first_version || from_version > v.last_version + 1) {
    return MakeError(ErrorCode::kNotFound, "ledger " + v.dir.string() + " holds versions " +
                                               std::to_string(v.first_version) + ".." +
                                               std::to_string(v.last_version) + ", not " +
                                               std::to_string(from_version));
  }
  if (from_version == v.last_version + 1) return {};
  size_t k = v.ChunkFor(from_version);
  auto index = v.IndexOf(k);
  if (!index) return std::unexpected(index.error());
  uint64_t offset = (**index)[from_version - v.chunks[k].first_version];
  Version version = from_version;
  // Outer loop: one chunk per iteration; inner: one frame per iteration,
  // advancing by >= kFrameOverheadBytes. Both bounded.
  for (; k < v.chunks.size(); ++k) {
    auto reader = v.OpenChunk(k, kReadAheadBytes);
    if (!reader) return std::unexpected(reader.error());
    while (offset < reader->end_bytes()) {
      auto frame = reader->ReadFrameAt(offset, version);
      if (!frame) return std::unexpected(frame.error());
      if (!visit(frame->version, frame->payload)) return {};
      offset += frame->frame_bytes;
      ++version;
    }
    if (version != v.EndVersionOf(k)) return std::unexpected(v.ChunkEndMismatch(k, version));
    offset = internal::kChunkHeaderBytes;
  }
  // Each chunk was checked to end at EndVersionOf(k); the last one's is last_version + 1.
  LEDGERSEAL_CHECK(version == v.last_version + 1);
  return {};
}

// --- BackwardIterator ---

struct BackwardIterator::Impl {
  const LedgerView::Impl* view = nullptr;
  size_t chunk = 0;                  // chunk holding next_version
  std::optional<ChunkReader> reader; // open on `chunk`, or not yet
  uint64_t end_offset_bytes = 0;     // where the next frame to return ends
  Version next_version = kNoVersion; // what Previous returns next; first_version - 1 when done
  std::optional<Error> failure;

  Result<std::optional<Entry>> Previous();
  Result<std::optional<Entry>> Fail(Error error) {
    failure = error;
    return std::unexpected(std::move(error));
  }
};

Result<std::optional<Entry>> BackwardIterator::Impl::Previous() {
  if (failure) return std::unexpected(*failure);
  if (view->empty() || next_version < view->first_version) return std::nullopt;
  // At most two iterations: one to step into the older chunk, one to read.
  for (int step = 0; step < 2; ++step) {
    if (!reader) {
      auto opened = view->OpenChunk(chunk, 0);
      if (!opened) return Fail(opened.error());
      reader.emplace(std::move(*opened));
      end_offset_bytes = reader->end_bytes();
    }
    const ChunkFile& file = view->chunks[chunk];
    if (end_offset_bytes == internal::kChunkHeaderBytes) {
      // Every frame of this chunk was returned; its first must be the one its name promises.
      if (next_version + 1 != file.first_version) {
        return Fail(internal::CorruptionAt(file.path(), end_offset_bytes, next_version,
                                           "chunk's frames start at version " + std::to_string(next_version + 1) +
                                               ", its name says " + std::to_string(file.first_version)));
      }
      LEDGERSEAL_CHECK(chunk > 0);  // chunk 0 starts at first_version, handled above
      --chunk;
      reader.reset();
      continue;
    }
    if (next_version < file.first_version) {
      return Fail(internal::CorruptionAt(file.path(), end_offset_bytes, next_version,
                                         "chunk holds frames before its first version " +
                                             std::to_string(file.first_version)));
    }
    auto frame = reader->ReadFrameEndingAt(end_offset_bytes, next_version);
    if (!frame) return Fail(frame.error());
    // ReadFrameEndingAt computes offset_bytes as end_offset_bytes - frame_bytes.
    LEDGERSEAL_CHECK(frame->offset_bytes + frame->frame_bytes == end_offset_bytes);
    end_offset_bytes = frame->offset_bytes;
    --next_version;
    return Entry{.version = frame->version, .payload = Bytes(frame->payload.begin(), frame->payload.end())};
  }
  return Fail(Error{ErrorCode::kInternal, "backward iterator did not advance"});
}

BackwardIterator::BackwardIterator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BackwardIterator::~BackwardIterator() = default;
BackwardIterator::BackwardIterator(BackwardIterator&&) noexcept = default;
BackwardIterator& BackwardIterator::operator=(BackwardIterator&&) noexcept = default;

Result<std::optional<Entry>> BackwardIterator::Previous() { return impl_->Previous(); }

BackwardIterator LedgerView::NewBackwardIterator() const {
  auto impl = std::make_unique<BackwardIterator::Impl>();
  impl->view = impl_.get();
  impl->chunk = impl_->empty() ? 0 : impl_->chunks.size() - 1;
  impl->next_version = impl_->last_version;
  return BackwardIterator(std::move(impl));
}

}  // namespace ledgerseal::kv::ledger
