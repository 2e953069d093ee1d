// LedgerWriter and RecoveryReport. LedgerView lives in ledger_view.cc.
#include "kvstore_adapter/ledger/public/ledger_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <system_error>

#include "base/check.h"

#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/posix_file.h"
#include "kvstore_adapter/ledger/tail_scan.h"

namespace ledgerseal::kv::ledger {

using internal::ChunkFile;
using internal::UniqueFd;

uint64_t RecoveryReport::dropped_bytes() const {
  uint64_t total = 0;
  for (const DroppedTail& d : dropped) total += d.dropped_bytes;
  return total;
}

std::string RecoveryReport::ToString() const {
  std::string out = "last good version " + std::to_string(last_good_version);
  if (clean()) return out + "; tail clean";
  out += "; dropped " + std::to_string(dropped_bytes()) + " bytes:";
  for (const DroppedTail& d : dropped) {
    out += "\n  " + d.file.string() + (d.file_removed ? " (whole file, " : " (from offset " + std::to_string(d.offset_bytes) + ", ");
    out += std::to_string(d.dropped_bytes) + " bytes, version " + std::to_string(d.version) + "): " + d.reason;
    if (!d.kept_copy.empty()) out += "; bytes kept in " + d.kept_copy.string();
  }
  return out;
}

namespace {

// Frame buffers above this are released after use, so one huge entry does
// not pin its size in memory for the writer's lifetime.
constexpr size_t kKeptBufferBytes = size_t{1} << 20;
// No version can follow this one: a writer never appends it, and refuses a
// ledger that holds it (only a chunk made up by someone else can).
constexpr Version kLastPossibleVersion = std::numeric_limits<Version>::max();

// The chunk currently appended to.
struct OpenChunk {
  ChunkFile chunk;
  std::filesystem::path path;  // chunk.path(), built once: every append names it
  UniqueFd fd;  // O_WRONLY; writes use pwrite at size_bytes
  uint64_t size_bytes = 0;
};

Status ValidateOptions(const LedgerOptions& options) {
  if (options.dir.empty()) return MakeError(ErrorCode::kInvalidArgument, "ledger options: dir is empty");
  if (options.max_chunk_bytes == 0) return MakeError(ErrorCode::kInvalidArgument, "ledger options: max_chunk_bytes is 0");
  if (options.start_version == kNoVersion) {
    return MakeError(ErrorCode::kInvalidArgument, "ledger options: start_version is 0 (versions start at 1)");
  }
  return {};
}

// Creates the directory if allowed and makes its creation durable.
Status EnsureDirectory(const LedgerOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(options.dir, ec)) return {};
  if (!options.create_if_missing) {
    return MakeError(ErrorCode::kNotFound, "ledger directory " + options.dir.string() + " does not exist");
  }
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "create ledger directory " + options.dir.string() + ": " + ec.message());
  const std::filesystem::path parent = std::filesystem::absolute(options.dir, ec).parent_path();
  auto parent_fd = internal::OpenFile(parent, O_RDONLY | O_DIRECTORY);
  if (!parent_fd) return std::unexpected(parent_fd.error());
  return internal::SyncDirectory(parent_fd->get(), parent);
}

Result<UniqueFd> LockDirectory(const std::filesystem::path& dir) {
  auto fd = internal::OpenFile(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return std::unexpected(fd.error());
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    if (e == EWOULDBLOCK) {
      return MakeError(ErrorCode::kUnavailable, "ledger directory " + dir.string() + " is open by another writer");
    }
    return std::unexpected(internal::ErrnoError(ErrorCode::kIoError, "flock", dir, e));
  }
  return fd;
}

// Bound on the ".<n>" suffixes tried for a kept copy's name.
constexpr int kMaxKeptCopyNames = 1000;

// "<file>.torn-<offset>", or with ".<n>" added when `n` > 0. Not a chunk name,
// so the ledger ignores it.
std::filesystem::path KeptCopyName(const std::filesystem::path& file, uint64_t offset_bytes, int n) {
  std::string name = file.string() + ".torn-" + std::to_string(offset_bytes);
  if (n > 0) name += "." + std::to_string(n);
  return name;
}

