// `ledgerseal node --config FILE [--recover]`: runs one node in the
// foreground until SIGINT / SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "tools/sealing_options.h"
#include "tools/command.h"
#include "tools/share_files.h"

namespace ledgerseal::tools {
namespace {

struct NodeArgs {
  std::string config_path;
  bool recover = false;
  std::vector<std::string> shares;  // --shares (with --recover)
  bool await_shares = false;        // --await-shares (with --recover)
  uint64_t shares_wait_s = 3600;    // --shares-wait-s
  bool open_without_majority = false;  // --open-without-majority (with --recover)
};

constexpr char kDetails[] =
    "Runs one node in the foreground until SIGINT or SIGTERM. The JSON config names\n"
    "the node, its addresses and data_dir (docs/CONFIG.md, docs/REFERENCE_HOST.md):\n"
    "  - without join_address, it starts a new service (genesis);\n"
    "  - with join_address, it joins the service of the node at that address;\n"
    "  - with --recover, it recovers the service from data_dir/ledger: recovery\n"
    "    hooks produce the ledger secret, every entry is verified and replayed,\n"
    "    and the node starts a new service others can join;\n"
    "  - with --recover --shares, the secret comes from recovery members' share\n"
    "    files (the hardware is gone; docs/RECOVERY_SHARES.md): needs\n"
    "    expected_previous_service_identity in the config;\n"
    "  - with --recover --await-shares, the node answers on its rpc_address and\n"
    "    waits for members to submit their shares (ledgerseal client --node ADDR\n"
    "    submit-share --share FILE; progress in client status) until enough are\n"
    "    valid or --shares-wait-s passes. With sealing.on_failure\n"
    "    \"fallback_recovery_shares\", a --recover whose local unsealing fails waits\n"
    "    the same way; with \"fail\" it never does.\n"
    "  - with --recover and recovery_coordination.peers in the config, the nodes\n"
    "    restarted together exchange signed claims of what their ledgers hold and\n"
    "    vote; only the node with the longest ledger opens, with votes from a\n"
    "    majority of the previous configuration, and the others join it\n"
    "    (docs/REFERENCE_HOST.md, \"Coordinated recovery\"). Without a majority by\n"
    "    recovery_coordination.deadline_s nothing opens; --open-without-majority is\n"
    "    the operator's override (it still refuses if a peer holds a longer ledger).\n"
    "A node cannot restart as itself: its keys live in memory only. The data_dir\n"
    "of a stopped node is for --recover; a fresh node needs an empty data_dir.\n"
    "A first start that fails before the node serves (e.g. its rpc or raft port is\n"
    "in use, or the join address does not answer) removes what it created in\n"
    "data_dir and nothing else, so the same command can simply be run again.\n";

// Blocks SIGINT/SIGTERM in every thread and waits for them on one, so the
// node's own threads are never interrupted and shutdown is orderly.
class StopOnSignal {
 public:
  StopOnSignal() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    waiter_ = std::thread([this] {
      int sig = 0;
      sigwait(&set_, &sig);
      stop_.store(true);
    });
    waiter_.detach();  // sigwait cannot be interrupted portably; the process exits
  }
  const std::atomic<bool>* flag() const { return &stop_; }

