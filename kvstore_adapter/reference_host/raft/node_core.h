// The loop-thread half of a RaftNode: owns the raft instance, its libuv I/O
// and TCP transport, the FSM adapter and the outstanding requests; publishes
// a NodeView; issues the leader's read barrier; runs the shutdown sequence.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_CORE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_CORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"
#include "kvstore_adapter/reference_host/raft/loop_thread.h"
#include "kvstore_adapter/reference_host/raft/node_view.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/requests.h"

namespace ledgerseal::replication {

// Every method except the constructor and destructor runs on the loop thread
// (asserted). Destroy only after the loop thread has ended.
class NodeCore {
 public:
  // Longest wait, at shutdown, for this node's log appends to reach the disk.
  static constexpr uint64_t kDrainTimeoutMs = 3000;

  // `options` is copied; `state_machine` (driven through the FSM adapter)
  // and `view` are not owned and must
  // outlive the core. `log` must be callable from the loop thread.
  NodeCore(const RaftNodeOptions& options, StateMachine* state_machine, NodeView* view,
           LogSink log);
  ~NodeCore();
  NodeCore(const NodeCore&) = delete;
  NodeCore& operator=(const NodeCore&) = delete;

  // Creates the data directory, initialises raft_uv + TCP transport + raft,
  // bootstraps if asked and pristine, starts raft. On error the core has
  // already begun shutting down (the loop will drain and end).
  kv::Status Init(LoopThread* loop);

  // Request handlers; once shutting down they fail with the shutdown reason.
  void Propose(const kv::Bytes& command, ApplyDone done);
  void Barrier(StatusDone done);
  void AddVoter(RaftId id, std::string address, StatusDone done);
  void Remove(RaftId id, StatusDone done);
  void Transfer(RaftId id, StatusDone done);

  // Starts the shutdown sequence (idempotent): requests fail with `reason`
  // from now on and the task queue closes; once this node's log appends are
  // on disk (at most kDrainTimeoutMs), the check handle closes and raft_close
  // runs. Raft's close callback fails what raft left outstanding.
  void BeginShutdown(kv::Error reason);

  // After uv_run returned: releases raft_uv / transport memory.
  void OnLoopExit();

 private:
  kv::Status InitRaft();
  kv::Status Bootstrap();
  kv::Status StartWatching();
  static void OnCheck(uv_check_t* handle);
  static void OnRaftClosed(struct raft* raft);
  void MaybeCloseRaft();
  void CloseCheck();
  void OnFatal(const kv::Error& error);
  void PublishView();
  void PublishLeader(RaftId leader_id, const char* leader_address);
  void PublishVoters();
  void MaybeIssueLeaderBarrier();
  void OnLeaderBarrier(RaftTerm term, const kv::Status& status);
  void Log(const std::string& line) const;

  const RaftNodeOptions options_;
  NodeView* const view_;
  const LogSink log_;
  LoopThread* loop_ = nullptr;

  struct raft_uv_transport transport_ {};
  struct raft_io io_ {};
  struct raft raft_ {};
  FsmAdapter fsm_;
  RequestRegistry requests_;
  uv_check_t check_{};

  bool transport_initialized_ = false;
  bool io_initialized_ = false;
  bool raft_initialized_ = false;
  bool check_active_ = false;
  bool shutting_down_ = false;
  bool raft_closing_ = false;
  uint64_t drain_deadline_ms_ = 0;  // uv_now() limit for the shutdown drain
  std::optional<kv::Error> shutdown_reason_;  // set by BeginShutdown

  // Leader read barrier: issued once per term in which this node leads.
  RaftTerm barrier_term_ = 0;  // term of the barrier in flight, 0 if none
  RaftTerm ready_term_ = 0;    // term whose barrier was applied
  uint64_t next_barrier_attempt_ms_ = 0;  // uv_now() after a failed barrier

  // Last published state, for logging transitions.
  int published_state_ = RAFT_UNAVAILABLE;
  RaftId published_leader_ = 0;
  std::vector<RaftId> published_voters_;  // ascending; as in view_->voters
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_CORE_H_