// Copies bytes [offset_bytes, end of file) of `file` into a new file (0600,
// O_EXCL: an earlier copy is never overwritten) and syncs it. Returns its path.
Result<std::filesystem::path> KeepTornBytes(const std::filesystem::path& file, uint64_t offset_bytes) {
  auto in = internal::OpenFile(file, O_RDONLY);
  if (!in) return std::unexpected(in.error());
  auto size = internal::FileSize(in->get(), file);
  if (!size) return std::unexpected(size.error());
  if (*size < offset_bytes) {
    return MakeError(ErrorCode::kIoError, "ledger chunk " + file.string() + " is " + std::to_string(*size) +
                                              " bytes, shorter than the good frames the scan found (modified while opening?)");
  }
  Bytes bytes(*size - offset_bytes);
  if (auto s = internal::ReadExact(in->get(), file, offset_bytes, bytes); !s) return std::unexpected(s.error());
  for (int n = 0; n < kMaxKeptCopyNames; ++n) {
    const std::filesystem::path copy = KeptCopyName(file, offset_bytes, n);
    const int raw_fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (raw_fd < 0) {
      const int e = errno;
      if (e == EEXIST) continue;
      return std::unexpected(internal::ErrnoError(ErrorCode::kIoError, "create", copy, e));
    }
    const UniqueFd out(raw_fd);
    if (auto s = internal::WriteAll(out.get(), copy, 0, bytes); !s) return std::unexpected(s.error());
    if (auto s = internal::SyncData(out.get(), copy); !s) return std::unexpected(s.error());
    return copy;
  }
  return MakeError(ErrorCode::kIoError, "no free name to keep the torn tail of " + file.string() + " in");
}

// Renames a chunk without a complete frame to its kept-copy name (link, then
// unlink: link never replaces an existing file). Returns the new path.
Result<std::filesystem::path> KeepRemovedChunk(const std::filesystem::path& file) {
  for (int n = 0; n < kMaxKeptCopyNames; ++n) {
    const std::filesystem::path copy = KeptCopyName(file, 0, n);
    if (::link(file.c_str(), copy.c_str()) != 0) {
      const int e = errno;
      if (e == EEXIST) continue;
      return std::unexpected(internal::ErrnoError(ErrorCode::kIoError, "link", copy, e));
    }
    if (::unlink(file.c_str()) != 0) {
      return std::unexpected(internal::ErrnoError(ErrorCode::kIoError, "unlink", file, errno));
    }
    return copy;
  }
  return MakeError(ErrorCode::kIoError, "no free name to keep the torn chunk " + file.string() + " in");
}

// Makes the scan's verdict true on disk: cuts torn frames and takes chunks
// without a complete frame out of the ledger, and syncs both before anything
// new is appended (appending after an unsynced truncation could leave old
// bytes past the new frame after a power loss). Nothing is destroyed: the
// dropped bytes are first kept next to the chunk (DroppedTail::kept_copy), and
// that copy is durable (file and directory synced) before the cut.
Status ApplyDrops(int dir_fd, const std::filesystem::path& dir, RecoveryReport& report) {
  if (report.dropped.empty()) return {};
  bool removed_any = false;
  for (DroppedTail& d : report.dropped) {
    if (d.file_removed) {
      auto kept = KeepRemovedChunk(d.file);
      if (!kept) return std::unexpected(kept.error());
      d.kept_copy = *kept;
      removed_any = true;
      continue;
    }
    auto kept = KeepTornBytes(d.file, d.offset_bytes);
    if (!kept) return std::unexpected(kept.error());
    d.kept_copy = *kept;
    // The copy's directory entry is durable before any byte is cut.
    if (auto s = internal::SyncDirectory(dir_fd, dir); !s) return s;
    auto fd = internal::OpenFile(d.file, O_WRONLY);
    if (!fd) return std::unexpected(fd.error());
    if (auto s = internal::Truncate(fd->get(), d.file, d.offset_bytes); !s) return s;
    if (auto s = internal::SyncData(fd->get(), d.file); !s) return s;
  }
  if (removed_any) return internal::SyncDirectory(dir_fd, dir);
  return {};
}

}  // namespace

struct LedgerWriter::Impl {
  LedgerOptions options;
  std::shared_ptr<const std::filesystem::path> dir;  // options.dir, shared with the chunks made
  UniqueFd dir_fd;  // holds the flock
  RecoveryReport report;
  std::optional<OpenChunk> current;
  Version first_version = kNoVersion;
  Version last_version = kNoVersion;
  Version next_version = kNoVersion;
  Version synced_version = kNoVersion;
  bool current_dirty = false;  // writes to the current chunk not yet fdatasync'ed
  bool dir_dirty = false;      // a chunk was created since the directory's last fsync
  bool poisoned = false;       // a failure left the files in an unknown state
  Bytes buffer;                // the next write: [chunk header] ‖ frame

