#include "kvstore_adapter/reference_host/raft/requests.h"

#include "base/check.h"
#include <utility>
#include <vector>

#include "kvstore_adapter/reference_host/raft/command_frame.h"
#include "kvstore_adapter/reference_host/raft/raft_errors.h"

namespace ledgerseal::replication {
namespace {

const struct raft_server* FindServer(const struct raft* r, RaftId id) {
  for (unsigned i = 0; i < r->configuration.n; ++i) {
    if (r->configuration.servers[i].id == id) return &r->configuration.servers[i];
  }
  return nullptr;
}

}  // namespace

// Every request starts with a pointer back to its registry; `Fail` completes
// it with an error (FailAll).
struct RequestRegistry::Request {
  explicit Request(RequestRegistry* r) : registry(r) {}
  virtual ~Request() = default;
  virtual void Fail(kv::Error error) = 0;
  RequestRegistry* const registry;
};

struct RequestRegistry::ApplyRequest final : Request {
  ApplyRequest(RequestRegistry* r, ApplyDone d) : Request(r), done(std::move(d)) {}
  void Fail(kv::Error error) override { done(std::unexpected(std::move(error))); }
  struct raft_apply req {};
  ApplyDone done;
};

struct RequestRegistry::BarrierRequest final : Request {
  BarrierRequest(RequestRegistry* r, StatusDone d) : Request(r), done(std::move(d)) {}
  void Fail(kv::Error error) override { done(std::unexpected(std::move(error))); }
  struct raft_barrier req {};
  StatusDone done;
};

struct RequestRegistry::ChangeRequest final : Request {
  enum class Step { kAdd, kAssignVoter, kRemove };
  ChangeRequest(RequestRegistry* r, StatusDone d) : Request(r), done(std::move(d)) {}
  void Fail(kv::Error error) override { done(std::unexpected(std::move(error))); }
  std::string_view what() const {
    switch (step) {
      case Step::kAdd: return "add server";
      case Step::kAssignVoter: return "promote server to voter";
      case Step::kRemove: return "remove server";
    }
    return "membership change";
  }
  struct raft_change req {};
  Step step = Step::kAdd;
  RaftId id = 0;
  std::string address;
  StatusDone done;
};

struct RequestRegistry::TransferRequest final : Request {
  TransferRequest(RequestRegistry* r, StatusDone d) : Request(r), done(std::move(d)) {}
  void Fail(kv::Error error) override { done(std::unexpected(std::move(error))); }
  struct raft_transfer req {};
  RaftId target = 0;
  StatusDone done;
};

RequestRegistry::RequestRegistry(struct raft* raft, FsmAdapter* fsm) : raft_(raft), fsm_(fsm) {
  LEDGERSEAL_CHECK(raft_ != nullptr && fsm_ != nullptr);
}

RequestRegistry::~RequestRegistry() {
  FailEverything(kv::Error{kv::ErrorCode::kUnavailable,
                    "raft request dropped: the node shut down; it may or may not have "
                    "committed"});
}

void RequestRegistry::SetClosing(kv::Error reason) {
  thread_.Check();
  if (!closing_) closing_ = std::move(reason);
}

template <typename T>
T* RequestRegistry::Adopt(std::unique_ptr<T> request) {
  T* raw = request.get();
  const bool inserted = live_.emplace(raw, std::move(request)).second;
  LEDGERSEAL_CHECK(inserted);
  return raw;
}

template <typename T>
std::unique_ptr<T> RequestRegistry::Release(T* request) {
  auto it = live_.find(request);
  LEDGERSEAL_CHECK(it != live_.end() && "raft called back a request it does not own");
  std::unique_ptr<Request> owned = std::move(it->second);
  live_.erase(it);
  return std::unique_ptr<T>(static_cast<T*>(owned.release()));
}

void RequestRegistry::NotifyCompleted(RaftIndex index) {
  if (on_completed_index_) on_completed_index_(index);
}

std::string RequestRegistry::LeaderText() const {
  raft_id id = 0;
  const char* address = nullptr;
  raft_leader(raft_, &id, &address);
  if (id == 0) return "leader: unknown";
  return "leader: id=" + std::to_string(id) + " address=" + (address ? address : "");
}

kv::Error RequestRegistry::ErrorFor(int raft_rv, std::string_view what,
                                    std::string_view detail) const {
  std::string prefix(what);
  if (closing_) return kv::Error{closing_->code, prefix + ": " + closing_->message};
  switch (raft_rv) {
    case RAFT_NOTLEADER:
      return kv::Error{kv::ErrorCode::kNotPrimary,
                       prefix + ": this node (n" + std::to_string(raft_->id) +
                           ") is not the leader; " + LeaderText()};
    case RAFT_LEADERSHIPLOST:
      return kv::Error{kv::ErrorCode::kAborted,
                       prefix + ": leadership lost before it completed on this node; it may "
                                "or may not have committed"};
    default: return RaftError(raft_rv, what, detail);
  }
}

void RequestRegistry::Apply(kv::ByteView command, ApplyDone done) {
  thread_.Check();
  if (closing_) return done(std::unexpected(ErrorFor(0, "propose")));
  kv::Result<struct raft_buffer> framed = EncodeCommandFrame(command);
  if (!framed) {
    kv::Error error{framed.error().code, "propose: " + framed.error().message};
    return done(std::unexpected(std::move(error)));
  }
  struct raft_buffer buf = *framed;
  ApplyRequest* request = Adopt(std::make_unique<ApplyRequest>(this, std::move(done)));
  request->req.data = request;
  const int rv = raft_apply(raft_, &request->req, &buf, 1, &RequestRegistry::OnApplied);
  if (rv != 0) {
    raft_free(buf.base);  // ownership passes to raft only on success
    Release(request)->done(std::unexpected(ErrorFor(rv, "propose", raft_errmsg(raft_))));
  }
}

void RequestRegistry::OnApplied(struct raft_apply* req, int status, void* result) {
  auto* request = static_cast<ApplyRequest*>(req->data);
  RequestRegistry* self = request->registry;
  self->thread_.Check();
  std::unique_ptr<ApplyRequest> owned = self->Release(request);
  if (status != 0) {
    owned->done(std::unexpected(self->ErrorFor(status, "propose")));
    return;
  }
  kv::Result<kv::Bytes> outcome = self->fsm_->TakeOutcome(result);
  self->NotifyCompleted(req->index);
  owned->done(std::move(outcome));
}

void RequestRegistry::Barrier(StatusDone done) {
  thread_.Check();
  if (closing_) return done(std::unexpected(ErrorFor(0, "barrier")));
  BarrierRequest* request = Adopt(std::make_unique<BarrierRequest>(this, std::move(done)));
  request->req.data = request;
  const int rv = raft_barrier(raft_, &request->req, &RequestRegistry::OnBarrier);
  if (rv != 0) {
    Release(request)->done(std::unexpected(ErrorFor(rv, "barrier", raft_errmsg(raft_))));
  }
}

void RequestRegistry::OnBarrier(struct raft_barrier* req, int status) {
  auto* request = static_cast<BarrierRequest*>(req->data);
  RequestRegistry* self = request->registry;
  self->thread_.Check();
  std::unique_ptr<BarrierRequest> owned = self->Release(request);
  if (status != 0) {
    owned->done(std::unexpected(self->ErrorFor(status, "barrier")));
    return;
  }
  self->NotifyCompleted(req->index);
  owned->done(kv::Status{});
}

void RequestRegistry::AddVoter(RaftId id, std::string address, StatusDone done) {
  thread_.Check();
  if (closing_) return done(std::unexpected(ErrorFor(0, "add voter")));
  if (id == 0 || address.empty()) {
    return done(kv::MakeError(kv::ErrorCode::kInvalidArgument,
                              "add voter: needs a non-zero id and an address"));
  }
  if (raft_state(raft_) != RAFT_LEADER) {
    return done(std::unexpected(ErrorFor(RAFT_NOTLEADER, "add voter")));
  }
  auto change = std::make_unique<ChangeRequest>(this, std::move(done));
  change->id = id;
  change->address = std::move(address);
  if (const struct raft_server* existing = FindServer(raft_, id)) {
    if (change->address != existing->address) {
      return change->done(kv::MakeError(
          kv::ErrorCode::kInvalidArgument,
          "add voter: n" + std::to_string(id) + " is already a member at " + existing->address));
    }
    if (existing->role == RAFT_VOTER) return change->done(kv::Status{});
    change->step = ChangeRequest::Step::kAssignVoter;
  }
  SubmitChange(Adopt(std::move(change)));
}

void RequestRegistry::Remove(RaftId id, StatusDone done) {
  thread_.Check();
  if (closing_) return done(std::unexpected(ErrorFor(0, "remove server")));
  auto change = std::make_unique<ChangeRequest>(this, std::move(done));
  change->id = id;
  change->step = ChangeRequest::Step::kRemove;
  SubmitChange(Adopt(std::move(change)));
}

void RequestRegistry::SubmitChange(ChangeRequest* change) {
  change->req.data = change;
  int rv = 0;
  switch (change->step) {
    case ChangeRequest::Step::kAdd:
      rv = raft_add(raft_, &change->req, change->id, change->address.c_str(),
                    &RequestRegistry::OnChanged);
      break;
    case ChangeRequest::Step::kAssignVoter:
      rv = raft_assign(raft_, &change->req, change->id, RAFT_VOTER, &RequestRegistry::OnChanged);
      break;
    case ChangeRequest::Step::kRemove:
      rv = raft_remove(raft_, &change->req, change->id, &RequestRegistry::OnChanged);
      break;
  }
  if (rv != 0) {
    const kv::Error error = ErrorFor(rv, change->what(), raft_errmsg(raft_));
    Release(change)->done(std::unexpected(error));
  }
}

// raft clears its reference to the change request before calling back, so
// the same request can carry the next step.
void RequestRegistry::OnChanged(struct raft_change* req, int status) {
  auto* change = static_cast<ChangeRequest*>(req->data);
  RequestRegistry* self = change->registry;
  self->thread_.Check();
  if (status == 0 && change->step == ChangeRequest::Step::kAdd && !self->closing_) {
    change->step = ChangeRequest::Step::kAssignVoter;
    self->SubmitChange(change);
    return;
  }
  std::unique_ptr<ChangeRequest> owned = self->Release(change);
  if (status != 0) {
    owned->done(std::unexpected(self->ErrorFor(status, owned->what())));
    return;
  }
  owned->done(kv::Status{});
}

void RequestRegistry::Transfer(RaftId id, StatusDone done) {
  thread_.Check();
  if (closing_) return done(std::unexpected(ErrorFor(0, "transfer leadership")));
  TransferRequest* request = Adopt(std::make_unique<TransferRequest>(this, std::move(done)));
  request->req.data = request;
  request->target = id;
  const int rv = raft_transfer(raft_, &request->req, id, &RequestRegistry::OnTransferred);
  if (rv != 0) {
    const kv::Error error = ErrorFor(rv, "transfer leadership", raft_errmsg(raft_));
    Release(request)->done(std::unexpected(error));
  }
}

void RequestRegistry::OnTransferred(struct raft_transfer* req) {
  auto* request = static_cast<TransferRequest*>(req->data);
  RequestRegistry* self = request->registry;
  self->thread_.Check();
  std::unique_ptr<TransferRequest> owned = self->Release(request);
  if (self->closing_) {
    owned->done(std::unexpected(self->ErrorFor(0, "transfer leadership")));
    return;
  }
  const RaftId target = owned->target != 0 ? owned->target : req->id;
  raft_id leader = 0;
  const char* address = nullptr;
  raft_leader(self->raft_, &leader, &address);
  if (leader == target && target != self->raft_->id) {
    owned->done(kv::Status{});
    return;
  }
  owned->done(kv::MakeError(kv::ErrorCode::kAborted,
                            "transfer leadership: n" + std::to_string(target) +
                                " did not take over within an election timeout; " +
                                self->LeaderText()));
}

void RequestRegistry::FailAll(const kv::Error& error) {
  thread_.Check();
  FailEverything(error);
}

void RequestRegistry::FailEverything(const kv::Error& error) {
  std::vector<std::unique_ptr<Request>> requests;
  requests.reserve(live_.size());
  for (auto& [raw, owned] : live_) requests.push_back(std::move(owned));
  live_.clear();
  for (auto& request : requests) request->Fail(error);
}

}  // namespace ledgerseal::replication
