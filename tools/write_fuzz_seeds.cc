// `write_fuzz_seeds DEMO_DIR OUT_DIR`: the fuzz seeds in testdata/fuzz/,
// taken from a real run (`ledgerseal demo --lose-hardware --keep --dir
// DEMO_DIR`), so the fuzz targets start from genuine records rather than
// from random bytes (docs/FUZZING.md, "Seeds"). For each node nK it
// writes:
//   node_config/nK.json          the node's configuration
//   ledger/nK.chunk-head         the first 4 KiB of its first ledger chunk
//   entry/nK-vV                  entries: the first 3, and up to 3 rotations
//   records/TABLE-nK-vV          the newest value of each sealing.* table
//   recovery_shares/TABLE-nK-vV  the newest value of each recovery.* table
// and recovery_shares/NAME.share for each member share file.
// Ledger bytes are public (the ledger's private domain stays encrypted), and
// the demo's keys are throwaway test keys.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace {

namespace fs = std::filesystem;
using namespace ::ledgerseal;

constexpr size_t kChunkHeadBytes = 4096;
constexpr int kFirstEntries = 3;
constexpr int kRotationEntries = 3;

// Writes each distinct content once: the nodes' ledgers share most entries.
bool Write(const fs::path& path, const void* data, size_t size) {
  static std::set<std::string> written;
  if (!written.insert(std::string(static_cast<const char*>(data), size)).second) return true;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  return static_cast<bool>(out);
}

bool Copy(const fs::path& from, const fs::path& to, size_t max_bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes(max_bytes, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(max_bytes));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return !bytes.empty() && Write(to, bytes.data(), bytes.size());
}

bool SeedsOfNode(const std::string& node, const fs::path& node_dir, const fs::path& out) {
  if (!Copy(node_dir / "config.json", out / "node_config" / (node + ".json"), 1 << 20)) return false;
  std::set<fs::path> chunks;
  for (const auto& e : fs::directory_iterator(node_dir / "data" / "ledger")) {
    if (e.path().extension() == ".chunk") chunks.insert(e.path());
  }
  if (chunks.empty() || !Copy(*chunks.begin(), out / "ledger" / (node + ".chunk-head"), kChunkHeadBytes)) return false;
  auto view = kv::ledger::LedgerView::Open(node_dir / "data" / "ledger");
  if (!view) {
    std::cerr << node << ": " << view.error().ToString() << "\n";
    return false;
  }
  auto it = (*view)->NewBackwardIterator();
  std::set<std::string> tables_seen;
  int rotations = 0;
  // Bounded by the ledger's length.
  for (;;) {
    auto entry = it.Previous();
    if (!entry) {
      std::cerr << node << ": " << entry.error().ToString() << "\n";
      return false;
    }
    if (!*entry) break;
    const auto& payload = (*entry)->payload;
    const std::string v = std::to_string((*entry)->version);
    auto pub = kv::entry::DecodePublic(payload);
    if (!pub) continue;
    bool rotates = false;
    for (const auto& [table, writes] : pub->public_writes.tables()) {
      const bool sealing = table.starts_with("sealing.");
      if (table == "sealing.shares") rotates = true;
      if ((!sealing && !table.starts_with("recovery.")) || !tables_seen.insert(table).second) continue;
      for (const auto& [key, value] : writes.writes) {
        if (!value) continue;
        const fs::path dir = out / (sealing ? "records" : "recovery_shares");
        if (!Write(dir / (table + "-" + node + "-v" + v), value->data(), value->size())) return false;
        break;  // one value per table
      }
    }
    const bool first = (*entry)->version <= static_cast<kv::Version>(kFirstEntries);
    if (first || (rotates && rotations++ < kRotationEntries)) {
      if (!Write(out / "entry" / (node + "-v" + v), payload.data(), payload.size())) return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: write_fuzz_seeds DEMO_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path demo = argv[1], out = argv[2];
  int nodes = 0;
  for (const auto& e : fs::directory_iterator(demo)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= 2 && name[0] == 'n' && std::all_of(name.begin() + 1, name.end(), ::isdigit)) {
      if (!SeedsOfNode(name, e.path(), out)) return 1;
      ++nodes;
    }
  }
  if (fs::exists(demo / "members")) {
    for (const auto& e : fs::directory_iterator(demo / "members")) {
      if (e.path().extension() == ".share" &&
          !Copy(e.path(), out / "recovery_shares" / e.path().filename(), 1 << 16)) {
        return 1;
      }
    }
  }
  std::cout << "seeds of " << nodes << " nodes written to " << out.string() << "\n";
  return nodes > 0 ? 0 : 1;
}
