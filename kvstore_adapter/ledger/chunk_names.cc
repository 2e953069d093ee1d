#include "kvstore_adapter/ledger/chunk_names.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

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

Result<std::vector<ChunkFile>> ListChunks(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    const ErrorCode code = ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound : ErrorCode::kIoError;
    return MakeError(code, "list ledger directory " + dir.string() + ": " + ec.message());
  }
  std::vector<ChunkFile> chunks;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto version = ParseChunkFileName(it->path().filename().string());
    if (version) chunks.push_back(ChunkFile{.first_version = *version, .path = it->path()});
  }
  if (ec) return MakeError(ErrorCode::kIoError, "list ledger directory " + dir.string() + ": " + ec.message());
  std::sort(chunks.begin(), chunks.end(),
            [](const ChunkFile& a, const ChunkFile& b) { return a.first_version < b.first_version; });
  return chunks;
}

}  // namespace ledgerseal::kv::ledger::internal
