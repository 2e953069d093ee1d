// The thread-safe facade of RaftNode: validates options, owns the loop thread
// and the loop-thread core, hands requests over as queued tasks, and reads
// the cached view.
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"

#include <cstdio>
#include <set>
#include <utility>

#include "kvstore_adapter/reference_host/raft/loop_thread.h"
#include "kvstore_adapter/reference_host/raft/node_core.h"
#include "kvstore_adapter/reference_host/raft/node_view.h"
#include "kvstore_adapter/reference_host/raft/one_shot.h"

namespace ledgerseal::replication {
namespace {

kv::Error Invalid(std::string message) {
  return kv::Error{kv::ErrorCode::kInvalidArgument, "raft node options: " + std::move(message)};
}

std::optional<kv::Error> ValidateBootstrap(const RaftNodeOptions& o) {
  if (!o.bootstrap) return std::nullopt;
  if (o.bootstrap->empty()) return Invalid("bootstrap has no members");
  std::set<RaftId> ids;
  std::set<std::string> addresses;
  bool has_self = false;
  for (const Member& m : *o.bootstrap) {
    if (m.id == 0 || m.address.empty()) return Invalid("bootstrap member without id or address");
    if (!ids.insert(m.id).second) return Invalid("bootstrap repeats id " + std::to_string(m.id));
    if (!addresses.insert(m.address).second) {
      return Invalid("bootstrap repeats address " + m.address);
    }
    has_self = has_self || (m.id == o.id && m.address == o.address);
  }
  if (!has_self) return Invalid("bootstrap must list this node with its own address");
  return std::nullopt;
}

std::optional<kv::Error> Validate(const RaftNodeOptions& o) {
  if (o.id == 0) return Invalid("id must be > 0");
  if (o.address.empty()) return Invalid("address is empty");
  if (o.dir.empty()) return Invalid("dir is empty");
  if (o.heartbeat_timeout_ms == 0) return Invalid("heartbeat_timeout_ms must be > 0");
  if (o.election_timeout_ms <= o.heartbeat_timeout_ms) {
    return Invalid("election_timeout_ms must exceed heartbeat_timeout_ms");
  }
  if (o.snapshot_threshold == 0) return Invalid("snapshot_threshold must be > 0");
  return ValidateBootstrap(o);
}

LogSink StderrLog(RaftId id) {
  return [id](std::string_view line) {
    std::fprintf(stderr, "[raft n%llu] %.*s\n", id, static_cast<int>(line.size()), line.data());
  };
}

}  // namespace

class RaftNode::Impl {
 public:
  Impl(const RaftNodeOptions& options, StateMachine* state_machine)
      : options_(options),
        log_(options.log ? options.log : StderrLog(options.id)),
        core_(options_, state_machine, &view_, log_) {}

  kv::Status Start();
  void Stop();

  // Runs `handler(core, done)` on the loop thread; the future resolves with
  // what `done` receives, or kUnavailable if the node is stopping/stopped.
  template <typename T, typename Handler>
  std::future<T> Submit(std::string_view what, Handler handler);

  const RaftNodeOptions& options() const { return options_; }
  const NodeView& view() const { return view_; }

 private:
  kv::Error Stopped(std::string_view what) const {
    return kv::Error{kv::ErrorCode::kUnavailable,
                     std::string(what) + ": node n" + std::to_string(options_.id) +
                         " is stopped or stopping; nothing was submitted"};
  }

