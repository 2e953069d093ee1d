// The raft requests a node has handed to raft (apply, barrier, membership
// change, leadership transfer), each owned here until raft calls it back, and
// the mapping of their outcomes to kv::Error values.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_REQUESTS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_REQUESTS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/thread_checker.h"

namespace ledgerseal::replication {

using ApplyDone = std::move_only_function<void(kv::Result<kv::Bytes>)>;
using StatusDone = std::move_only_function<void(kv::Status)>;

// Every `done` runs exactly once: synchronously if raft refuses the request
// at once (e.g. kNotPrimary), else from raft's callback, else from FailAll.
// Thread safety: all methods on the raft instance's thread (checked in debug).
class RequestRegistry {
 public:
  // `raft` and `fsm` are not owned and must outlive the registry; `raft`
  // must be initialised (raft_init) before the first request.
  RequestRegistry(struct raft* raft, FsmAdapter* fsm);
  // Fails whatever is still outstanding with kUnavailable. Destroy only after
  // raft has closed (raft must never call back into a freed request); then it
  // may run on any thread.
  ~RequestRegistry();
  RequestRegistry(const RequestRegistry&) = delete;
  RequestRegistry& operator=(const RequestRegistry&) = delete;

  // From now on new requests fail at once with `reason`, and requests that
  // raft fails (it fails them all while closing) report `reason`.
  void SetClosing(kv::Error reason);
  bool closing() const { return closing_.has_value(); }

  // Runs with the raft index of each request that completes successfully,
  // before its `done` (lets a node publish last_applied first).
  void set_on_completed_index(std::function<void(RaftIndex)> hook) {
    on_completed_index_ = std::move(hook);
  }

  // raft_apply of a copy of `command`; `done` gets the state machine outcome.
  void Apply(kv::ByteView command, ApplyDone done);
  // raft_barrier.
  void Barrier(StatusDone done);
  // raft_add (unless already a member) then raft_assign(RAFT_VOTER).
  void AddVoter(RaftId id, std::string address, StatusDone done);
  // raft_remove.
  void Remove(RaftId id, StatusDone done);
  // raft_transfer; OK iff `id` (or raft's pick when 0) is the known leader
  // when raft reports the transfer finished.
  void Transfer(RaftId id, StatusDone done);

  // Completes every outstanding request with `error`. Call only once raft has
  // closed (afterwards raft does not call back).
  void FailAll(const kv::Error& error);
  std::size_t outstanding() const { return live_.size(); }

  // The error for raft code `raft_rv` (returned or reported) about `what`:
  // the closing reason while closing; kNotPrimary naming the known leader;
  // kAborted "may or may not have committed" for RAFT_LEADERSHIPLOST.
  kv::Error ErrorFor(int raft_rv, std::string_view what, std::string_view detail = {}) const;

 private:
  struct Request;
  struct ApplyRequest;
  struct BarrierRequest;
  struct ChangeRequest;
  struct TransferRequest;

  static void OnApplied(struct raft_apply* req, int status, void* result);
  static void OnBarrier(struct raft_barrier* req, int status);
  static void OnChanged(struct raft_change* req, int status);
  static void OnTransferred(struct raft_transfer* req);

  template <typename T>
  T* Adopt(std::unique_ptr<T> request);
  template <typename T>
  std::unique_ptr<T> Release(T* request);
  void SubmitChange(ChangeRequest* change);
  std::string LeaderText() const;
  void NotifyCompleted(RaftIndex index);
  void FailEverything(const kv::Error& error);

  struct raft* const raft_;
  FsmAdapter* const fsm_;
  ThreadChecker thread_;
  std::optional<kv::Error> closing_;
  std::function<void(RaftIndex)> on_completed_index_;
  std::unordered_map<Request*, std::unique_ptr<Request>> live_;
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_REQUESTS_H_
