// Fuzz target: a ledger chunk whose tail a host (or a crash) damaged. The
// input edits a valid chunk of four entries (a truncation point and an XOR
// mask from an offset, or bytes appended), so the torn-tail-versus-corruption
// analysis (tail_scan.h, FORMAT.md §9.8) sees near-valid files rather than
// noise. Both openers must give a ledger or a typed error, never a crash:
// LedgerView (read-only) and LedgerWriter (which cuts a torn tail, keeping a
// copy), and a writer that opened must accept the next entry.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace {

namespace fs = std::filesystem;
namespace ledger = ::ledgerseal::kv::ledger;

fs::path ScratchDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return fs::path(tmp != nullptr ? tmp : "/tmp") / ("tail-fuzz-" + std::to_string(::getpid()));
}

ledger::LedgerOptions Options(const fs::path& dir) {
  ledger::LedgerOptions options;
  options.dir = dir;
  options.sync_every_append = false;  // the target checks logic, not durability
  return options;
}

// The file name of the chunk the writer made (its only file), and its bytes.
std::string g_chunk_name;

// The bytes of one chunk holding entries 1..4 (payloads of 0, 1, 37 and 300
// bytes), written once by the real writer.
const std::string& ValidChunk() {
  static const std::string chunk = [] {
    const fs::path dir = ScratchDir() / "template";
    fs::remove_all(dir);
    {
      auto writer = ledger::LedgerWriter::Open(Options(dir));
      if (!writer) std::abort();
      for (ledgerseal::kv::Version v = 1; v <= 4; ++v) {
        const std::vector<uint8_t> payload(v == 1 ? 0 : v == 2 ? 1 : v == 3 ? 37 : 300, static_cast<uint8_t>(v));
        if (!(*writer)->Append(v, payload)) std::abort();
      }
      if (!(*writer)->Sync()) std::abort();
    }
    for (const auto& file : fs::directory_iterator(dir)) {
      if (file.is_regular_file()) g_chunk_name = file.path().filename().string();
    }
    std::ifstream in(dir / g_chunk_name, std::ios::binary);
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    if (bytes.empty()) std::abort();
    return bytes;
  }();
  return chunk;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string chunk = ValidChunk();
  if (size >= 4) {
    // [u16 keep][u16 offset][mask...]: keep that many bytes (or all, and
    // append the mask as new bytes), then XOR the mask in from the offset.
    const size_t keep = (size_t{data[0]} << 8 | data[1]) % (chunk.size() + 1);
    const bool append = (data[0] & 0x80) != 0;
    const size_t offset = (size_t{data[2]} << 8 | data[3]) % (chunk.size() + 1);
    const uint8_t* mask = data + 4;
    const size_t mask_size = size - 4;
    if (append) {
      chunk.append(reinterpret_cast<const char*>(mask), mask_size);
    } else {
      chunk.resize(keep);
      for (size_t i = 0; i < mask_size && offset + i < chunk.size(); ++i) chunk[offset + i] ^= static_cast<char>(mask[i]);
    }
  }
  const fs::path dir = ScratchDir() / "case";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / g_chunk_name, std::ios::binary) << chunk;

  if (auto view = ledger::LedgerView::Open(dir)) {
    if (auto first = (*view)->first_version()) {
      (void)(*view)->ForEach(*first, [](ledgerseal::kv::Version, ledgerseal::kv::ByteView) { return true; });
    }
  }
  if (auto writer = ledger::LedgerWriter::Open(Options(dir))) {
    const std::vector<uint8_t> next(5, 0xab);
    // A writer that opened has cut what it could not keep: the next entry fits.
    if (!(*writer)->Append((*writer)->next_version(), next)) std::abort();
  }
  return 0;
}
