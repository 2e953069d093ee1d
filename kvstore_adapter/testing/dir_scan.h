// Test support: does any file under a directory contain a byte string?
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_TESTING_DIR_SCAN_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_TESTING_DIR_SCAN_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::kv::testing {

// Paths of every regular file under `dir` (recursively) whose bytes contain
// `needle`. Reads each file whole; meant for test-sized directories.
std::vector<std::string> FilesContaining(const std::filesystem::path& dir, std::string_view needle);

// Number of regular files under `dir`, recursively.
size_t CountFiles(const std::filesystem::path& dir);

// Paths of every file or directory under `dir` (recursively, not `dir`
// itself) that group or others may access: a node's files are 0600 and its
// directories 0700 at most.
std::vector<std::string> EntriesOpenToOthers(const std::filesystem::path& dir);

}  // namespace ledgerseal::kv::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_TESTING_DIR_SCAN_H_
