// Chunk file naming and listing: `ledger_<first version, 20 digits>.chunk`.
// The name alone says which versions a chunk can hold, which is what makes
// Get and backward reading independent of the ledger's length. Internal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

struct ChunkFile {
  Version first_version = kNoVersion;  // from the name; the chunk header must agree
  // The ledger directory, shared by every chunk of one listing. A path per
  // chunk is built only when that chunk is opened: building one for every
  // listed name cost more than reading the directory (75 us for 246 chunks,
  // BENCHMARKS.md "Recovery at scale"), and opening a ledger lists them all.
  std::shared_ptr<const std::filesystem::path> dir;

  // dir / ChunkFileName(first_version). Precondition: dir is set.
  std::filesystem::path path() const;
};

// "ledger_00000000000000000042.chunk" for 42. 20 digits hold any uint64, and
// zero padding makes name order equal version order.
std::string ChunkFileName(Version first_version);

// The first version a chunk file name encodes; nullopt if `name` is not
// exactly a chunk file name (or encodes version 0). Only the one name
// ChunkFileName makes is accepted, so ChunkFileName(*ParseChunkFileName(n))
// == n: ChunkFile::path() names the very file that was listed.
std::optional<Version> ParseChunkFileName(std::string_view name);

// --- The newest-chunk hint (docs/FORMAT.md §9.1) ---
//
// The writer names its newest chunk in an extended attribute of the ledger
// directory (value: exactly ChunkFileName(first version)), so that a reader
// finds the tail without listing a directory that grows with the ledger. An
// attribute, not a file: the directory keeps holding chunk files only, and a
// copy that drops attributes merely drops the hint. The hint is the host's
// bytes and never trusted: a reader uses it only after checking the chunk it
// names (its tail scan) and that no chunk follows it.
inline constexpr std::string_view kNewestChunkHintAttribute = "user.ledgerseal.newest_chunk";

// The first version of the chunk the hint on `dir` names; nullopt when there
// is no hint (or the file system keeps no attributes) or it is not exactly
// one chunk file name: the reader then lists the directory. A hint is only
// ever an optimisation, so this never fails.
std::optional<Version> ReadNewestChunkHint(const std::filesystem::path& dir);

// Sets the hint to `first_version`'s chunk (setxattr(2) replaces the value
// whole: a reader sees the old or the new name). Not synced: after a crash
// the hint may be stale or name a chunk that was not kept, which readers
// detect. Errors: kIoError (e.g. ENOTSUP where attributes are not kept).
Status WriteNewestChunkHint(const std::filesystem::path& dir, Version first_version);

// Whether `dir` holds an entry named ChunkFileName(first_version) (lstat(2):
// any entry, a dangling symbolic link included).
// Errors: kIoError (stat failed for another reason than ENOENT).
Result<bool> ChunkExists(const std::filesystem::path& dir, Version first_version);

// Chunk files in `dir`, oldest first, all sharing one `dir`. Other files are
// ignored. Reads the directory with readdir(3) and builds no path per entry:
// the listing is the one part of opening a ledger that grows with its length.
// Errors: kNotFound (no such directory), kIoError.
Result<std::vector<ChunkFile>> ListChunks(const std::filesystem::path& dir);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_