  const RaftNodeOptions options_;
  const LogSink log_;
  NodeView view_;
  NodeCore core_;                     // used only on the loop thread
  std::unique_ptr<LoopThread> loop_;  // destroyed (joined) before core_
  std::mutex stop_mu_;
  bool stopped_ = false;  // guarded by stop_mu_
};

kv::Status RaftNode::Impl::Start() {
  auto loop = LoopThread::Start(
      "raft-n" + std::to_string(options_.id), [this] { core_.OnLoopExit(); }, log_);
  if (!loop) return std::unexpected(loop.error());
  loop_ = std::move(*loop);
  OneShot<kv::Status> inited(Stopped("start"));
  std::future<kv::Status> init_future = inited.future();
  loop_->Post([this, inited = std::move(inited)]() mutable {
    inited.Resolve(core_.Init(loop_.get()));
  });
  kv::Status status = init_future.get();
  if (!status) {
    loop_->Join();  // Init began the shutdown; the loop drains and ends
    std::lock_guard lock(stop_mu_);
    stopped_ = true;
  }
  return status;
}

void RaftNode::Impl::Stop() {
  std::lock_guard lock(stop_mu_);
  if (stopped_ || !loop_) return;
  if (loop_->IsCurrent()) {
    // Precondition violated (called from a state machine method): shut down
    // without waiting for ourselves.
    log_("Stop() called on the loop thread; stopping without waiting");
    loop_->Post([this] {
      core_.BeginShutdown(kv::Error{kv::ErrorCode::kUnavailable, "the node was stopped"});
    });
    return;
  }
  stopped_ = true;
  kv::Error reason{kv::ErrorCode::kUnavailable,
                   "node n" + std::to_string(options_.id) +
                       " was stopped; the request may or may not have committed"};
  // False if the node already stopped itself (fatal error): just wait.
  loop_->Post([this, reason = std::move(reason)]() mutable {
    core_.BeginShutdown(std::move(reason));
  });
  loop_->Join();
}

template <typename T, typename Handler>
std::future<T> RaftNode::Impl::Submit(std::string_view what, Handler handler) {
  OneShot<T> shot(Stopped(what));
  std::future<T> future = shot.future();
  // If the queue is closed the task is destroyed un-run and `shot` resolves
  // with kUnavailable.
  loop_->Post([this, shot = std::move(shot), handler = std::move(handler)]() mutable {
    handler(core_, [shot = std::move(shot)](T value) mutable { shot.Resolve(std::move(value)); });
  });
  return future;
}

RaftNode::RaftNode(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RaftNode::~RaftNode() { Stop(); }

kv::Result<std::unique_ptr<RaftNode>> RaftNode::Start(const RaftNodeOptions& options,
                                                      StateMachine* state_machine) {
  if (auto invalid = Validate(options)) return std::unexpected(*invalid);
  if (state_machine == nullptr) return std::unexpected(Invalid("state_machine is null"));
  auto impl = std::make_unique<Impl>(options, state_machine);
  if (kv::Status started = impl->Start(); !started) return std::unexpected(started.error());
  return std::unique_ptr<RaftNode>(new RaftNode(std::move(impl)));
}

void RaftNode::Stop() { impl_->Stop(); }

std::future<kv::Result<kv::Bytes>> RaftNode::Propose(kv::Bytes command) {
  return impl_->Submit<kv::Result<kv::Bytes>>(
      "propose", [command = std::move(command)](NodeCore& core, ApplyDone done) {
        core.Propose(command, std::move(done));
      });
}

std::future<kv::Status> RaftNode::Barrier() {
  return impl_->Submit<kv::Status>(
      "barrier", [](NodeCore& core, StatusDone done) { core.Barrier(std::move(done)); });
}

std::future<kv::Status> RaftNode::AddVoter(RaftId id, std::string address) {
  return impl_->Submit<kv::Status>(
      "add voter", [id, address = std::move(address)](NodeCore& core, StatusDone done) mutable {
        core.AddVoter(id, std::move(address), std::move(done));
      });
}

std::future<kv::Status> RaftNode::Remove(RaftId id) {
  return impl_->Submit<kv::Status>(
      "remove server", [id](NodeCore& core, StatusDone done) { core.Remove(id, std::move(done)); });
}

std::future<kv::Status> RaftNode::TransferLeadership(RaftId id) {
  return impl_->Submit<kv::Status>("transfer leadership", [id](NodeCore& core, StatusDone done) {
    core.Transfer(id, std::move(done));
  });
}

std::optional<LeaderInfo> RaftNode::Leader() const {
  std::lock_guard lock(impl_->view().mu);
  return impl_->view().leader;
}
std::vector<RaftId> RaftNode::Voters() const {
  std::lock_guard lock(impl_->view().mu);
  return impl_->view().voters;
}
bool RaftNode::IsLeader() const { return impl_->view().is_leader.load(); }
bool RaftNode::ready_for_reads() const { return impl_->view().ready_for_reads.load(); }
RaftTerm RaftNode::term() const { return impl_->view().term.load(); }
RaftIndex RaftNode::last_applied() const { return impl_->view().last_applied.load(); }
RaftId RaftNode::id() const { return impl_->options().id; }
const std::string& RaftNode::address() const { return impl_->options().address; }

std::optional<kv::Error> RaftNode::fatal_error() const {
  std::lock_guard lock(impl_->view().mu);
  return impl_->view().fatal;
}

}  // namespace ledgerseal::replication
