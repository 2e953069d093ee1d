#include "kvstore_adapter/ledger/chunk_names.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "base/check.h"
#include "kvstore_adapter/ledger/posix_file.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

constexpr std::string_view kPrefix = "ledger_";
constexpr std::string_view kSuffix = ".chunk";
constexpr size_t kDigits = 20;

}  // namespace

std::string ChunkFileName(Version first_version) {
  char digits[kDigits + 1];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(first_version));
  std::string name(kPrefix);
  name += digits;
  name += kSuffix;
  return name;
}

std::optional<Version> ParseChunkFileName(std::string_view name) {
  if (name.size() != kPrefix.size() + kDigits + kSuffix.size()) return std::nullopt;
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view digits = name.substr(kPrefix.size(), kDigits);
  // 20 decimal digits can exceed UINT64_MAX: accumulate with overflow checks.
  Version v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<Version>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  if (v == kNoVersion) return std::nullopt;
  return v;
}

std::filesystem::path ChunkFile::path() const {
  LEDGERSEAL_CHECK(dir != nullptr);
  return *dir / ChunkFileName(first_version);
}

std::optional<Version> ReadNewestChunkHint(const std::filesystem::path& dir) {
  // One byte more than a chunk name: a longer value fails with ERANGE.
  char name[kPrefix.size() + kDigits + kSuffix.size() + 1];
  const ssize_t got = ::getxattr(dir.c_str(), kNewestChunkHintAttribute.data(), name, sizeof(name));
  if (got <= 0) return std::nullopt;
  return ParseChunkFileName(std::string_view(name, static_cast<size_t>(got)));
}

Status WriteNewestChunkHint(const std::filesystem::path& dir, Version first_version) {
  const std::string name = ChunkFileName(first_version);
  if (::setxattr(dir.c_str(), kNewestChunkHintAttribute.data(), name.data(), name.size(), 0) != 0) {
    return std::unexpected(ErrnoError(ErrorCode::kIoError, "set the newest-chunk hint on", dir, errno));
  }
  return {};
}

Result<bool> ChunkExists(const std::filesystem::path& dir, Version first_version) {
  const std::filesystem::path path = dir / ChunkFileName(first_version);
  struct stat st {};
  // lstat: a symbolic link by that name is a listed name too (a dangling
  // one must not read as "no chunk follows").
  if (::lstat(path.c_str(), &st) == 0) return true;
  const int e = errno;
  if (e == ENOENT) return false;
  return std::unexpected(ErrnoError(ErrorCode::kIoError, "stat ledger chunk", path, e));
}

Result<std::vector<ChunkFile>> ListChunks(const std::filesystem::path& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
  if (handle == nullptr) {
    const int e = errno;
    return std::unexpected(
        ErrnoError(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError, "list ledger directory", dir, e));
  }
  std::vector<Version> versions;
  // readdir returns each entry once and then null: bounded by the directory.
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) break;
    if (const auto version = ParseChunkFileName(entry->d_name)) versions.push_back(*version);
  }
  const int read_errno = errno;
  handle.reset();
  if (read_errno != 0) {
    return std::unexpected(ErrnoError(ErrorCode::kIoError, "list ledger directory", dir, read_errno));
  }
  std::sort(versions.begin(), versions.end());
  const auto shared_dir = std::make_shared<const std::filesystem::path>(dir);
  std::vector<ChunkFile> chunks;
  chunks.reserve(versions.size());
  for (Version v : versions) chunks.push_back(ChunkFile{.first_version = v, .dir = shared_dir});
  return chunks;
}

}  // namespace ledgerseal::kv::ledger::internal
