// `ledgerseal node --config FILE [--recover]`: runs one node in the
// foreground until SIGINT / SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <filesystem>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "tools/sealing_options.h"
#include "tools/arguments.h"
#include "tools/command.h"
#include "tools/entry_points.h"
#include "tools/share_files.h"

namespace ledgerseal::tools {
namespace {

struct NodeArgs {
  std::string config_path;
  bool recover = false;
  std::vector<std::filesystem::path> shares;  // --shares (with --recover)
};

std::optional<NodeArgs> ParseNodeArgs(std::span<const std::string_view> args) {
  NodeArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      auto v = OptionValue("node", args, i);
      if (!v) return std::nullopt;
      out.config_path = std::string(*v);
    } else if (args[i] == "--recover") {
      out.recover = true;
    } else if (args[i] == "--shares") {
      auto v = OptionValue("node", args, i);
      if (!v) return std::nullopt;
      auto files = ShareFileList("node", *v);
      if (!files) return std::nullopt;
      out.shares = std::move(*files);
    } else {
      UnexpectedArgument("node", args[i]);
      return std::nullopt;
    }
  }
  if (out.config_path.empty()) {
    std::cerr << "ledgerseal node: --config FILE is required\n";
    return std::nullopt;
  }
  if (!out.shares.empty() && !out.recover) {
    std::cerr << "ledgerseal node: --shares recovers a service: it needs --recover\n";
    return std::nullopt;
  }
  return out;
}

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

}  // namespace

int RunNodeCommand(std::span<const std::string_view> args) {
  auto parsed = ParseNodeArgs(args);
  if (!parsed) return kExitUsage;
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
  };
  if (!parsed->shares.empty()) {
    if (auto s = RegisterShareFiles("node", parsed->shares, hooks); !s) {
      std::cerr << "ledgerseal node: " << s.error().ToString() << "\n";
      return kExitUsage;
    }
  }
  std::unique_ptr<sealing::LocalSealing> plugin;
  if (auto loaded = LoadSealingPlugin(options, plugin); !loaded) {
    std::cerr << "[node " << options.config.node_id << "] local sealing: " << loaded.error().ToString()
              << "\n";
    return kExitFailure;
  }
  auto ran = kv::node::RunNode(options);
  if (!ran) {
    std::cerr << "[node " << options.config.node_id << "] failed: " << ran.error().ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace ledgerseal::tools
