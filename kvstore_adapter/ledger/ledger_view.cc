// LedgerView: opening (through the newest-chunk hint or a listing), the
// lazy listing of older chunks, and reading by version and forwards.
#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include <sys/stat.h>

#include "base/check.h"

#include "kvstore_adapter/ledger/chunk_io.h"
#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/ledger_view_impl.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/ledger/tail_scan.h"

namespace ledgerseal::kv::ledger {

namespace {

struct TailScanOnHint {
  internal::TailScan scan;
  uint64_t newest_bytes = 0;
};

}  // namespace

Result<std::shared_ptr<const ChunkList>> LedgerView::Impl::Complete() const {
  std::lock_guard lock(list_mu);
  if (list->complete) return list;
  const ChunkFile& newest = list->files.back();
  auto listed = internal::ListChunks(dir);
  if (!listed) return std::unexpected(listed.error());
  auto it = std::lower_bound(listed->begin(), listed->end(), newest.first_version,
                             [](const ChunkFile& c, Version v) { return c.first_version < v; });
  if (it == listed->end() || it->first_version != newest.first_version) {
    return std::unexpected(Error{ErrorCode::kCorruption, "ledger chunk " + newest.path().string() +
                                                             " was read when the view opened and is gone now"});
  }
  // The chunk after the newest must be one a writer started since the view
  // opened: at last_version + 1, or later if the newest chunk changed size
  // meanwhile (the writer appended to it first). A chunk inside the newest
  // one's versions, or past a gap behind a chunk nobody wrote to, is damage
  // (FORMAT.md §9.1): no crash leaves it, since the writer syncs a chunk
  // before it starts the next one; refused even where a listing at open
  // would have dropped it as a torn newest chunk.
  if (const auto next = std::next(it); next != listed->end()) {
    if (next->first_version <= last_version) {
      return std::unexpected(Error{ErrorCode::kCorruption,
                                   "ledger chunk " + next->path().string() + " starts inside the versions " +
                                       std::to_string(newest.first_version) + ".." + std::to_string(last_version) +
                                       " of chunk " + newest.path().string()});
    }
    if (next->first_version > last_version + 1) {
      struct stat st {};
      if (::stat(newest.path().c_str(), &st) != 0) {
        return std::unexpected(internal::ErrnoError(ErrorCode::kIoError, "stat ledger chunk", newest.path(), errno));
      }
      if (static_cast<uint64_t>(st.st_size) == newest_bytes_at_open) {
        return std::unexpected(Error{ErrorCode::kCorruption,
                                     "ledger chunk " + next->path().string() + " follows a gap: the ledger ends at " +
                                         std::to_string(last_version) + " in " + newest.path().string()});
      }
    }
  }
  auto complete = std::make_shared<ChunkList>();
  complete->files.assign(listed->begin(), std::next(it));
  complete->complete = true;
  list = std::move(complete);
  return list;
}

Error LedgerView::Impl::ChunkEndMismatch(const ChunkList& l, size_t k, Version end_version) const {
  return Error{ErrorCode::kCorruption,
               "ledger chunk " + l.files[k].path().string() + " ends before version " + std::to_string(end_version) +
                   ", but " + (k + 1 == l.files.size() ? std::string("the ledger's last version is ") +
                                                             std::to_string(last_version)
                                                       : "the next chunk starts at version " +
                                                             std::to_string(l.files[k + 1].first_version))};
}

Result<std::shared_ptr<const ChunkIndex>> LedgerView::Impl::BuildIndex(const ChunkList& l, size_t k) const {
  auto reader = OpenChunk(l, k, kReadAheadBytes);
  if (!reader) return std::unexpected(reader.error());
  auto index = std::make_shared<ChunkIndex>();
  uint64_t offset = internal::kChunkHeaderBytes;
  Version version = l.files[k].first_version;
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
  if (version != EndVersionOf(l, k)) return std::unexpected(ChunkEndMismatch(l, k, version));
  return std::shared_ptr<const ChunkIndex>(std::move(index));
}

// A chunk's index does not depend on which list it came from: the newest
// chunk ends at last_version in both, and the others exist only in the whole list.
Result<std::shared_ptr<const ChunkIndex>> LedgerView::Impl::IndexOf(const ChunkList& l, size_t k) const {
  const Version key = l.files[k].first_version;
  {
    std::lock_guard lock(index_mu);
    const auto it = std::find_if(indexes.begin(), indexes.end(), [key](const auto& e) { return e.first == key; });
    if (it != indexes.end()) {
      auto index = it->second;
      std::rotate(it, it + 1, indexes.end());  // most recently used last
      return index;
    }
  }
  // Built outside the lock: concurrent readers of other chunks don't wait.
  auto index = BuildIndex(l, k);
  if (!index) return index;
  std::lock_guard lock(index_mu);
  if (indexes.size() >= kMaxCachedIndexes) indexes.erase(indexes.begin());
  indexes.emplace_back(key, *index);
  return index;
}

LedgerView::LedgerView(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerView::~LedgerView() = default;

namespace {

// The view through the writer's hint, or nullopt to list instead: the hint
// must name a chunk whose tail scan keeps it, and no chunk may follow it.
// Any doubt, any error, falls back to the listing, whose verdict is the rule.
std::optional<TailScanOnHint> OpenThroughHint(const std::filesystem::path& dir, internal::ReadCounters* counters) {
  const std::optional<Version> hinted = internal::ReadNewestChunkHint(dir);
  if (!hinted) return std::nullopt;
  ChunkFile newest{.first_version = *hinted, .dir = std::make_shared<const std::filesystem::path>(dir)};
  struct stat st {};
  if (::stat(newest.path().c_str(), &st) != 0) return std::nullopt;
  auto scan = internal::ScanTail({newest}, counters);
  if (!scan || scan->chunks.size() != 1) return std::nullopt;  // damaged or dropped: let the listing decide
  const Version last = scan->report.last_good_version;
  if (last == std::numeric_limits<Version>::max()) return std::nullopt;  // no name can follow it
  auto follows = internal::ChunkExists(dir, last + 1);
  if (!follows || *follows) return std::nullopt;  // a stale hint
  return TailScanOnHint{.scan = std::move(*scan), .newest_bytes = static_cast<uint64_t>(st.st_size)};
}

}  // namespace

Result<std::unique_ptr<LedgerView>> LedgerView::Open(const std::filesystem::path& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  auto list = std::make_shared<ChunkList>();
  std::optional<internal::TailScan> scan;
  if (auto hinted = OpenThroughHint(dir, &impl->counters)) {
    scan = std::move(hinted->scan);
    impl->newest_bytes_at_open = hinted->newest_bytes;
  } else {
    auto chunks = internal::ListChunks(dir);
    if (!chunks) return std::unexpected(chunks.error());
    auto scanned = internal::ScanTail(std::move(*chunks), &impl->counters);
    if (!scanned) return std::unexpected(scanned.error());
    scan = std::move(*scanned);
    list->complete = true;
  }
  list->files = std::move(scan->chunks);
  impl->last_chunk_end_bytes = scan->last_chunk_end_bytes;
  impl->report = std::move(scan->report);
  if (!list->files.empty()) {
    impl->last_version = impl->report.last_good_version;
    // ScanTail keeps a chunk only with a verified frame of its own versions.
    LEDGERSEAL_CHECK(impl->last_version >= list->files.back().first_version);
  }
  impl->list = std::move(list);
  return std::unique_ptr<LedgerView>(new LedgerView(std::move(impl)));
}

const RecoveryReport& LedgerView::recovery_report() const { return impl_->report; }
Version LedgerView::last_version() const { return impl_->last_version; }

Status LedgerView::ListAll() const {
  if (impl_->empty()) return {};
  auto complete = impl_->Complete();
  if (!complete) return std::unexpected(complete.error());
  return {};
}

Result<Version> LedgerView::first_version() const {
  const Impl& v = *impl_;
  if (v.empty()) return kNoVersion;
  auto current = v.Current();
  if (current->complete) return current->files.front().first_version;
  // Version 1 is the smallest name a chunk can have: if its chunk exists, it
  // is the oldest, and recovery's "does the ledger start at 1" costs one stat
  // instead of a listing (reading from it checks that the chunks are contiguous).
  auto has_first = internal::ChunkExists(v.dir, 1);
  if (!has_first) return std::unexpected(has_first.error());
  if (*has_first) return Version{1};
  auto complete = v.Complete();
  if (!complete) return std::unexpected(complete.error());
  return (*complete)->files.front().first_version;
}

ReadStats LedgerView::read_stats() const {
  return ReadStats{.bytes = impl_->counters.bytes.load(std::memory_order_relaxed),
                   .calls = impl_->counters.calls.load(std::memory_order_relaxed)};
}

Result<Entry> LedgerView::Get(Version version) const {
  const Impl& v = *impl_;
  if (v.empty() || version == kNoVersion || version > v.last_version) {
    return MakeError(ErrorCode::kNotFound, "ledger " + v.dir.string() + " has no version " + std::to_string(version));
  }
  auto list = v.ListHolding(version);
  if (!list) return std::unexpected(list.error());
  const ChunkList& l = **list;
  if (version < l.files.front().first_version) {
    return MakeError(ErrorCode::kNotFound, "ledger " + v.dir.string() + " has no version " + std::to_string(version));
  }
  const size_t k = v.ChunkFor(l, version);
  auto index = v.IndexOf(l, k);
  if (!index) return std::unexpected(index.error());
  const uint64_t position = version - l.files[k].first_version;
  // BuildIndex made sure the chunk holds every version up to EndVersionOf(k).
  LEDGERSEAL_CHECK(position < (*index)->size());
  auto reader = v.OpenChunk(l, k, 0);
  if (!reader) return std::unexpected(reader.error());
  auto frame = reader->ReadFrameAt((**index)[position], version);
  if (!frame) return std::unexpected(frame.error());
  return Entry{.version = frame->version, .payload = Bytes(frame->payload.begin(), frame->payload.end())};
}

Status LedgerView::ForEach(Version from_version, const std::function<bool(Version, ByteView)>& visit) const {
  const Impl& v = *impl_;
  if (v.empty()) return {};
  if (from_version > v.last_version + 1 || from_version == kNoVersion) {
    return MakeError(ErrorCode::kNotFound, "ledger " + v.dir.string() + " ends at version " +
                                               std::to_string(v.last_version) + ", not " +
                                               std::to_string(from_version));
  }
  if (from_version == v.last_version + 1) return {};
  auto list = v.ListHolding(from_version);
  if (!list) return std::unexpected(list.error());
  const ChunkList& l = **list;
  if (from_version < l.files.front().first_version) {
    return std::unexpected(v.NotHeld(from_version, l.files.front().first_version));
  }
  size_t k = v.ChunkFor(l, from_version);
  auto index = v.IndexOf(l, k);
  if (!index) return std::unexpected(index.error());
  uint64_t offset = (**index)[from_version - l.files[k].first_version];
  Version version = from_version;
  // Outer loop: one chunk per iteration; inner: one frame per iteration,
  // advancing by >= kFrameOverheadBytes. Both bounded.
  for (; k < l.files.size(); ++k) {
    auto reader = v.OpenChunk(l, k, kReadAheadBytes);
    if (!reader) return std::unexpected(reader.error());
    while (offset < reader->end_bytes()) {
      auto frame = reader->ReadFrameAt(offset, version);
      if (!frame) return std::unexpected(frame.error());
      if (!visit(frame->version, frame->payload)) return {};
      offset += frame->frame_bytes;
      ++version;
    }
    if (version != v.EndVersionOf(l, k)) return std::unexpected(v.ChunkEndMismatch(l, k, version));
    offset = internal::kChunkHeaderBytes;
  }
  // Each chunk was checked to end at EndVersionOf(k); the last one's is last_version + 1.
  LEDGERSEAL_CHECK(version == v.last_version + 1);
  return {};
}

}  // namespace ledgerseal::kv::ledger
