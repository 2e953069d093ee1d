// Internal to the ledger files: what LedgerView and its BackwardIterator
// share (ledger_view.cc, backward_iterator.cc). Not part of the API.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_LEDGER_VIEW_IMPL_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_LEDGER_VIEW_IMPL_H_

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/check.h"
#include "kvstore_adapter/ledger/chunk_io.h"
#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace ledgerseal::kv::ledger {

using internal::ChunkFile;
using internal::ChunkReader;


// Forward reads fetch blocks of this size: replay of small entries costs one
// pread per block, not two per entry.
inline constexpr size_t kReadAheadBytes = size_t{256} << 10;
// Frame offset indexes kept per view (each ~8 bytes per entry of its chunk).
inline constexpr size_t kMaxCachedIndexes = 8;

using ChunkIndex = std::vector<uint64_t>;  // offset of each frame, by version - first_version

// The chunks a view reads, oldest first; files.back() is always the newest
// chunk, the one Open scanned. Immutable once published.
struct ChunkList {
  std::vector<ChunkFile> files;
  // Every chunk of the ledger. Else `files` holds only the newest chunk,
  // found through the hint, and the rest is listed when first needed.
  bool complete = false;
};

struct LedgerView::Impl {
  std::filesystem::path dir;
  uint64_t last_chunk_end_bytes = 0;
  Version last_version = kNoVersion;
  // For a view opened through the hint: the newest chunk's size before its
  // tail was scanned, which tells a writer's later chunk from a gap.
  uint64_t newest_bytes_at_open = 0;
  RecoveryReport report;
  mutable internal::ReadCounters counters;

  mutable std::mutex list_mu;
  mutable std::shared_ptr<const ChunkList> list;  // guarded by list_mu; never null

  mutable std::mutex index_mu;
  // Keyed by the chunk's first version, most recently used last. Guarded by index_mu.
  mutable std::vector<std::pair<Version, std::shared_ptr<const ChunkIndex>>> indexes;

  bool empty() const { return last_version == kNoVersion; }

  std::shared_ptr<const ChunkList> Current() const {
    std::lock_guard lock(list_mu);
    return list;
  }
  // The whole list, listing the directory the first time.
  Result<std::shared_ptr<const ChunkList>> Complete() const;
  // A list holding `version`'s chunk (version in [newest chunk's first, last]
  // needs no listing).
  Result<std::shared_ptr<const ChunkList>> ListHolding(Version version) const {
    auto current = Current();
    if (current->complete || version >= current->files.back().first_version) return current;
    return Complete();
  }

  // Where chunk k's frames end: the recovered end for the newest chunk (a
  // writer may be appending past it), the file size for the others.
  std::optional<uint64_t> EndOf(const ChunkList& l, size_t k) const {
    return k + 1 == l.files.size() ? std::optional<uint64_t>(last_chunk_end_bytes) : std::nullopt;
  }
  // The version after chunk k's last frame.
  Version EndVersionOf(const ChunkList& l, size_t k) const {
    return k + 1 == l.files.size() ? last_version + 1 : l.files[k + 1].first_version;
  }
  // The chunk of `l` that holds `version`, by its name. Precondition:
  // version in [l.files.front().first_version, last_version].
  size_t ChunkFor(const ChunkList& l, Version version) const {
    LEDGERSEAL_CHECK(!l.files.empty() && version >= l.files.front().first_version && version <= last_version);
    const auto it = std::upper_bound(l.files.begin(), l.files.end(), version,
                                     [](Version v, const ChunkFile& c) { return v < c.first_version; });
    LEDGERSEAL_CHECK(it != l.files.begin());
    return static_cast<size_t>(it - l.files.begin()) - 1;
  }

  Result<ChunkReader> OpenChunk(const ChunkList& l, size_t k, size_t read_ahead_bytes) const {
    return ChunkReader::Open(l.files[k], EndOf(l, k), read_ahead_bytes, &counters);
  }

  Result<std::shared_ptr<const ChunkIndex>> IndexOf(const ChunkList& l, size_t k) const;
  Result<std::shared_ptr<const ChunkIndex>> BuildIndex(const ChunkList& l, size_t k) const;
  Error ChunkEndMismatch(const ChunkList& l, size_t k, Version end_version) const;
  Error NotHeld(Version from, Version first) const {
    return Error{ErrorCode::kNotFound, "ledger " + dir.string() + " holds versions " + std::to_string(first) + ".." +
                                           std::to_string(last_version) + ", not " + std::to_string(from)};
  }
};

}  // namespace ledgerseal::kv::ledger

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_LEDGER_VIEW_IMPL_H_
