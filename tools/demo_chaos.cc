#include "tools/demo_chaos.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"
#include "kvstore_adapter/reference_host/cluster/public/writers.h"
#include "tools/audit/ledger_compare.h"
#include "tools/command.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kTable[] = "chaos.accounts";
constexpr int kNodes = 3;
constexpr int kWriters = 2;
// The outage comes 0.5-2.5 s into the load; the kills are 0-5 ms apart.
constexpr int kMinLoadMs = 500, kMaxLoadMs = 2500, kMaxKillGapMs = 5;
constexpr int kRotateEveryMs = 150;

std::string NodeId(int i) { return "n" + std::to_string(i); }

struct TrialOutcome {
  bool recovered = false;
  size_t acked = 0, lost = 0;
  std::string note;
};

TrialOutcome RunTrial(const fs::path& binary, const fs::path& dir, int trial, std::mt19937_64& random) {
  TrialOutcome out;
  cluster::ClusterOptions options;
  options.binary = binary;
  options.root = dir;
  options.raft.election_timeout_ms = 1000;
  options.raft.heartbeat_timeout_ms = 100;
  options.customize = [dir](kv::NodeConfig& c) {
    c.sealing.enable_local_sealing = true;
    c.sealing.sealing_identity = "sealing-" + c.node_id;
    c.sealing.previous_local_sealing_identity = c.sealing.sealing_identity;
    c.sealing.platform = "virtual";
    c.sealing.virtual_machine_secret_path = dir / c.node_id / "machine.secret";
  };
  cluster::ProcessCluster c(options);
  if (auto s = c.StartGenesis(NodeId(1)); !s) return {.note = "genesis: " + s.error().ToString()};
  for (int i = 2; i <= kNodes; ++i) {
    if (auto s = c.StartJoiner(NodeId(i), NodeId(1)); !s) return {.note = "join: " + s.error().ToString()};
    if (auto t = c.Client(NodeId(1)).Trust(NodeId(i)); !t) return {.note = "trust: " + t.error().ToString()};
  }
  // Their errors once the nodes die are expected, and not counted.
  cluster::Writers load(c.node(NodeId(1)).config.rpc_address, kTable, kWriters, /*value_bytes=*/16,
                        "t" + std::to_string(trial) + "-");
  const auto outage = Clock::now() + std::chrono::milliseconds(kMinLoadMs + random() % (kMaxLoadMs - kMinLoadMs));
  rpc::RpcClient rotator(c.node(NodeId(1)).config.rpc_address);
  int rotations = 0;
  // Bounded by the outage moment.
  while (Clock::now() < outage) {
    if (rotator.Rotate()) ++rotations;
    std::this_thread::sleep_for(std::chrono::milliseconds(kRotateEveryMs));
  }
  std::vector<int> order = {1, 2, 3};
  std::shuffle(order.begin(), order.end(), random);
  for (int i : order) {
    c.Kill(NodeId(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % (kMaxKillGapMs + 1)));
  }
  load.Stop();
  out.acked = load.all_acked().values.size();

  // What the disks show, for the report: the offline comparison's choice.
  std::vector<fs::path> dirs;
  for (int i = 1; i <= kNodes; ++i) dirs.push_back(c.data_dir(NodeId(i)));
  const LedgerComparison cmp = CompareLedgers(dirs, {});
  // A trial that did not recover counts every acknowledged write as lost.
  auto failed = [&out](std::string note) {
    out.note = std::move(note);
    out.lost = out.acked;
    return out;
  };
  // Every node restarted with --recover and its peers' addresses: they
  // choose among themselves (docs/REFERENCE_HOST.md, "Coordinated recovery").
  cluster::CoordinatedRestart restart{.nodes = {}, .wait_for_all_s = 5};
  for (int i = 1; i <= kNodes; ++i) restart.nodes.push_back(NodeId(i));
  if (auto s = c.StartCoordinatedRecovery(restart); !s) return failed("restart: " + s.error().ToString());
  for (const auto& id : restart.nodes) {
    if (auto s = c.AwaitReady(id); !s) return failed(id + " did not recover or join: " + s.error().ToString());
  }
  const std::vector<std::string> openers = c.CoordinatedOpeners(restart.nodes);
  if (openers.size() > 1) return failed("both " + openers[0] + " and " + openers[1] + " opened a service");
  if (openers.empty()) return failed("no node opened");
  const std::string& chosen = openers[0];
  out.recovered = true;
  auto& client = c.Client(chosen);
  for (const auto& [key, value] : load.all_acked().values) {
    rpc::v1::GetRequest get;
    get.set_table(kTable);
    get.set_key(key);
    auto r = client.Get(get);
    if (!r || !r->found() || r->value() != value) ++out.lost;
  }
  out.note = std::to_string(rotations) + " rotation(s), killed in order n" + std::to_string(order[0]) + " n" +
             std::to_string(order[1]) + " n" + std::to_string(order[2]) + "; the nodes chose " + chosen;
  if (cmp.choice) {
    const std::string named = NodeId(static_cast<int>(*cmp.choice) + 1);
    out.note += " (version " + std::to_string(cmp.candidates[*cmp.choice].audit->last_version) + "; inspect names " +
                named + ")";
    // What choosing another ledger would have cost.
    for (size_t i = 0; i < cmp.candidates.size(); ++i) {
      if (i != *cmp.choice && cmp.candidates[i].problem.empty()) {
        out.note += "; " + NodeId(static_cast<int>(i) + 1) + " " + std::to_string(cmp.candidates[i].behind) +
                    " behind";
      }
    }
  }
  out.note += "; the others joined it";
  c.KillAll();
  return out;
}

}  // namespace

int RunChaos(const fs::path& binary, const fs::path& root, int trials, uint64_t seed) {
  std::mt19937_64 random(seed);
  size_t acked = 0, lost = 0;
  int failed = 0;
  std::cout << "ledgerseal demo --chaos: " << trials << " trial(s) of a total outage under load in "
            << root.string() << " (seed " << seed << "; INSECURE virtual SNP platform)\n";
  for (int t = 1; t <= trials; ++t) {
    const auto start = Clock::now();
    const TrialOutcome o = RunTrial(binary, root / ("trial-" + std::to_string(t)), t, random);
    acked += o.acked;
    lost += o.lost;
    if (!o.recovered) ++failed;
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("trial %d: %zu acknowledged, %zu lost; %s (%.1f s)\n", t, o.acked, o.lost, o.note.c_str(), s);
    std::fflush(stdout);
  }
  std::printf("chaos: %d trials, %zu acknowledged, %zu lost\n", trials, acked, lost);
  return lost == 0 && failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace ledgerseal::tools
