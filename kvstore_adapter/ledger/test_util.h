// Helpers shared by the ledger files' tests.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TEST_UTIL_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TEST_UTIL_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::testing {

// The project's test-directory helper (base/testing/test_dir.h).
using ::ledgerseal::testing::FreshDir;

// Deterministic payload for `version`: its length varies with the version
// (from 0 up to max_bytes) and every byte depends on the version, so a
// payload returned for the wrong version, or cut short, is noticed.
Bytes PayloadFor(Version version, size_t max_bytes = 300);

// Options for a test ledger in `dir` (no fsync: tests don't need power-loss
// durability, and a killed process loses nothing).
LedgerOptions TestOptions(const std::filesystem::path& dir, uint64_t max_chunk_bytes = kDefaultMaxChunkBytes);

// The documented chunk file name for `first_version`, built independently of
// the implementation: "ledger_" + 20 zero-padded digits + ".chunk".
std::string ChunkName(Version first_version);
// The first version a chunk file's name encodes.
Version ChunkFirstVersion(const std::filesystem::path& chunk);

// Chunk files of `dir` by name, with their bytes.
std::map<std::string, Bytes> ReadChunkFiles(const std::filesystem::path& dir);

// Chunk file paths of `dir`, oldest first.
std::vector<std::filesystem::path> ChunkPaths(const std::filesystem::path& dir);

Bytes ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const Bytes& bytes);

// Replaces `to` with a copy of directory `from`.
void CopyDir(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace ledgerseal::kv::ledger::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TEST_UTIL_H_
