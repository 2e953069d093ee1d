// `ledgerseal demo`: a whole service lost and recovered by local sealing, as
// real processes on loopback (virtual platform).
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <fstream>
#include <memory>
#include <set>
#include <cstring>
#include <vector>

#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"
#include "snp/public/virtual_platform.h"
#include "tools/command.h"
#include "tools/demo_chaos.h"
#include "tools/demo_members.h"
#include "tools/demo_workdir.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kTable[] = "demo.accounts";

struct DemoArgs {
  int nodes = 3;
  int txs = 500;
  int rotations = 2;
  std::string dir;
  bool keep = false;
  bool lose_hardware = false;  // recover with recovery members' shares
  int chaos = 0;               // --chaos N: N outage trials instead of the story
  uint64_t seed = 1;           // --seed: the chaos trials' random moments
};

constexpr char kDetails[] =
    "Starts a service of N nodes as real processes on loopback, on the INSECURE\n"
    "virtual SNP platform; writes transactions, rotates the ledger secret, kills\n"
    "every node with SIGKILL, recovers one via local sealing and verifies every\n"
    "acknowledged transaction.\n"
    "\n"
    "Without --keep, a successful run removes only what the demo created: a --dir\n"
    "that existed keeps everything it held before.\n"
    "\n"
    "With --lose-hardware the service also has 3 recovery members (2 to recover);\n"
    "after the outage every chip is lost. Two members decrypt their shares from a\n"
    "ledger (operator decrypt-share). The recovering node restarts with --recover\n"
    "on a new chip: local unsealing fails (platform_mismatch, shown) and, as its\n"
    "config allows (sealing.on_failure), it waits for shares; the members submit\n"
    "theirs (client submit-share), it recovers and seals the new secret for its\n"
    "new chip (docs/RECOVERY_SHARES.md).\n"
    "\n"
    "With --chaos N it runs N trials instead: a 3-node service with two clients\n"
    "writing while the leader rotates, every node killed with SIGKILL at a random\n"
    "moment (a few ms apart), then every node restarted with --recover and its\n"
    "peers' addresses: the nodes agree among themselves on the longest ledger\n"
    "(coordinated recovery, docs/REFERENCE_HOST.md), its node opens the service,\n"
    "the others join it, and every acknowledged write is read back. It ends with\n"
    "'chaos: N trials, A acknowledged, L lost' and exits 1 if anything was lost.\n";

class Step {
 public:
  explicit Step(std::string title) : start_(Clock::now()) { std::cout << "\n== " << title << "\n"; }
  double ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }
  void Done(const std::string& what) const {
    std::printf("   %s (%.0f ms)\n", what.c_str(), ms());
    std::fflush(stdout);
  }

 private:
  Clock::time_point start_;
};

std::string NodeId(int i) { return "n" + std::to_string(i); }

// The node's log size in bytes (0 when it does not exist yet).
std::uintmax_t LogSize(const fs::path& log) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(log, ec);
  return ec ? 0 : size;
}

// The lines that tell the recovery's story, among those the recovery run
// appended to the node's log after `offset_bytes` (the log's size before it).
void ShowRecoveryLog(const fs::path& log, std::uintmax_t offset_bytes) {
  std::ifstream in(log);
  in.seekg(static_cast<std::streamoff>(offset_bytes));
  for (std::string line; std::getline(in, line);) {
    for (const char* key : {"unsealed", "replay:", "recovered:", "recovered ledger secret", "sealed ledger",
                            "started service", "local unsealing failed", "waiting for recovery shares",
                            "1 of 2 shares"}) {
      if (line.find(key) != std::string::npos) {
        std::cout << "   | " << line << "\n";
        break;
      }
    }
  }
}

class Demo {
 public:
  Demo(DemoArgs args, fs::path root) : a_(std::move(args)), root_(std::move(root)) {}

