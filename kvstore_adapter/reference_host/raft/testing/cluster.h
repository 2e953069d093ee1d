// Test helper: RaftNodes over real TCP on 127.0.0.1 in one process, each with
// a RecordingStateMachine and a data dir under a root directory.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_CLUSTER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_CLUSTER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/raft/testing/recording_state_machine.h"

namespace ledgerseal::replication::testing {

using namespace std::chrono_literals;

// A free TCP port on 127.0.0.1 (bound to port 0, then released).
uint16_t FreePort();

// Polls `done` every 5 ms until it holds or `timeout` passes (for cached
// node state, which has no event to wait on). Returns the final value.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// Waits up to `timeout` for `f`; nullopt if it did not resolve.
template <typename T>
std::optional<T> Await(std::future<T>& f, std::chrono::milliseconds timeout = 10s) {
  if (f.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return f.get();
}

struct ClusterTiming {
  uint32_t election_timeout_ms = 300;
  uint32_t heartbeat_timeout_ms = 50;
  uint32_t snapshot_threshold = 1024;
  uint32_t snapshot_trailing = 128;
  uint32_t connect_retry_delay_ms = 100;
};

class TcpCluster {
 public:
  TcpCluster(std::filesystem::path root, ClusterTiming timing = {});
  ~TcpCluster();  // stops every node

  // Starts nodes 1..n, bootstrapped as the cluster's voters.
  kv::Status StartBootstrapped(int n);
  // Starts node `id` on a new port without bootstrap (to be added later).
  kv::Status StartJoiner(RaftId id);
  // Restarts a stopped node on its own port and dir with a fresh state
  // machine (raft replays its snapshot and log into it).
  kv::Status Restart(RaftId id);
  void Stop(RaftId id);

  RaftNode* node(RaftId id);  // nullptr if not running
  RecordingStateMachine& sm(RaftId id);
  const std::string& address(RaftId id) { return members_.at(id).address; }

  // Waits until some running node other than `excluding` is leader and ready
  // for reads; returns its id, or 0 on timeout.
  RaftId WaitForLeader(std::chrono::milliseconds timeout, RaftId excluding = 0);

 private:
  kv::Status StartNode(RaftId id, bool bootstrap);

  std::filesystem::path root_;
  ClusterTiming timing_;
  std::map<RaftId, Member> members_;
  std::vector<Member> voters_;
  std::map<RaftId, std::unique_ptr<RecordingStateMachine>> sms_;
  std::map<RaftId, std::unique_ptr<RaftNode>> nodes_;
};

}  // namespace ledgerseal::replication::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_CLUSTER_H_