 private:
  sigset_t set_;
  std::atomic<bool> stop_{false};
  std::thread waiter_;
};

// Loads the sealing plugin as configured: with local sealing, this node's
// sealed recovery key and both hooks; without, the sealing hook only (as
// primary it keeps sealing for the other nodes).
//
// The node's store key stays random and in memory (RunNode's default), not
// the plugin's platform-derived DeriveStoreKey: a node never restarts as
// itself, so nothing needs to reopen its store in another process, and a
// key no other process can derive means a host cannot swap in a store that
// another run of the same node id on this machine wrote (it would not open:
// wrong_key).
kv::Status LoadSealingPlugin(kv::node::NodeProcessOptions& options,
                             std::unique_ptr<sealing::LocalSealing>& plugin) {
  auto loaded = LoadLocalSealing(options.config, *options.hooks,
                                 /*first_start=*/options.mode == kv::node::StartMode::kStart);
  if (!loaded) return std::unexpected(loaded.error());
  plugin = std::move(*loaded);
  if (!plugin) return {};  // local sealing off: the sealing-only hook is registered
  // Sealed for the service the node is about to serve, once it knows it
  // (genesis, join, recovery): the binding the recovery hook trusts.
  options.join_payload_for = [p = plugin.get()](const kv::ServiceIdentity& identity) {
    return p->NewJoinPayload(identity);
  };
  return {};
}

int RunNode(const NodeArgs& args) {
  const NodeArgs* parsed = &args;
  auto config = kv::LoadNodeConfig(parsed->config_path);
  if (!config) {
    std::cerr << "ledgerseal node: " << config.error().ToString() << "\n";
    return kExitUsage;
  }
  static StopOnSignal stop;  // lives until exit: its thread may still wait
  kv::HookRegistry hooks;
  kv::node::NodeProcessOptions options{
      .config = std::move(*config),
      .mode = parsed->recover ? kv::node::StartMode::kRecover : kv::node::StartMode::kStart,
      .hooks = &hooks,
      .log = nullptr,
      .stop = stop.flag(),
      .open_without_majority = parsed->open_without_majority,
  };
  if (!parsed->shares.empty()) {
    if (auto s = RegisterShareFiles("node", parsed->shares, hooks); !s) {
      std::cerr << "ledgerseal node: " << s.error().ToString() << "\n";
      return kExitUsage;
    }
  }
  // Shares submitted over the network: first when asked for (the hardware
  // is gone), or after local unsealing when it may fall back to them.
  const bool fallback = parsed->recover && parsed->shares.empty() && options.config.sealing.enable_local_sealing &&
                        options.config.sealing.on_failure == kv::SealingFailurePolicy::kFallbackRecoveryShares;
  auto await_shares = [&]() -> bool {
    if (auto s = RegisterAwaitedShares("node", parsed->shares_wait_s, stop.flag(), hooks, options.recovery_input);
        !s) {
      std::cerr << "ledgerseal node: " << s.error().ToString() << "\n";
      return false;
    }
    return true;
  };
  if (parsed->await_shares && !await_shares()) return kExitFailure;
  std::unique_ptr<sealing::LocalSealing> plugin;
  if (auto loaded = LoadSealingPlugin(options, plugin); !loaded) {
    std::cerr << "[node " << options.config.node_id << "] local sealing: " << loaded.error().ToString()
              << "\n";
    return kExitFailure;
  }
  if (fallback && !parsed->await_shares && !await_shares()) return kExitFailure;
  auto ran = kv::node::RunNode(options);
  if (!ran) {
    std::cerr << "[node " << options.config.node_id << "] failed: " << ran.error().ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddNodeCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<NodeArgs>();
  CLI::App* node = root.add_subcommand("node", "run one node of a service");
  SetDetails(*node, kDetails);
  AddConfigOption(*node, args->config_path);
  CLI::Option* recover =
      node->add_flag("--recover", args->recover, "recover the service from data_dir/ledger (a new service)");
  CLI::Option* shares = AddSharesOption(*node, args->shares)->needs(recover);
  node->add_flag("--await-shares", args->await_shares,
                 "wait for recovery members to submit their shares (ledgerseal client submit-share) instead of "
                 "unsealing locally")
      ->needs(recover)
      ->excludes(shares);
  node->add_option("--shares-wait-s", args->shares_wait_s,
                   "how long a recovery waits for submitted shares once it has read the record (default 3600)")
      ->type_name("SECONDS")
      ->check(NumberIn(1, 7 * 24 * 3600))
      ->needs(recover);
  node->add_flag("--open-without-majority", args->open_without_majority,
                 "coordinated recovery: open even without votes from a majority of the previous configuration "
                 "(after its deadline passed: the other nodes are lost); still refused if a peer that answers "
                 "holds a longer ledger")
      ->needs(recover);
  RunWhenParsed(*node, selected, [args] { return RunNode(*args); });
}

}  // namespace ledgerseal::tools
