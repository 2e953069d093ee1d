// The reference host's ledger files: every committed entry (an opaque,
// already-encrypted byte string) with its version, appended to a directory of
// chunk files. They are the durable, replayable record that recovery reads
// (Raft's log is truncated after snapshots). Format: docs/FORMAT.md §9.
//
// - Framed and checksummed (CRC-32C over each frame's header and payload), so
//   a torn or damaged frame is never returned.
// - Chunked: `ledger_<first version, 20 digits>.chunk`; a new chunk starts
//   once the current one has reached `max_chunk_bytes`.
// - Readable in both directions: each frame ends with a trailer repeating its
//   length, so the newest entry is found from the end of the newest chunk in
//   O(entry size), without scanning from the start.
// - Deterministic: the same start version, options and entries give
//   byte-identical files on every node (no timestamps, no padding).
//
// A LedgerWriter (one per directory, enforced with flock) appends; any number
// of LedgerViews read, in the same process or another one.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_PUBLIC_LEDGER_FILES_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_PUBLIC_LEDGER_FILES_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger {

inline constexpr uint64_t kDefaultMaxChunkBytes = uint64_t{4} << 20;

struct LedgerOptions {
  // The ledger directory. Created (one level) if missing and create_if_missing.
  std::filesystem::path dir;
  bool create_if_missing = true;

  // A new chunk file starts before an append once the current chunk holds at
  // least this many bytes, so a chunk exceeds it by at most one frame. Every
  // node must use the same value for their files to be byte-identical. >= 1.
  uint64_t max_chunk_bytes = kDefaultMaxChunkBytes;

  // Sync() after every Append. With false, the caller calls Sync() itself
  // (e.g. once per batch); a killed process loses nothing either way (the
  // write reached the OS before Append returned), a power loss may.
  bool sync_every_append = true;

  // Version of the first entry when the directory holds no entry yet (a new
  // service starts at 1; a node that installed a snapshot at version S starts
  // its ledger at S + 1). Ignored when the ledger already has entries. >= 1.
  Version start_version = 1;
};

// One piece of a damaged tail that recovery dropped (LedgerWriter: truncated
// or removed on disk) or ignored (LedgerView: files untouched).
struct DroppedTail {
  std::filesystem::path file;
  uint64_t offset_bytes = 0;   // where the good bytes of `file` end
  uint64_t dropped_bytes = 0;  // bytes from offset_bytes to the end of `file`
  bool file_removed = false;   // the chunk held no complete frame at all
  Version version = kNoVersion;  // the version the incomplete frame would have had
  std::string reason;          // e.g. "frame at offset 4096: incomplete (truncated)"
  // LedgerWriter only: where the dropped bytes were kept before the cut (the
  // writer never destroys them): "<file>.torn-<offset_bytes>" (a removed
  // chunk is renamed to it), with ".<n>" added if that name is taken. Mode
  // 0600. Readers ignore these files. Empty for a LedgerView.
  std::filesystem::path kept_copy;
};

// What opening a ledger found at its tail. Only an incomplete last frame (a
// crash mid-write: the frame's declared end lies past the end of the file, or
// its header is partial) or zero-filled space is a torn tail: it is dropped
// and reported here. A complete frame that fails verification, bytes that are
// not the start of the next frame, or damage followed by a verifiable frame
// is not a torn tail and fails Open with kCorruption (docs/FORMAT.md §9.8).
struct RecoveryReport {
  Version last_good_version = kNoVersion;  // newest complete, verified entry
  std::vector<DroppedTail> dropped;        // newest chunk first; empty when clean

  bool clean() const { return dropped.empty(); }
  uint64_t dropped_bytes() const;
  std::string ToString() const;  // one line per dropped piece, for logs
};

