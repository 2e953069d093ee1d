#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"

#include "kvstore_adapter/reference_host/raft/command_frame.h"

#include "base/check.h"
#include <cstdint>
#include <string>

namespace ledgerseal::replication {
namespace {

FsmAdapter* Self(struct raft_fsm* fsm) { return static_cast<FsmAdapter*>(fsm->data); }

kv::ByteView View(const struct raft_buffer& buf) {
  return {static_cast<const uint8_t*>(buf.base), buf.len};
}

}  // namespace

FsmAdapter::FsmAdapter(StateMachine* state_machine) : state_machine_(state_machine) {
  LEDGERSEAL_CHECK(state_machine_ != nullptr);
  fsm_.version = 2;
  fsm_.data = this;
  fsm_.apply = &FsmAdapter::ApplyThunk;
  fsm_.snapshot = &FsmAdapter::SnapshotThunk;
  fsm_.restore = &FsmAdapter::RestoreThunk;
  fsm_.snapshot_finalize = &FsmAdapter::SnapshotFinalizeThunk;
  fsm_.snapshot_async = nullptr;  // version 2: synchronous snapshots
}

// Destroyed only after raft is closed: raft reads no snapshot buffer any more.
FsmAdapter::~FsmAdapter() = default;

int FsmAdapter::ApplyThunk(struct raft_fsm* fsm, const struct raft_buffer* buf, void** result) {
  return Self(fsm)->Apply(*buf, result);
}
int FsmAdapter::SnapshotThunk(struct raft_fsm* fsm, struct raft_buffer* bufs[], unsigned* n_bufs) {
  return Self(fsm)->Snapshot(bufs, n_bufs);
}
int FsmAdapter::SnapshotFinalizeThunk(struct raft_fsm* fsm, struct raft_buffer* bufs[],
                                      unsigned* n_bufs) {
  return Self(fsm)->SnapshotFinalize(bufs, n_bufs);
}
int FsmAdapter::RestoreThunk(struct raft_fsm* fsm, struct raft_buffer* buf) {
  return Self(fsm)->Restore(buf);
}

int FsmAdapter::Apply(const struct raft_buffer& buf, void** result) {
  thread_.Check();
  if (fatal_) return RAFT_IOERR;  // latched: never skip a command and go on
  kv::Result<kv::ByteView> command = DecodeCommandFrame(View(buf));
  if (!command) {
    // The same bytes on every node: skipping would be deterministic, but a
    // log this node cannot read means a bug or an incompatible writer.
    Latch(command.error());
    return RAFT_CORRUPT;
  }
  kv::Result<kv::Bytes> outcome = state_machine_->Apply(*command);
  if (!outcome && outcome.error().code == kv::ErrorCode::kIoError) {
    Latch(outcome.error());
    return RAFT_IOERR;
  }
  ++applied_commands_;
  ++outcome_token_;
  outcome_ = std::move(outcome);
  *result = reinterpret_cast<void*>(static_cast<uintptr_t>(outcome_token_));
  return 0;
}

kv::Result<kv::Bytes> FsmAdapter::TakeOutcome(void* result) {
  thread_.Check();
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(result));
  if (token == 0 || token != outcome_token_ || !outcome_) {
    return kv::MakeError(kv::ErrorCode::kInternal,
                         "the state machine outcome of an applied command was not available "
                         "to its proposer (token " + std::to_string(token) + ", newest " +
                             std::to_string(outcome_token_) + ")");
  }
  kv::Result<kv::Bytes> outcome = std::move(*outcome_);
  outcome_.reset();
  return outcome;
}

int FsmAdapter::Snapshot(struct raft_buffer* bufs[], unsigned* n_bufs) {
  thread_.Check();
  if (fatal_) return RAFT_IOERR;
  kv::Result<kv::Bytes> image = state_machine_->Snapshot();
  if (!image) {
    // Not fatal: raft drops this attempt and retries after later entries.
    return image.error().code == kv::ErrorCode::kUnavailable ? RAFT_BUSY : RAFT_IOERR;
  }
  InFlightSnapshot& s = snapshots_.emplace_back();
  s.bytes = std::move(*image);
  s.buf.base = s.bytes.data();
  s.buf.len = s.bytes.size();
  *bufs = &s.buf;  // version 2 + finalize: raft does not free these
  *n_bufs = 1;
  ++snapshots_taken_;
  return 0;
}

int FsmAdapter::SnapshotFinalize(struct raft_buffer* bufs[], unsigned* n_bufs) {
  thread_.Check();
  for (auto it = snapshots_.begin(); it != snapshots_.end(); ++it) {
    if (&it->buf == *bufs) {
      snapshots_.erase(it);
      *bufs = nullptr;
      *n_bufs = 0;
      return 0;
    }
  }
  LEDGERSEAL_CHECK(false && "snapshot_finalize for a snapshot this adapter did not take");
  return RAFT_INVALID;
}

int FsmAdapter::Restore(struct raft_buffer* buf) {
  thread_.Check();
  if (fatal_) return RAFT_IOERR;
  kv::Status restored = state_machine_->Restore(View(*buf));
  if (!restored) {
    // raft frees the buffer when restore fails.
    Latch(kv::Error{restored.error().code,
                    "restoring a raft snapshot: " + restored.error().message});
    return RAFT_IOERR;
  }
  ++restores_;
  outcome_.reset();
  raft_free(buf->base);  // on success the buffer is ours (raft 0.15 contract)
  buf->base = nullptr;
  buf->len = 0;
  return 0;
}

void FsmAdapter::Latch(kv::Error error) {
  LEDGERSEAL_CHECK(!fatal_);
  fatal_ = std::move(error);
  if (on_fatal_) on_fatal_(*fatal_);
}

}  // namespace ledgerseal::replication