  int Run() {
    cluster::ClusterOptions options;
    char self[4096] = {};
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) return Fail("cannot find the ledgerseal executable");
    options.binary = std::string(self, static_cast<size_t>(n));
    options.root = root_;
    binary_ = options.binary;
    if (a_.lose_hardware) {
      auto members = MakeDemoMembers(binary_, root_ / "members");
      if (!members) return Fail(members.error().ToString());
      members_ = std::move(*members);
    }
    options.customize = [this, root = root_](kv::NodeConfig& c) {
      if (!members_.empty()) {
        c.recovery_shares.threshold = 2;
        c.recovery_shares.members = members_;
      }
      // After --lose-hardware the same configuration runs on a new chip,
      // pinned to the service the operators know: local sealing stays on,
      // so the recovered service seals its secrets for the new chip.
      if (!pin_.empty()) c.expected_previous_service_identity = pin_;
      // Members exist: a recovery whose local unsealing fails waits for
      // their shares instead of giving up.
      if (!members_.empty()) c.sealing.on_failure = kv::SealingFailurePolicy::kFallbackRecoveryShares;
      c.sealing.enable_local_sealing = true;
      c.sealing.sealing_identity = "sealing-" + c.node_id;
      c.sealing.previous_local_sealing_identity = c.sealing.sealing_identity;
      c.sealing.platform = "virtual";
      c.sealing.virtual_machine_secret_path = root / c.node_id / "machine.secret";
    };
    cluster_ = std::make_unique<cluster::ProcessCluster>(options);
    std::cout << "ledgerseal demo: " << a_.nodes << " nodes, " << a_.txs << " transactions, "
              << a_.rotations << " rotation(s), in " << root_.string() << "\n"
              << "platform: virtual SNP (INSECURE software stand-in; on SEV-SNP hardware the keys "
                 "come from the AMD secure processor)\n";
    for (auto step : {&Demo::StartService, &Demo::Write, &Demo::KillEverything, &Demo::LoseHardware,
                      &Demo::Recover, &Demo::Verify}) {
      if (int rc = (this->*step)(); rc != kExitOk) return rc;
    }
    std::cout << "\nOK: every acknowledged transaction survived losing every node"
              << (a_.lose_hardware ? " and every chip.\n" : ".\n");
    return kExitOk;
  }

 private:
  int Fail(const std::string& what) {
    std::cerr << "\nledgerseal demo: FAILED: " << what << "\nlogs are in " << root_.string() << "\n";
    return kExitFailure;
  }

  int StartService() {
    Step step("1. start a " + std::to_string(a_.nodes) + "-node service (real processes, Raft over TCP)");
    if (auto s = cluster_->StartGenesis(NodeId(1)); !s) return Fail(s.error().ToString());
    step.Done("n1 started the service (genesis, ledger secret 1 sealed for n1)");
    for (int i = 2; i <= a_.nodes; ++i) {
      if (auto s = cluster_->StartJoiner(NodeId(i), NodeId(1)); !s) return Fail(s.error().ToString());
      auto trusted = cluster_->Client(NodeId(1)).Trust(NodeId(i));
      if (!trusted) return Fail(trusted.error().ToString());
      step.Done(NodeId(i) + " joined with its sealed recovery key and is trusted (secret resealed)");
    }
    return kExitOk;
  }

  int Write() {
    Step step("2. write " + std::to_string(a_.txs) + " transactions (private table), rotating the secret " +
              std::to_string(a_.rotations) + " time(s)");
    const int every = a_.rotations > 0 ? std::max(1, a_.txs / (a_.rotations + 1)) : a_.txs + 1;
    auto& client = cluster_->Client(NodeId(1));
    int rotations = 0;
    for (int i = 0; i < a_.txs; ++i) {
      if (i > 0 && i % every == 0 && rotations < a_.rotations) {
        auto r = client.Rotate();
        if (!r) return Fail(r.error().ToString());
        ++rotations;
        step.Done("rotated to ledger secret " + std::to_string(r->ledger_secret_version()) +
                  ", sealed for every trusted node in the same transaction (version " +
                  std::to_string(r->version()) + ")");
      }
      rpc::v1::PutRequest put;
      auto* w = put.add_writes();
      w->set_table(kTable);
      w->set_private_domain(true);
      w->set_key("account-" + std::to_string(i));
      w->set_value("balance-" + std::to_string(i * 7));
      auto r = client.Put(put);
      if (!r) return Fail("transaction " + std::to_string(i) + ": " + r.error().ToString());
      acked_[w->key()] = w->value();
      last_version_ = std::max<uint64_t>(last_version_, r->version());
    }
    while (rotations < a_.rotations) {
      auto r = client.Rotate();
      if (!r) return Fail(r.error().ToString());
      ++rotations;
      last_version_ = std::max<uint64_t>(last_version_, r->version());
    }
    if (auto s = cluster_->WaitApplied(last_version_); !s) return Fail(s.error().ToString());
    step.Done(std::to_string(acked_.size()) + " transactions acknowledged, every node at version " +
              std::to_string(last_version_));
    return kExitOk;
  }

  int KillEverything() {
    if (a_.lose_hardware) {
      auto status = cluster_->Client(NodeId(1)).GetStatus();
      if (!status) return Fail(status.error().ToString());
      service_id_ = status->service_id();
    }
    Step step(a_.lose_hardware ? "3. kill every node with SIGKILL (total outage)"
                               : "3. kill every node with SIGKILL (total outage; no recovery shares exist)");
    cluster_->KillAll();
    step.Done("all " + std::to_string(a_.nodes) + " processes killed; only their disks remain");
    return kExitOk;
  }

  // --lose-hardware: every chip is gone (the virtual chips' secrets are
  // deleted); two of the three members decrypt their shares from a ledger.
  int LoseHardware() {
    if (!a_.lose_hardware) return kExitOk;
    Step step("3b. lose every chip; recovery members decrypt their shares (2 of 3 needed)");
    std::error_code ec;
    for (int i = 1; i <= a_.nodes; ++i) fs::remove(root_ / NodeId(i) / "machine.secret", ec);
    step.Done("every node's (virtual) chip is gone");
    // The new hardware for the node that will recover: a new chip is a new
    // machine secret (only a first start or this "installation" makes one;
    // recovery never does).
    const std::string recovering = RecoveringNode();
    auto chip = snp::VirtualProvider::Open({.machine_secret_path = root_ / recovering / "machine.secret"});
    if (!chip) return Fail("installing the new chip: " + chip.error().message);
    step.Done(recovering + " is on a new (virtual) chip");
    auto shares = DecryptDemoShares(binary_, root_ / "members", cluster_->data_dir(NodeId(2)), {"bob", "carol"});
    if (!shares) return Fail(shares.error().ToString());
    shares_ = std::move(*shares);
    step.Done("bob and carol each ran `ledgerseal operator decrypt-share` on n2's ledger, offline");
    return kExitOk;
  }

  std::string RecoveringNode() const { return NodeId(a_.nodes >= 2 ? 2 : 1); }

  static std::string LastLine(const std::string& text) {
    const size_t end = text.find_last_not_of('\n');
    if (end == std::string::npos) return text;
    const size_t start = text.rfind('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
  }

  int Recover() {
    recovered_ = RecoveringNode();
    const fs::path log = cluster_->node(recovered_).log_path;
    if (a_.lose_hardware) return RecoverFromSubmittedShares(log);
    Step step("4. restart " + recovered_ + " on the same (virtual) chip with --recover");
    const std::uintmax_t log_before_bytes = LogSize(log);
    const auto recovered = cluster_->StartRecovery(recovered_);
    ShowRecoveryLog(log, log_before_bytes);
    if (!recovered) return Fail(recovered.error().ToString());
    step.Done(recovered_ + " unsealed the ledger secret locally, replayed and verified the ledger, and started a new "
              "service");
    return kExitOk;
  }

  // --lose-hardware: the node tries its new chip, fails, and waits for the
  // members, who submit their shares over the network.
  int RecoverFromSubmittedShares(const fs::path& log) {
    pin_ = service_id_;
    Step step("4. restart " + recovered_ + " on its new chip with --recover (pinned to service " + service_id_ + ")");
    std::uintmax_t log_bytes = LogSize(log);
    const auto waiting = cluster_->StartRecoveryUntil(recovered_, {}, "waiting for recovery shares");
    ShowRecoveryLog(log, log_bytes);
    if (!waiting) return Fail(waiting.error().ToString());
    step.Done(recovered_ + " cannot unseal on its new chip and waits for 2 of 3 recovery members' shares");
    const std::string address = cluster_->node(recovered_).config.rpc_address;
    log_bytes = LogSize(log);
    for (size_t i = 0; i < shares_.size(); ++i) {
      const auto [code, output] =
          RunSelf(binary_, "client --node " + address + " submit-share --share " + shares_[i].string());
      if (code != 0) return Fail("submit-share " + shares_[i].string() + ": " + output);
      step.Done("`ledgerseal client submit-share` by " + shares_[i].stem().string() + ": " + LastLine(output));
    }
    const auto recovered = cluster_->AwaitReady(recovered_);
    ShowRecoveryLog(log, log_bytes);
    if (!recovered) return Fail(recovered.error().ToString());
    step.Done(recovered_ + " combined the members' shares, replayed and verified the ledger, and started a new "
              "service");
    return kExitOk;
  }

  int Verify() {
    Step step("5. verify every acknowledged transaction on the recovered service");
    auto& client = cluster_->Client(recovered_);
    for (const auto& [key, value] : acked_) {
      rpc::v1::GetRequest get;
      get.set_table(kTable);
      get.set_key(key);
      auto r = client.Get(get);
      if (!r) return Fail(key + ": " + r.error().ToString());
      if (!r->found() || r->value() != value) return Fail("acknowledged " + key + " is lost or wrong");
    }
    auto status = client.GetStatus();
    if (!status) return Fail(status.error().ToString());
    step.Done(std::to_string(acked_.size()) + "/" + std::to_string(acked_.size()) +
              " transactions verified; service " + status->service_id() + ", ledger secret " +
              std::to_string(status->ledger_secret_version()));
    return kExitOk;
  }

  DemoArgs a_;
  fs::path root_;
  fs::path binary_;
  std::vector<std::pair<std::string, fs::path>> members_;  // --lose-hardware
  std::string service_id_, pin_;
  std::vector<fs::path> shares_;
  std::unique_ptr<cluster::ProcessCluster> cluster_;
  std::map<std::string, std::string> acked_;
  uint64_t last_version_ = 0;
  std::string recovered_;
};

