// Chunk file naming and listing: `ledger_<first version, 20 digits>.chunk`.
// The name alone says which versions a chunk can hold, which is what makes
// Get and backward reading independent of the ledger's length. Internal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

struct ChunkFile {
  Version first_version = kNoVersion;  // from the name; the chunk header must agree
  std::filesystem::path path;
};

// "ledger_00000000000000000042.chunk" for 42. 20 digits hold any uint64, and
// zero padding makes name order equal version order.
std::string ChunkFileName(Version first_version);

// The first version a chunk file name encodes; nullopt if `name` is not
// exactly a chunk file name (or encodes version 0).
std::optional<Version> ParseChunkFileName(std::string_view name);

// Chunk files in `dir`, oldest first. Other files are ignored.
// Errors: kNotFound (no such directory), kIoError.
Result<std::vector<ChunkFile>> ListChunks(const std::filesystem::path& dir);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CHUNK_NAMES_H_
