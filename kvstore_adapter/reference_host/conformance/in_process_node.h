// TEST ONLY, private to this package: one real reference-host node run
// in-process — RunNode (node/public/node_process.h) on a thread of its own,
// with its own stop flag, hook registry and log — for the conformance
// factory (reference_host_factory.h).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_IN_PROCESS_NODE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_IN_PROCESS_NODE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

namespace ledgerseal::kv::conformance {

// How long a node may take from RunNode's start to serving as the leader of
// its service: an RSA-3072 key pair, RocksDB, Raft's election, the genesis
// or recovery commit (and, for a recovery, the replay of a small ledger).
inline constexpr std::chrono::milliseconds kReadyTimeoutMs{60'000};
// How often readiness is asked (status RPC), and how long one ask may take.
inline constexpr std::chrono::milliseconds kReadyPollMs{20};
inline constexpr int kStatusRpcTimeoutMs = 1'000;
// RunNode notices its stop flag within ~50 ms plus one RPC or Raft step in
// flight (node.h); a node that has not returned after this is a host bug.
inline constexpr std::chrono::milliseconds kStopTimeoutMs{30'000};
// One RPC to a node, redirects included: above the node's own longest
// budget inside a request (a Raft configuration change, 60 s in
// node_service.cc), so the node answers before the client gives up.
inline constexpr int kRpcTimeoutMs = 75'000;
// The node's last log lines kept for error messages.
inline constexpr size_t kLogTailLines = 40;

// One node: RunNode on its own thread until Stop. Every public method may be
// called from any thread except where noted; the thread is always joined
// (by Stop, by a failed Start, or by the destructor).
class InProcessNode {
 public:
  // Runs RunNode({config, mode, hooks, join_payload, no store_key: a random
  // key in memory}) on a new thread and waits until the node answers the
  // status RPC in a service (a node starts its RPC server only once its
  // genesis, join or recovery completed; a joiner once it is a Raft voter)
  // and, unless it joined (config.join_address), leads it. Bounded by
  // kReadyTimeoutMs. On failure the node is stopped and its thread joined
  // before returning: RunNode's own error when it returned one (e.g. a
  // refused recovery), else kUnavailable naming the timeout; both end with
  // the node's last log lines.
  static Result<std::unique_ptr<InProcessNode>> Start(NodeConfig config, node::StartMode mode,
                                                      std::unique_ptr<HookRegistry> hooks,
                                                      Bytes join_payload);

  // Stop() (its status is dropped: call Stop first to see it).
  ~InProcessNode();
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;

  // Sets the stop flag and returns at once (Stop joins): several nodes stop
  // together, as in a total outage.
  void RequestStop() { stop_.store(true); }

  // Sets the stop flag and joins the thread (RunNode shuts the node down in
  // order: RPC, service, Raft; the store syncs every write, so nothing is
  // left unflushed either way). Returns RunNode's status. Idempotent; not
  // concurrently with itself. Aborts (LEDGERSEAL_CHECK) if RunNode has not
  // returned within kStopTimeoutMs, rather than leak a thread that uses
  // this object.
  Status Stop();

  const NodeConfig& config() const { return options_.config; }
  // The node's status as it answered when it became ready.
  const rpc::v1::StatusResponse& ready_status() const { return ready_status_; }
  // An RPC client to the node (follows leader redirects; a request may take
  // up to kRpcTimeoutMs); thread-safe.
  rpc::RpcClient& client() { return client_; }
  // The last kLogTailLines lines the node logged, one per line.
  std::string LogTail() const;

 private:
  InProcessNode(NodeConfig config, node::StartMode mode, std::unique_ptr<HookRegistry> hooks,
                Bytes join_payload);
  void Log(std::string_view line);
  // Waits as Start documents; the thread is still running on success.
  Status WaitReady();
  // Waits up to `timeout` for RunNode to return; true once it has.
  bool WaitFinished(std::chrono::milliseconds timeout);

  std::unique_ptr<HookRegistry> hooks_;
  std::atomic<bool> stop_{false};
  node::NodeProcessOptions options_;  // its config; refers to hooks_ and stop_
  rpc::RpcClient client_;
  rpc::v1::StatusResponse ready_status_;

  mutable std::mutex mu_;
  std::condition_variable finished_cv_;
  bool finished_ = false;                // guarded by mu_
  std::optional<Status> run_status_;     // guarded by mu_; set when finished_
  std::deque<std::string> log_tail_;     // guarded by mu_
  std::thread thread_;
};

}  // namespace ledgerseal::kv::conformance

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_IN_PROCESS_NODE_H_
