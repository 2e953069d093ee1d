// A Raft node on canonical raft 0.15 with its libuv TCP transport, driving a
// StateMachine. One node per process is the normal deployment; several nodes
// in one process (tests) are independent.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_RAFT_NODE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_RAFT_NODE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/public/state_machine.h"

namespace ledgerseal::replication {

// Same types as raft's raft_id / raft_index / raft_term (checked in the
// implementation), without making every user include raft.h.
using RaftId = unsigned long long;     // server id; 0 is never a valid id
using RaftIndex = unsigned long long;  // index of a raft log entry
using RaftTerm = unsigned long long;

// A cluster member: raft id and "IPv4:port" address of its raft transport.
struct Member {
  RaftId id = 0;
  std::string address;
  friend bool operator==(const Member&, const Member&) = default;
};

// The leader as this node currently knows it.
using LeaderInfo = Member;

// Receives one log line (no trailing newline). Never receives command,
// outcome or snapshot payloads. Called on any of the node's threads.
using LogSink = std::function<void(std::string_view line)>;

struct RaftNodeOptions {
  RaftId id = 0;              // > 0, unique in the cluster
  std::string address;        // "127.0.0.1:PORT": the node listens here
  std::filesystem::path dir;  // raft's data directory; created if missing
  // Initial voters. Bootstraps a new cluster if `dir` is pristine; ignored
  // (with a log line) if it was already bootstrapped. Must contain `id` with
  // `address`. Leave empty for a node that will be added with AddVoter.
  std::optional<std::vector<Member>> bootstrap;
  uint32_t election_timeout_ms = 1000;  // > heartbeat_timeout_ms
  uint32_t heartbeat_timeout_ms = 100;  // > 0
  uint32_t snapshot_threshold = 1024;   // entries applied before a snapshot; > 0
  uint32_t snapshot_trailing = 128;     // entries kept in the log after one
  uint32_t connect_retry_delay_ms = 1000;  // between TCP reconnect attempts
  // Empty: lines go to stderr prefixed "[raft n<ID>] ".
  LogSink log;
};

class RaftNode {
 public:
  // Starts a node: creates `options.dir`, initialises raft's libuv I/O and
  // TCP transport, bootstraps if asked and the directory is pristine, loads
  // the log (restoring the newest snapshot into `state_machine`), and starts
  // the loop thread. Returns once the loop thread runs raft, or the error.
  //
  // `state_machine` is not owned; it must outlive the returned node (or at
  // least its Stop()). It is only ever called on the loop thread.
  // Errors: kInvalidArgument (bad options), kIoError (directory, listen
  // address in use, ...), kCorruption (unreadable raft data), and errors from
  // StateMachine::Restore.
  // Thread safety: may be called from any thread.
  static kv::Result<std::unique_ptr<RaftNode>> Start(const RaftNodeOptions& options,
                                                     StateMachine* state_machine);

  // Stops the node (see Stop). Must not run on the loop thread.
  ~RaftNode();

  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  // Proposes `command` (copied into raft's log; opaque to the node, never
  // logged). The future resolves on this node:
  // - with the state machine's outcome (bytes or its deterministic error)
  //   once the command is applied here;
  // - kNotPrimary: this node is not the leader; the message names the leader
  //   ("leader: id=<id> address=<addr>") when known, or says it is unknown;
  // - kAborted: leadership was lost before the command was applied here; it
  //   MAY OR MAY NOT have committed (the state machine deduplicates);
  // - kUnavailable: the node is stopping or stopped (may or may not have
  //   committed if it was already submitted);
  // - kIoError: a local disk write failed or the state machine failed fatally
  //   (may or may not have committed).
  // Thread safety: any thread. Never blocks on raft.
  std::future<kv::Result<kv::Bytes>> Propose(kv::Bytes command);

  // Appends a barrier; resolves OK once every entry before it is applied on
  // this node. Errors as Propose. Thread safety: any thread.
  std::future<kv::Status> Barrier();

  // Adds server `id` at `address` as a voter: raft_add (as a spare), then
  // raft_assign(VOTER), which first catches the server up (it should be
  // running, started without bootstrap). Idempotent: an existing spare or
  // standby with the same address is promoted; an existing voter with the
  // same address is OK. Errors: kNotPrimary, kInvalidArgument (id taken by
  // another address, ...), kUnavailable (another change in progress, node
  // stopping), kAborted (leadership lost). Thread safety: any thread.
  std::future<kv::Status> AddVoter(RaftId id, std::string address);

  // Removes server `id` from the configuration (a leader removing itself
  // steps down once the change commits). Errors as AddVoter. Any thread.
  std::future<kv::Status> Remove(RaftId id);

  // Asks the leader (this node) to hand leadership to voter `id` (0: raft
  // picks an up-to-date voter). OK once `id` is known to lead; kAborted if
  // the transfer did not complete within an election timeout. Any thread.
  std::future<kv::Status> TransferLeadership(RaftId id);

  // Cached views, refreshed by the loop thread after every loop iteration;
  // they may lag raft by one iteration. last_applied() is also raised before
  // a Propose/Barrier future resolves, so it covers that request.
  // Thread safety: any thread; never block on the loop.
  std::optional<LeaderInfo> Leader() const;  // nullopt: no known leader
  // The voters (ascending ids) of the latest configuration this node knows.
  // A joiner appears once its catch-up finished and it was promoted.
  std::vector<RaftId> Voters() const;
  bool IsLeader() const;
  // True once this node is leader AND a barrier issued in its current term
  // has been applied here, i.e. it has applied every entry committed before
  // its term. The node issues that barrier by itself on becoming leader.
  // Not a lease: a deposed leader reports false only after it notices.
  bool ready_for_reads() const;
  RaftTerm term() const;
  RaftIndex last_applied() const;  // raft index (commands, barriers, changes)
  RaftId id() const;
  const std::string& address() const;

  // Set once the node stopped itself because the state machine failed
  // fatally (Apply returned kIoError, or Restore failed). Any thread.
  std::optional<kv::Error> fatal_error() const;

  // Stops the node: raft_close, raft_uv_close, closes every libuv handle,
  // runs the loop until it drains, joins the loop thread. Every pending
  // future resolves (kUnavailable, or kIoError after a fatal error); later
  // calls resolve kUnavailable at once. Idempotent.
  // Precondition: not called on the loop thread (i.e. not from inside a
  // StateMachine method). Thread safety: any other thread.
  void Stop();

 private:
  class Impl;
  explicit RaftNode(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_RAFT_NODE_H_
