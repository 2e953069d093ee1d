#include "integration/e2e/sealing_cluster.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "base/testing/test_dir.h"
#include "plugin/public/records.h"

namespace ledgerseal::e2e::sealing_cluster {

namespace fs = std::filesystem;



cluster::ClusterOptions SealingOptions(Platforms* platforms) {
  cluster::ClusterOptions o;
  o.binary = LedgersealBinary();
  o.root = ::ledgerseal::testing::TestDir();
  o.customize = [root = o.root, platforms](kv::NodeConfig& c) {
    c.sealing.enable_local_sealing = true;
    c.sealing.sealing_identity = "seal-" + c.node_id;
    c.sealing.previous_local_sealing_identity = c.sealing.sealing_identity;
    c.sealing.platform = "virtual";
    c.sealing.virtual_machine_secret_path = root / c.node_id / "machine.secret";
    auto m = platforms->measurement.try_emplace(c.node_id, kMeasurementA).first->second;
    auto t = platforms->committed_tcb.try_emplace(c.node_id, "0x10").first->second;
    c.sealing.virtual_launch_json = "{\"measurement\": \"" + m + "\", \"committed_tcb\": \"" + t + "\"}";
  };
  return o;
}

void StartNodes(cluster::ProcessCluster& c, std::initializer_list<const char*> ids) {
  auto it = ids.begin();
  ASSERT_TRUE(c.StartGenesis(*it)) << c.LogTail(*it);
  for (++it; it != ids.end(); ++it) {
    auto s = c.StartJoiner(*it, "n1");
    ASSERT_TRUE(s) << s.error().ToString();
    auto trusted = c.Client("n1").Trust(*it);
    ASSERT_TRUE(trusted) << trusted.error().ToString();
  }
}

void Write(cluster::ProcessCluster& c, Acked& acked, int from, int count) {
  for (int i = from; i < from + count; ++i) {
    auto s = PutWithFailover(c, kTable, "k" + std::to_string(i), kMarker + std::to_string(i), acked);
    ASSERT_TRUE(s) << s.error().ToString();
  }
}

// Every running node applied everything; then all die at once.
void QuiesceAndKillAll(cluster::ProcessCluster& c, const Acked& acked) {
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // trailing entries
  c.KillAll();
}

// How the last recovery got its secret, and that every trusted node has a
// sealed recovery key (the audit of scenario 8).
void ExpectAudit(cluster::ProcessCluster& c, const std::string& node, uint64_t min_version) {
  rpc::v1::GetRequest get;
  get.set_table("sealing.last_recovery");
  get.set_key("last");
  get.set_min_version(min_version);
  auto r = c.Client(node).Get(get);
  ASSERT_TRUE(r && r->found()) << "no sealing.last_recovery on " << node;
  auto record = sealing::ParseLastRecovery(kv::AsBytes(r->value()));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->method(), sealing::v1::LOCAL_UNSEALING);
  EXPECT_EQ(record->recovering_sealing_identity(), "seal-" + node);
  get.set_table("sealing.recovery_keys");
  get.set_key("seal-" + node);
  auto key = c.Client(node).Get(get);
  ASSERT_TRUE(key && key->found()) << node << " has no sealed recovery key in the new service";
}

// `ledgerseal inspect DIR --json`, parsed.
nlohmann::json Inspect(const fs::path& data_dir, const std::string& extra) {
  const std::string cmd = LedgersealBinary().string() + " inspect " + data_dir.string() + " --json " + extra;
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

// Three nodes, `per_phase` transactions before and after each of two
// rotations, then the outage.
void ServeWithTwoRotationsThenKillAll(cluster::ProcessCluster& c, Acked& acked, int per_phase) {
  StartNodes(c, {"n1", "n2", "n3"});
  for (int phase = 0; phase < 2; ++phase) {
    Write(c, acked, phase * per_phase, per_phase);
    ASSERT_TRUE(RotateWithFailover(c, acked));
  }
  Write(c, acked, 2 * per_phase, per_phase);
  QuiesceAndKillAll(c, acked);
}

std::string LedgerOf(const cluster::ProcessCluster& c, const std::string& node) {
  return LedgerBytes(c.data_dir(node));
}


ToolRun RunLedgerseal(const std::string& args) {
  const std::string cmd = LedgersealBinary().string() + " " + args + " 2>&1";
  ToolRun run;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) run.output.append(buf, n);
    const int status = ::pclose(p);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return run;
}

std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), dir);
    if (it->is_regular_file()) {
      std::ifstream in(it->path(), std::ios::binary);
      files[rel.string()] = std::string(std::istreambuf_iterator<char>(in), {});
    } else {
      files[rel.string() + "/"] = "";
    }
  }
  return files;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path CorruptShareFile(const fs::path& share, const fs::path& out) {
  std::string text = ReadAll(share);
  const size_t at = text.find("\"share\": \"") + 12;
  text[at] = text[at] == '0' ? '1' : '0';
  std::ofstream(out) << text;
  return out;
}

}  // namespace ledgerseal::e2e::sealing_cluster
