#include "base/testing/test_dir.h"
#include "kvstore_adapter/ledger/test_util.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ledgerseal::kv::ledger::testing {

Bytes PayloadFor(Version version, size_t max_bytes) {
  // A small multiplicative hash spreads lengths and bytes over versions.
  uint64_t state = version * 0x9E3779B97F4A7C15ull + 1;
  const size_t length = max_bytes == 0 ? 0 : static_cast<size_t>((state >> 17) % (max_bytes + 1));
  Bytes payload(length);
  for (size_t i = 0; i < length; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    payload[i] = static_cast<uint8_t>(state);
  }
  return payload;
}

LedgerOptions TestOptions(const std::filesystem::path& dir, uint64_t max_chunk_bytes) {
  return LedgerOptions{.dir = dir, .max_chunk_bytes = max_chunk_bytes, .sync_every_append = false};
}

std::string ChunkName(Version first_version) {
  std::string digits = std::to_string(first_version);
  return "ledger_" + std::string(20 - digits.size(), '0') + digits + ".chunk";
}

Version ChunkFirstVersion(const std::filesystem::path& chunk) {
  return std::stoull(chunk.filename().string().substr(7, 20));
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::filesystem::path> ChunkPaths(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".chunk") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::map<std::string, Bytes> ReadChunkFiles(const std::filesystem::path& dir) {
  std::map<std::string, Bytes> files;
  for (const auto& p : ChunkPaths(dir)) files[p.filename().string()] = ReadFile(p);
  return files;
}

void CopyDir(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::remove_all(to);
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

}  // namespace ledgerseal::kv::ledger::testing