  Status StartChunk(Version version);
  Status WriteToCurrent();
  Status SyncCurrent();
  void CheckInvariants() const;
};

// Pure bookkeeping: Open and Append establish these from validated state
// (ScanTail's verdict, refused versions), never straight from file bytes.
void LedgerWriter::Impl::CheckInvariants() const {
  LEDGERSEAL_CHECK(next_version >= 1);
  LEDGERSEAL_CHECK((first_version == kNoVersion) == (last_version == kNoVersion));
  LEDGERSEAL_CHECK(last_version == kNoVersion || next_version == last_version + 1);
  LEDGERSEAL_CHECK(last_version == kNoVersion || current.has_value());
  LEDGERSEAL_CHECK(!current || current->size_bytes >= internal::kChunkHeaderBytes + internal::kFrameOverheadBytes);
  LEDGERSEAL_CHECK(synced_version <= last_version);
}

Status LedgerWriter::Impl::SyncCurrent() {
  if (!current_dirty) return {};
  if (auto s = internal::SyncData(current->fd.get(), current->path); !s) {
    poisoned = true;
    return s;
  }
  current_dirty = false;
  return {};
}

// Creates the chunk for `version` and writes `buffer` (header + first frame)
// into it with one write. On failure the new file is removed again.
Status LedgerWriter::Impl::StartChunk(Version version) {
  // Every chunk but the newest is complete and durable: tail recovery only
  // ever looks at the newest.
  if (current) {
    if (auto s = SyncCurrent(); !s) return s;
  }
  ChunkFile chunk{.first_version = version, .dir = dir};
  std::filesystem::path path = chunk.path();
  auto fd = internal::OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (!fd) return std::unexpected(fd.error());
  if (auto s = internal::WriteAll(fd->get(), path, 0, buffer); !s) {
    if (::unlink(path.c_str()) != 0) poisoned = true;
    return s;
  }
  current = OpenChunk{
      .chunk = std::move(chunk), .path = std::move(path), .fd = std::move(*fd), .size_bytes = buffer.size()};
  dir_dirty = true;
  if (first_version == kNoVersion) first_version = version;
  // Best effort, by design: a hint that failed to change is stale, and
  // readers then find the newest chunk by listing (FORMAT.md §9.1). The
  // append itself succeeded and must not be reported as failed.
  (void)internal::WriteNewestChunkHint(*dir, version);
  return {};
}

// Appends `buffer` (one frame) to the current chunk. On failure the chunk is
// cut back to its previous size so that no partial frame stays behind.
Status LedgerWriter::Impl::WriteToCurrent() {
  if (auto s = internal::WriteAll(current->fd.get(), current->path, current->size_bytes, buffer); !s) {
    if (!internal::Truncate(current->fd.get(), current->path, current->size_bytes)) poisoned = true;
    return s;
  }
  current->size_bytes += buffer.size();
  return {};
}

LedgerWriter::LedgerWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerWriter::~LedgerWriter() = default;

