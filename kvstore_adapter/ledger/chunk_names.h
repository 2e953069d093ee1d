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

// Chunk files in `dir`, oldest first, all sharing one `dir`. Other files are
// ignored. Reads the directory with readdir(3) and builds no path per entry:
// the listing is the one part of opening a ledger that grows with its length.
// Errors: kNotFound (no such directory), kIoError.
Result<std::vector<ChunkFile>> ListChunks(const std::filesystem::path& dir);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_
