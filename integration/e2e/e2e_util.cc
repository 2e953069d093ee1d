#include "integration/e2e/e2e_util.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "base/testing/test_dir.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool Retryable(const kv::Error& e) {
  return e.code == kv::ErrorCode::kUnavailable || e.code == kv::ErrorCode::kNotPrimary ||
         e.code == kv::ErrorCode::kAborted;
}

// Runs `attempt(node_id)` against running nodes in turn until it succeeds,
// fails for good, or `timeout_ms` passes.
template <typename T, typename Attempt>
kv::Result<T> WithFailover(cluster::ProcessCluster& cluster, uint32_t timeout_ms, Attempt attempt) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t next = 0;
  for (;;) {
    const auto nodes = cluster.running();
    if (nodes.empty()) return kv::MakeError(kv::ErrorCode::kUnavailable, "no node is running");
    kv::Result<T> result = attempt(nodes[next++ % nodes.size()]);
    if (result || !Retryable(result.error()) || Clock::now() > deadline) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

fs::path LedgersealBinary() {
  return fs::path(std::getenv("TEST_SRCDIR")) / "ledgerseal" / "tools" / "ledgerseal";
}

cluster::ClusterOptions TestClusterOptions() {
  cluster::ClusterOptions o;
  o.binary = LedgersealBinary();
  o.root = ::ledgerseal::testing::TestDir();
  o.insecure_test_secret_files = true;
  o.raft.election_timeout_ms = 1000;
  o.raft.heartbeat_timeout_ms = 100;
  return o;
}

kv::Status StartTrustedNodes(cluster::ProcessCluster& c, int node_count) {
  auto with_log = [&c](const std::string& id, const kv::Error& e) {
    return kv::MakeError(e.code, id + ": " + e.message + "\n" + c.LogTail(id));
  };
  if (auto s = c.StartGenesis("n1"); !s) return with_log("n1", s.error());
  for (int i = 2; i <= node_count; ++i) {
    const std::string id = "n" + std::to_string(i);
    if (auto s = c.StartJoiner(id, "n1"); !s) return with_log(id, s.error());
    auto trusted = c.Client("n1").Trust(id);
    if (!trusted) return with_log(id, trusted.error());
    // Replicating, not just admitted: the joiner applies its own trust.
    if (auto s = c.WaitApplied(trusted->version()); !s) return with_log(id, s.error());
  }
  return {};
}

kv::Status PutWithFailover(cluster::ProcessCluster& cluster, const std::string& table,
                           const std::string& key, const std::string& value, Acked& acked,
                           uint32_t timeout_ms) {
  auto version = WithFailover<uint64_t>(cluster, timeout_ms, [&](const std::string& node) -> kv::Result<uint64_t> {
    rpc::v1::PutRequest put;
    auto* w = put.add_writes();
    w->set_table(table);
    w->set_private_domain(true);
    w->set_key(key);
    w->set_value(value);
    auto r = cluster.Client(node).Put(put);
    if (!r) return std::unexpected(r.error());
    return r->version();
  });
  if (!version) return std::unexpected(version.error());
  acked.values[key] = value;
  acked.max_version = std::max(acked.max_version, *version);
  return {};
}

kv::Result<uint64_t> RotateWithFailover(cluster::ProcessCluster& cluster, Acked& acked,
                                        uint32_t timeout_ms) {
  auto rotated = WithFailover<rpc::v1::RotateResponse>(
      cluster, timeout_ms, [&](const std::string& node) { return cluster.Client(node).Rotate(); });
  if (!rotated) return std::unexpected(rotated.error());
  acked.max_version = std::max(acked.max_version, rotated->version());
  return rotated->ledger_secret_version();
}

kv::Status VerifyAcked(cluster::ProcessCluster& cluster, const std::string& node_id,
                       const std::string& table, const Acked& acked) {
  for (const auto& [key, value] : acked.values) {
    rpc::v1::GetRequest get;
    get.set_table(table);
    get.set_key(key);
    get.set_min_version(acked.max_version);
    auto r = cluster.Client(node_id).Get(get);
    if (!r) return std::unexpected(r.error());
    if (!r->found() || r->value() != value) {
      return kv::MakeError(kv::ErrorCode::kNotFound,
                           node_id + ": acknowledged key " + key + " is " +
                               (r->found() ? "'" + r->value() + "'" : "missing"));
    }
  }
  return {};
}

std::string LedgerBytes(const fs::path& data_dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(data_dir / "ledger")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

}  // namespace ledgerseal::e2e