Result<std::unique_ptr<LedgerWriter>> LedgerWriter::Open(const LedgerOptions& options) {
  if (auto s = ValidateOptions(options); !s) return std::unexpected(s.error());
  if (auto s = EnsureDirectory(options); !s) return std::unexpected(s.error());
  auto dir_fd = LockDirectory(options.dir);
  if (!dir_fd) return std::unexpected(dir_fd.error());
  auto chunks = internal::ListChunks(options.dir);
  if (!chunks) return std::unexpected(chunks.error());
  auto scan = internal::ScanTail(std::move(*chunks), nullptr);
  if (!scan) return std::unexpected(scan.error());  // corruption: nothing was changed
  if (auto s = ApplyDrops(dir_fd->get(), options.dir, scan->report); !s) return std::unexpected(s.error());

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dir = std::make_shared<const std::filesystem::path>(options.dir);
  impl->dir_fd = std::move(*dir_fd);
  impl->report = std::move(scan->report);
  impl->next_version = options.start_version;
  if (!scan->chunks.empty()) {
    const ChunkFile& last_chunk = scan->chunks.back();
    if (scan->report.last_good_version == kLastPossibleVersion) {
      return MakeError(ErrorCode::kCorruption, "ledger chunk " + last_chunk.path().string() + " ends with version " +
                                                   std::to_string(kLastPossibleVersion) +
                                                   ", after which no version can be appended");
    }
    auto fd = internal::OpenFile(last_chunk.path(), O_WRONLY);
    if (!fd) return std::unexpected(fd.error());
    auto size = internal::FileSize(fd->get(), last_chunk.path());
    if (!size) return std::unexpected(size.error());
    if (*size != scan->last_chunk_end_bytes) {
      return MakeError(ErrorCode::kIoError, "ledger chunk " + last_chunk.path().string() + " is " +
                                                std::to_string(*size) + " bytes after recovery, expected " +
                                                std::to_string(scan->last_chunk_end_bytes) +
                                                " (modified while opening?)");
    }
    impl->current =
        OpenChunk{.chunk = last_chunk, .path = last_chunk.path(), .fd = std::move(*fd), .size_bytes = *size};
    // Open may have dropped chunks, or an older build (or a crash) left the
    // hint stale: name the newest chunk again (best effort, as in StartChunk).
    if (internal::ReadNewestChunkHint(options.dir) != last_chunk.first_version) {
      (void)internal::WriteNewestChunkHint(options.dir, last_chunk.first_version);
    }
    impl->first_version = scan->chunks.front().first_version;
    impl->last_version = impl->report.last_good_version;
    impl->next_version = impl->last_version + 1;
    impl->synced_version = impl->last_version;
  }
  impl->CheckInvariants();
  return std::unique_ptr<LedgerWriter>(new LedgerWriter(std::move(impl)));
}

const RecoveryReport& LedgerWriter::recovery_report() const { return impl_->report; }
const std::filesystem::path& LedgerWriter::dir() const { return impl_->options.dir; }
Version LedgerWriter::first_version() const { return impl_->first_version; }
Version LedgerWriter::last_version() const { return impl_->last_version; }
Version LedgerWriter::next_version() const { return impl_->next_version; }
Version LedgerWriter::synced_version() const { return impl_->synced_version; }

Status LedgerWriter::Append(Version version, ByteView payload) {
  Impl& w = *impl_;
  if (w.poisoned) {
    return MakeError(ErrorCode::kIoError, "ledger writer for " + w.options.dir.string() +
                                              " failed earlier and refuses appends; reopen it");
  }
  if (version != w.next_version) {
    return MakeError(ErrorCode::kInvalidArgument, "ledger append of version " + std::to_string(version) +
                                                      ", expected " + std::to_string(w.next_version));
  }
  if (version == kLastPossibleVersion) {
    return MakeError(ErrorCode::kInvalidArgument, "ledger append of version " + std::to_string(version) +
                                                      ": no version could follow it");
  }
  if (payload.size() > internal::kMaxPayloadBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "ledger entry of " + std::to_string(payload.size()) +
                                                      " bytes exceeds the 256 MiB bound");
  }
  w.CheckInvariants();
  const bool new_chunk = !w.current || w.current->size_bytes >= w.options.max_chunk_bytes;
  w.buffer.clear();
  if (new_chunk) internal::AppendChunkHeader(version, w.buffer);
  internal::AppendFrame(version, payload, w.buffer);
  LEDGERSEAL_CHECK(w.buffer.size() == internal::FrameBytes(payload.size()) + (new_chunk ? internal::kChunkHeaderBytes : 0));

  const Status written = new_chunk ? w.StartChunk(version) : w.WriteToCurrent();
  if (w.buffer.capacity() > kKeptBufferBytes) Bytes().swap(w.buffer);
  if (!written) return written;
  w.last_version = version;
  w.next_version = version + 1;
  w.current_dirty = true;
  w.CheckInvariants();
  if (w.options.sync_every_append) return Sync();
  return {};
}

Status LedgerWriter::Sync() {
  Impl& w = *impl_;
  if (w.poisoned) {
    return MakeError(ErrorCode::kIoError, "ledger writer for " + w.options.dir.string() + " failed earlier; reopen it");
  }
  if (auto s = w.SyncCurrent(); !s) return s;
  if (w.dir_dirty) {
    if (auto s = internal::SyncDirectory(w.dir_fd.get(), w.options.dir); !s) {
      w.poisoned = true;
      return s;
    }
    w.dir_dirty = false;
  }
  w.synced_version = w.last_version;
  return {};
}

}  // namespace ledgerseal::kv::ledger
