// A service of real node processes on loopback (`ledgerseal node`), started,
// killed with SIGKILL and recovered: for end-to-end tests and the demo.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_PROCESS_CLUSTER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_PROCESS_CLUSTER_H_

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

namespace ledgerseal::cluster {

struct ClusterOptions {
  std::filesystem::path binary;  // the `ledgerseal` executable
  std::filesystem::path root;    // one directory per node under it (created)
  kv::RaftConfig raft;
  // Give every node the INSECURE test secret file (root/<node>.secret), so
  // recovery works without the sealing plugin.
  bool insecure_test_secret_files = false;
  // Adjusts each node's configuration before it is written (e.g. sealing).
  std::function<void(kv::NodeConfig&)> customize;
  uint32_t ready_timeout_ms = 60'000;
};

// One node process. Data stays on disk after the process is gone.
struct NodeProcess {
  std::string node_id;
  kv::NodeConfig config;
  std::filesystem::path config_path;
  std::filesystem::path log_path;
  pid_t pid = -1;  // -1: not running
  size_t start_log_offset = 0;  // where this run's lines begin in log_path
};

// A coordinated recovery (docs/REFERENCE_HOST.md, "Coordinated recovery"):
// nodes restarted together with --recover, each told the others' new RPC
// addresses as recovery_coordination.peers.
struct CoordinatedRestart {
  std::vector<std::string> nodes{};
  // node -> the peers it cannot reach (a partition): in its peers list
  // their address is replaced by one nobody listens on.
  std::map<std::string, std::vector<std::string>> unreachable{};
  // Nodes of the previous configuration that are not restarted (lost): each
  // restarted node lists an address nobody listens on for each.
  std::vector<std::string> absent{};
  uint32_t deadline_s = 60;
  uint32_t wait_for_all_s = 3;
  // node -> arguments after --recover (e.g. --open-without-majority).
  std::map<std::string, std::vector<std::string>> extra_args{};
};

// Not thread-safe: drive it from one thread (clients from Client() may be
// used from other threads).
class ProcessCluster {
 public:
  explicit ProcessCluster(ClusterOptions options);
  // Kills (SIGKILL) every process still running.
  ~ProcessCluster();

  // Starts a new service with `node_id` as genesis node, or a node joining
  // through `via` (a running node), or node `node_id` recovering from its
  // existing data directory (new ports; --recover). Returns once the node
  // logged "ready" (a joiner does once it is a Raft voter). Errors:
  // kUnavailable with the tail of the node's log when it exits or is not
  // ready in time; kIoError (fork, files).
  kv::Status StartGenesis(const std::string& node_id);
  kv::Status StartJoiner(const std::string& node_id, const std::string& via);
  // `extra_args` follow --recover (e.g. --shares FILE,FILE).
  kv::Status StartRecovery(const std::string& node_id, std::vector<std::string> extra_args = {});
  // As StartRecovery, but returns as soon as this run of the node logged a
  // line containing `until` (e.g. that it waits for recovery shares), so
  // the caller can act before it is ready; then AwaitReady. Errors: as
  // StartRecovery, for `until` instead of "ready".
  kv::Status StartRecoveryUntil(const std::string& node_id, std::vector<std::string> extra_args,
                                std::string until);
  // Waits for a node started by StartRecoveryUntil to log "ready". Errors:
  // as StartRecovery's wait.
  kv::Status AwaitReady(const std::string& node_id);
  // Starts every node of `restart` (none may be running) with new ports and
  // --recover, without waiting: then AwaitReady or AwaitExit each. Errors:
  // kInvalidArgument (a node running), kIoError (ports, fork).
  kv::Status StartCoordinatedRecovery(const CoordinatedRestart& restart);
  // Waits up to `timeout_ms` for a node to exit and returns its exit code
  // (128 + signal for a signal). Errors: kUnavailable if it still runs,
  // kInvalidArgument if it was not started.
  kv::Result<int> AwaitExit(const std::string& node_id, uint32_t timeout_ms);
  // The lines this run of the node logged so far.
  std::string RunLog(const std::string& node_id) const;
  // The nodes among `node_ids` whose current run logged that coordinated
  // recovery chose it to open the service (docs/REFERENCE_HOST.md,
  // "Coordinated recovery"): one after a coordinated restart, none before;
  // two would be a split brain.
  std::vector<std::string> CoordinatedOpeners(const std::vector<std::string>& node_ids) const;

  // SIGKILL (and reap). No-op for a node not running.
  void Kill(const std::string& node_id);
  void KillAll();
  // SIGSTOP / SIGCONT: the process stays alive but stops running, as a
  // node the host pauses. No-op for a node not running.
  void Pause(const std::string& node_id);
  void Resume(const std::string& node_id);
  // SIGTERM and wait for a clean exit. Errors: kInternal (non-zero exit).
  kv::Status Stop(const std::string& node_id);

  // Node `node_id`'s RPC client (created on first use; follows redirects).
  rpc::RpcClient& Client(const std::string& node_id);
  // The node that currently leads, as running nodes report it.
  kv::Result<std::string> LeaderId();
  // Waits until every running node applied at least `version`.
  kv::Status WaitApplied(uint64_t version, uint32_t timeout_ms = 30'000);

  const NodeProcess& node(const std::string& node_id) const { return nodes_.at(node_id); }
  std::vector<std::string> running() const;
  std::filesystem::path data_dir(const std::string& node_id) const;
  // The last `lines` lines of a node's log.
  std::string LogTail(const std::string& node_id, size_t lines = 20) const;

 private:
  kv::Status Launch(const std::string& node_id, std::optional<std::string> join_via, bool recover,
                    std::vector<std::string> extra_args = {}, std::string until = "] ready: ",
                    std::optional<kv::RecoveryCoordinationConfig> coordination = std::nullopt);
  kv::Status WaitForLog(NodeProcess& node, const std::string& needle);

  ClusterOptions options_;
  std::map<std::string, NodeProcess> nodes_;
  std::map<std::string, std::unique_ptr<rpc::RpcClient>> clients_;
  // Addresses drawn ahead for the next Launch of a node (coordinated
  // restarts tell each node the others' addresses before any starts).
  std::map<std::string, std::pair<std::string, std::string>> planned_;  // node -> (raft, rpc)
};

// A free TCP port on 127.0.0.1 (bound, then released; never the same one
// twice in a process), drawn at random below the ephemeral port range so
// that outgoing connections do not take it before the caller binds it.
// Thread-safe. Errors: kIoError.
kv::Result<uint16_t> FreeLoopbackPort();

}  // namespace ledgerseal::cluster

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_PROCESS_CLUSTER_H_
