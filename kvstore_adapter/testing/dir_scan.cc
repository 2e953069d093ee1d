#include "kvstore_adapter/testing/dir_scan.h"

#include <fstream>
#include <iterator>

namespace ledgerseal::kv::testing {

std::vector<std::string> FilesContaining(const std::filesystem::path& dir, std::string_view needle) {
  std::vector<std::string> hits;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) hits.push_back(entry.path().string());
  }
  return hits;
}

std::vector<std::string> EntriesOpenToOthers(const std::filesystem::path& dir) {
  using std::filesystem::perms;
  std::vector<std::string> open;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_symlink()) continue;
    const perms p = entry.status().permissions();
    if ((p & (perms::group_all | perms::others_all)) != perms::none) {
      open.push_back(entry.path().string());
    }
  }
  return open;
}

size_t CountFiles(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) ++n;
  }
  return n;
}

}  // namespace ledgerseal::kv::testing