int RunDemo(const DemoArgs& args) {
  const DemoArgs* parsed = &args;
  std::string error;
  auto work = PrepareWorkDir(parsed->dir, error);
  if (!work) {
    std::cerr << "ledgerseal demo: " << error << "\n";
    return kExitUsage;
  }
  int rc;
  if (parsed->chaos > 0) {
    char self[4096] = {};
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
      std::cerr << "ledgerseal demo: cannot find the ledgerseal executable\n";
      return kExitFailure;
    }
    rc = RunChaos(std::string(self, static_cast<size_t>(n)), work->root, parsed->chaos, parsed->seed);
  } else {
    Demo demo(*parsed, work->root);
    rc = demo.Run();
  }  // every node process is killed here
  if (!parsed->keep && rc == kExitOk) {
    RemoveWhatTheDemoCreated(*work);
  } else {
    std::cout << "data and logs kept in " << work->root.string() << "\n";
  }
  return rc;
}

}  // namespace

void AddDemoCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* demo =
      root.add_subcommand("demo", "run a 3-node service, kill every node, recover it by local sealing");
  SetDetails(*demo, kDetails);
  demo->add_option("--nodes", args->nodes, "nodes in the service (default 3)")->type_name("N")->check(NumberIn(1, 9));
  demo->add_option("--txs", args->txs, "transactions to write (default 500)")->type_name("N")->check(NumberIn(1, 1'000'000));
  demo->add_option("--rotations", args->rotations, "ledger secret rotations (default 2)")->type_name("N")->check(NumberIn(0, 1000));
  demo->add_option("--dir", args->dir,
                   "a data directory per node under DIR/nK (default: a new temporary directory; created if "
                   "missing)")
      ->type_name("DIR")
      ->check(NotAnOption());
  demo->add_flag("--keep", args->keep, "keep the nodes' data and logs afterwards");
  CLI::Option* chaos =
      demo->add_option("--chaos", args->chaos,
                       "run N trials of a total outage under load instead, each recovered by every node "
                       "restarted together (coordinated recovery) and checked; ends with 'chaos: N trials, A acknowledged, L lost'")
          ->type_name("N")
          ->check(NumberIn(1, 1000));
  demo->add_option("--seed", args->seed, "the random moments of --chaos (default 1)")
      ->type_name("S")
      ->check(NumberIn(0, std::numeric_limits<uint64_t>::max()))
      ->needs(chaos);
  demo->add_flag("--lose-hardware", args->lose_hardware,
                 "recover from recovery members' shares on new hardware instead of local sealing");
  RunWhenParsed(*demo, selected, [args] { return RunDemo(*args); });
}

}  // namespace ledgerseal::tools
