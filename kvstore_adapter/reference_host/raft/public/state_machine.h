// The replicated state machine a RaftNode drives: the host implements it, the
// node feeds it committed commands in log order.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_STATE_MACHINE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_STATE_MACHINE_H_

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::replication {

// Implemented by the host.
//
// Thread safety: every method is called ONLY on the node's raft loop thread
// (never concurrently with another method of the same object), in commit
// order, and identically on every node of the cluster. Methods must not call
// back into the RaftNode that drives them except through its thread-safe
// public methods, and must not wait on a future returned by that node (the
// loop that would resolve it is the one waiting).
//
// Restart: after a restart raft restores its newest snapshot (if any) with
// Restore and then re-applies every committed entry after it. A state
// machine that persists its own state must therefore skip commands it has
// already applied (the reference host does this by version, see
// docs/REFERENCE_HOST.md, "Entries and versions").
class StateMachine {
 public:
  virtual ~StateMachine() = default;

  // Applies one committed command (opaque bytes; the view is valid only for
  // the duration of the call).
  //
  // Returns an outcome (opaque bytes) that is delivered to the proposer's
  // future on the proposing node (other nodes discard it), or an error that is
  // ALSO delivered to the proposer as the command's outcome. Apply must be
  // deterministic: the same command sequence must produce the same state and
  // the same outcome on every node, and a returned error must leave the state
  // exactly as a deterministic function of the sequence (e.g. "skipped").
  //
  // kIoError is different: it reports a FATAL local failure (disk failure,
  // ...). The node then applies nothing more, stops, and reports the error
  // from RaftNode::fatal_error(); it never skips the command and continues.
  virtual kv::Result<kv::Bytes> Apply(kv::ByteView command) = 0;

  // A consistent image of the state (opaque bytes) for a Raft snapshot. It
  // must reflect exactly the commands applied so far. An error only delays the
  // snapshot (raft retries after later commands).
  virtual kv::Result<kv::Bytes> Snapshot() = 0;

  // Replaces the whole state with `snapshot` (bytes produced by Snapshot on
  // some node; the view is valid only for the duration of the call). Must be
  // all-or-nothing: ANY error is treated as fatal for the node (a half
  // restored state must never apply later commands).
  virtual kv::Status Restore(kv::ByteView snapshot) = 0;
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_PUBLIC_STATE_MACHINE_H_
