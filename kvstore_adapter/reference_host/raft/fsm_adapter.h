// Turns a StateMachine into canonical raft's `struct raft_fsm` (version 2:
// synchronous snapshots, with snapshot_finalize). Used by RaftNode and, in
// tests, by raft_fixture clusters: both exercise this same code.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_FSM_ADAPTER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_FSM_ADAPTER_H_

#include <cstdint>
#include <functional>
#include <list>
#include <optional>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/public/state_machine.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/thread_checker.h"

namespace ledgerseal::replication {

// How the adapter answers raft:
// - Entries carry commands in a command frame (command_frame.h); a malformed
//   frame is fatal (kCorruption).
// - Apply: the state machine's outcome (bytes OR a deterministic error) is
//   kept in a one-slot mailbox and raft gets 0 plus a token naming the slot;
//   the proposer's raft_apply callback, which raft 0.15 runs synchronously
//   right after fsm->apply, claims it with TakeOutcome. Unclaimed outcomes
//   (other nodes, or proposers that gave up) are simply overwritten.
// - A fatal error (Apply -> kIoError, any Restore error, a malformed frame)
//   latches the adapter: raft gets an error (so it does not advance
//   last_applied), every later apply/restore is refused without calling the
//   state machine, and `on_fatal` runs once.
// Thread safety: all methods on one thread (raft's loop), checked in debug.
class FsmAdapter {
 public:
  using FatalHook = std::function<void(const kv::Error&)>;

  // `state_machine` is not owned and must outlive the adapter. Destroy the
  // adapter only after the raft instance using it is closed.
  explicit FsmAdapter(StateMachine* state_machine);
  ~FsmAdapter();
  FsmAdapter(const FsmAdapter&) = delete;
  FsmAdapter& operator=(const FsmAdapter&) = delete;

  // The struct to pass to raft_init / raft_fixture_grow. Stable address; valid
  // for the adapter's lifetime.
  struct raft_fsm* fsm() { return &fsm_; }

  // Called once, on the first fatal error. Set before raft starts.
  void set_on_fatal(FatalHook hook) { on_fatal_ = std::move(hook); }

  // Claims the outcome of the command whose raft_apply callback received
  // `result`. kInternal if the outcome is gone (a newer apply overwrote it),
  // which would mean raft deferred the callback: a bug to report, not a
  // state divergence.
  kv::Result<kv::Bytes> TakeOutcome(void* result);

  // The fatal error, once latched.
  const std::optional<kv::Error>& fatal_error() const { return fatal_; }

  uint64_t applied_commands() const { return applied_commands_; }
  uint64_t snapshots_taken() const { return snapshots_taken_; }
  uint64_t restores() const { return restores_; }

 private:
  static int ApplyThunk(struct raft_fsm* fsm, const struct raft_buffer* buf, void** result);
  static int SnapshotThunk(struct raft_fsm* fsm, struct raft_buffer* bufs[], unsigned* n_bufs);
  static int SnapshotFinalizeThunk(struct raft_fsm* fsm, struct raft_buffer* bufs[],
                                   unsigned* n_bufs);
  static int RestoreThunk(struct raft_fsm* fsm, struct raft_buffer* buf);

  int Apply(const struct raft_buffer& buf, void** result);
  int Snapshot(struct raft_buffer* bufs[], unsigned* n_bufs);
  int SnapshotFinalize(struct raft_buffer* bufs[], unsigned* n_bufs);
  int Restore(struct raft_buffer* buf);
  void Latch(kv::Error error);

  // A snapshot image raft is writing; freed by snapshot_finalize.
  struct InFlightSnapshot {
    kv::Bytes bytes;
    struct raft_buffer buf;
  };

  StateMachine* const state_machine_;
  struct raft_fsm fsm_ {};
  ThreadChecker thread_;
  FatalHook on_fatal_;
  std::optional<kv::Error> fatal_;

  // One-slot outcome mailbox; tokens count up from 1 (0 would be a null
  // result pointer).
  uint64_t outcome_token_ = 0;
  std::optional<kv::Result<kv::Bytes>> outcome_;

  std::list<InFlightSnapshot> snapshots_;  // at most one in practice
  uint64_t applied_commands_ = 0;
  uint64_t snapshots_taken_ = 0;
  uint64_t restores_ = 0;
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_FSM_ADAPTER_H_