// One entry as stored: the version and the host's opaque bytes.
struct Entry {
  Version version = kNoVersion;
  Bytes payload;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Appends entries. Exactly one LedgerWriter may have a directory open (Open
// takes an exclusive flock on the directory; a second Open fails with
// kUnavailable until the first is destroyed or its process dies).
//
// Thread safety: none; a single thread (e.g. the state machine's) calls it.
// LedgerViews may read the same directory concurrently (see LedgerView).
class LedgerWriter {
 public:
  // Opens the ledger in options.dir for appending, after recovering its tail:
  // an incomplete last frame (a torn write) is cut away and a chunk left
  // without any complete frame (a crash right after rollover) is taken out of
  // the ledger; the dropped bytes are first kept in "<chunk>.torn-<offset>"
  // (DroppedTail::kept_copy), and all of it is made durable (fsync of the
  // files and directory) before Open returns. recovery_report() says what was
  // dropped. Appending then continues right after the last good entry.
  //
  // Errors: kInvalidArgument (bad options), kNotFound (dir missing and
  // !create_if_missing), kUnavailable (another writer holds the directory),
  // kCorruption (in the newest chunk: a complete frame that fails
  // verification, a damaged length field, bytes after the last good frame
  // that are not the start of the next one, a damaged frame or header followed
  // by a verifiable frame, a header naming another version than the file name,
  // a frame out of version order — names the file, offset and version; the
  // files are left untouched; a
  // newest entry of version 2^64-1, which nothing can follow; older chunks
  // are not read here, readers find damage there), kIoError.
  static Result<std::unique_ptr<LedgerWriter>> Open(const LedgerOptions& options);

  // Closes the files without syncing them: call Sync() first if
  // sync_every_append is false and the last entries must survive a power loss.
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // What Open dropped from the tail (clean() when nothing).
  const RecoveryReport& recovery_report() const;

  const std::filesystem::path& dir() const;

  // Versions of the oldest and newest entries; kNoVersion for an empty ledger.
  Version first_version() const;
  Version last_version() const;
  // The version Append accepts next: last_version() + 1, or
  // options.start_version for an empty ledger.
  Version next_version() const;
  // The newest version made durable by Sync() (kNoVersion if none yet since
  // Open; entries found at Open count as synced).
  Version synced_version() const;

  // Appends one entry. `version` must equal next_version(); `payload` (copied,
  // may be empty) must be at most 256 MiB. The frame (and, when a new chunk
  // starts, the chunk header with it) is buffered and written with one
  // pwrite(2). When the write fails the file is cut back to its previous size,
  // so the ledger stays well-formed; if even that fails, the writer refuses
  // every later Append with kIoError and must be reopened.
  // Then, when options.sync_every_append, Sync().
  //
  // Errors: kInvalidArgument (version not next_version(), version 2^64-1,
  // payload too large), kIoError.
  Status Append(Version version, ByteView payload);

  // Makes every appended entry durable: fdatasync of the current chunk (chunks
  // before it were synced when it started), and fsync of the directory if a
  // chunk file was created since the last Sync. No-op when nothing is pending.
  // Errors: kIoError (the writer then refuses later Appends: after a failed
  // fsync the page cache state is unknown).
  Status Sync();

 private:
  struct Impl;
  explicit LedgerWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Byte and call counts of a view's file reads (pread), to check that reading
// costs what the contract says. Monotonic; shared by the view's iterators.
struct ReadStats {
  uint64_t bytes = 0;
  uint64_t calls = 0;
};

class LedgerView;

// Walks entries from the newest to the oldest. Each Previous() reads one frame
// (its 12-byte trailer, then the frame) — O(entry size), whatever the ledger's
// length — and, when crossing into an older chunk, that chunk's 32-byte header.
// Thread safety: none. The view must outlive the iterator.
class BackwardIterator {
 public:
  ~BackwardIterator();
  BackwardIterator(BackwardIterator&&) noexcept;
  BackwardIterator& operator=(BackwardIterator&&) noexcept;

  // The next older entry, or std::nullopt once the oldest entry was returned.
  // Stepping below the newest chunk lists the directory first (once per
  // view; LedgerView::ListAll's errors).
  // Errors: kCorruption (a frame or chunk header fails verification, or
  // versions are not contiguous: names the file, offset and version), kIoError.
  // After an error the iterator stays failed and returns the same error.
  Result<std::optional<Entry>> Previous();

 private:
  friend class LedgerView;
  struct Impl;
  explicit BackwardIterator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A read-only view of the entries present when it was opened: versions
// [first_version(), last_version()]. Entries appended later are not visible;
// open a new view to see them.
//
// Concurrency with a writer: a view may be opened and used while a
// LedgerWriter appends to the same directory (another thread or process); it
// sees at least every entry whose Append returned before the view's Open
// started, and never a partial one (an entry being written is ignored like a
// torn tail). Do not open views while LedgerWriter::Open is recovering a torn
// tail (it truncates and removes files); such a view may fail with kIoError.
//
// Thread safety: every const method may be called concurrently.
class LedgerView {
 public:
  // Opens the ledger in `dir` read-only. Finds the newest chunk through the
  // writer's hint (checked: its tail scan keeps it and no chunk follows it;
  // docs/FORMAT.md §9.1), else by listing the directory, and reads its header
  // and last frame (O(1) frames): opening costs the same for any ledger
  // length. Older chunks are listed when a read first needs them. A torn tail
  // is ignored (not modified) and reported in recovery_report(); a view never
  // returns a partial entry.
  // Errors: kNotFound (no such directory), kCorruption (as LedgerWriter::Open),
  // kIoError.
  static Result<std::unique_ptr<LedgerView>> Open(const std::filesystem::path& dir);

  ~LedgerView();
  LedgerView(const LedgerView&) = delete;
  LedgerView& operator=(const LedgerView&) = delete;

  // What Open found at the tail and ignored.
  const RecoveryReport& recovery_report() const;

  // kNoVersion when the ledger is empty.
  Version last_version() const;
  // kNoVersion when the ledger is empty. May list the directory (as
  // ListAll), unless the chunk of version 1 exists: then one lstat.
  [[nodiscard]] Result<Version> first_version() const;

  // Lists the directory, if Open did not (it found the newest chunk through
  // the hint), and checks the listing against what Open found. Reads below
  // the newest chunk do this first; a reader that trusts the whole ledger
  // without reading all of it (recovery, before it uses a secret) calls it.
  // Succeeds at most once per view; a failure is returned again by the next
  // call that needs the listing. Blocks other readers of the view while it
  // lists. Errors: kCorruption (the newest chunk gone, a chunk inside its
  // versions, or a chunk after a gap; FORMAT.md §9.1), kIoError.
  [[nodiscard]] Status ListAll() const;

  // The entry `version`. Cost: O(entry size) plus, the first time a chunk is
  // touched, one scan of that chunk's frame headers to index it (indexes of
  // the most recently used chunks are kept).
  // A version below the newest chunk lists the directory first (once per
  // view; its errors as first_version()'s).
  // Errors: kNotFound (outside [first_version(), last_version()]),
  // kCorruption, kIoError.
  Result<Entry> Get(Version version) const;

  // Calls `visit(version, payload)` for each entry from `from_version` to
  // last_version() in order, until `visit` returns false. `payload` is valid
  // only during the call. Reads ahead in blocks; cost O(bytes visited) plus
  // the index of the starting chunk.
  // from_version == last_version() + 1 visits nothing (replay "from applied
  // + 1" of an up-to-date store); so does any from_version on an empty ledger.
  // Starting below the newest chunk lists the directory first (as ListAll).
  // Errors: kNotFound (from_version < first_version() or > last_version() + 1),
  // kCorruption (stops at the first bad frame, after visiting every entry
  // before it: names the file, offset and version), kIoError.
  Status ForEach(Version from_version, const std::function<bool(Version, ByteView)>& visit) const;

  // An iterator positioned after the newest entry.
  BackwardIterator NewBackwardIterator() const;

  // Bytes and pread calls so far, by this view and its iterators.
  ReadStats read_stats() const;

 private:
  friend class BackwardIterator;
  struct Impl;
  explicit LedgerView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledgerseal::kv::ledger

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_PUBLIC_LEDGER_FILES_H_
