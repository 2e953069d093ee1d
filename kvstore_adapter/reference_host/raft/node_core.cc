#include "kvstore_adapter/reference_host/raft/node_core.h"

#include <algorithm>
#include "base/check.h"
#include <filesystem>
#include <system_error>
#include <utility>

#include "kvstore_adapter/reference_host/raft/raft_errors.h"

namespace ledgerseal::replication {
namespace {

const char* StateName(int state) {
  switch (state) {
    case RAFT_FOLLOWER: return "follower";
    case RAFT_CANDIDATE: return "candidate";
    case RAFT_LEADER: return "leader";
    default: return "unavailable";
  }
}

}  // namespace

NodeCore::NodeCore(const RaftNodeOptions& options, StateMachine* state_machine, NodeView* view,
                   LogSink log)
    : options_(options),
      view_(view),
      log_(std::move(log)),
      fsm_(state_machine),
      requests_(&raft_, &fsm_) {
  fsm_.set_on_fatal([this](const kv::Error& error) { OnFatal(error); });
  requests_.set_on_completed_index([this](RaftIndex index) { view_->RaiseLastApplied(index); });
}

NodeCore::~NodeCore() = default;

void NodeCore::Log(const std::string& line) const {
  if (log_) log_(line);
}

kv::Status NodeCore::Init(LoopThread* loop) {
  loop_ = loop;
  LEDGERSEAL_CHECK(loop_->IsCurrent());
  kv::Status status = InitRaft();
  if (status) status = Bootstrap();
  if (status) {
    if (int rv = raft_start(&raft_); rv != 0) {
      const std::string detail = *raft_errmsg(&raft_) ? raft_errmsg(&raft_) : io_.errmsg;
      status = std::unexpected(
          RaftError(rv, "raft_start (listening on " + options_.address + ")", detail));
    }
  }
  if (status) status = StartWatching();
  if (!status && fsm_.fatal_error()) {
    // raft_start restored a snapshot and the state machine refused it.
    status = std::unexpected(*fsm_.fatal_error());
  }
  if (!status) {
    Log("start failed: " + status.error().ToString());
    BeginShutdown(kv::Error{kv::ErrorCode::kUnavailable, "the node failed to start"});
    return status;
  }
  PublishView();
  Log("started at " + options_.address + " (dir " + options_.dir.string() + ", term " +
      std::to_string(raft_.current_term) + ", last index " +
      std::to_string(raft_last_index(&raft_)) + ")");
  return {};
}

kv::Status NodeCore::InitRaft() {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) {
    return kv::MakeError(kv::ErrorCode::kIoError,
                         "creating raft dir " + options_.dir.string() + ": " + ec.message());
  }
  if (int rv = raft_uv_tcp_init(&transport_, loop_->loop()); rv != 0) {
    return std::unexpected(RaftError(rv, "raft_uv_tcp_init"));
  }
  transport_initialized_ = true;
  if (int rv = raft_uv_init(&io_, loop_->loop(), options_.dir.c_str(), &transport_); rv != 0) {
    return std::unexpected(RaftError(rv, "raft_uv_init " + options_.dir.string(), io_.errmsg));
  }
  io_initialized_ = true;
  raft_uv_set_connect_retry_delay(&io_, options_.connect_retry_delay_ms);
  if (int rv = raft_init(&raft_, &io_, fsm_.fsm(), options_.id, options_.address.c_str());
      rv != 0) {
    return std::unexpected(RaftError(rv, "raft_init", raft_.errmsg));
  }
  raft_initialized_ = true;
  raft_.data = this;
  raft_set_election_timeout(&raft_, options_.election_timeout_ms);
  raft_set_heartbeat_timeout(&raft_, options_.heartbeat_timeout_ms);
  raft_set_snapshot_threshold(&raft_, options_.snapshot_threshold);
  raft_set_snapshot_trailing(&raft_, options_.snapshot_trailing);
  // A node that was paused (SIGSTOP, a long snapshot restore that fetches
  // entries from peers) must not depose a healthy leader when it wakes:
  // with pre-vote it first asks whether it could win, and the others, who
  // hear from the leader, say no.
  raft_set_pre_vote(&raft_, true);
  return {};
}

kv::Status NodeCore::Bootstrap() {
  if (!options_.bootstrap) return {};
  struct raft_configuration conf;
  raft_configuration_init(&conf);
  int rv = 0;
  for (const Member& m : *options_.bootstrap) {
    rv = raft_configuration_add(&conf, m.id, m.address.c_str(), RAFT_VOTER);
    if (rv != 0) break;
  }
  if (rv == 0) rv = raft_bootstrap(&raft_, &conf);
  raft_configuration_close(&conf);
  if (rv == RAFT_CANTBOOTSTRAP) {
    Log("raft dir already bootstrapped; ignoring the bootstrap configuration");
    return {};
  }
  if (rv != 0) return std::unexpected(RaftError(rv, "raft_bootstrap", raft_errmsg(&raft_)));
  Log("bootstrapped a new cluster of " + std::to_string(options_.bootstrap->size()) +
      " voter(s)");
  return {};
}

// A check handle runs after every loop iteration: the view is refreshed right
// after whatever raft callback changed the state, without polling.
kv::Status NodeCore::StartWatching() {
  if (int rv = uv_check_init(loop_->loop(), &check_); rv != 0) {
    return kv::MakeError(kv::ErrorCode::kIoError, std::string("uv_check_init: ") + uv_strerror(rv));
  }
  check_.data = this;
  check_active_ = true;  // initialised: must be uv_close'd
  if (int rv = uv_check_start(&check_, &NodeCore::OnCheck); rv != 0) {
    return kv::MakeError(kv::ErrorCode::kIoError,
                         std::string("uv_check_start: ") + uv_strerror(rv));
  }
  return {};
}

void NodeCore::OnCheck(uv_check_t* handle) {
  auto* self = static_cast<NodeCore*>(handle->data);
  if (self->shutting_down_) {
    self->MaybeCloseRaft();
    return;
  }
  self->PublishView();
  self->MaybeIssueLeaderBarrier();
}

void NodeCore::PublishView() {
  LEDGERSEAL_CHECK(loop_->IsCurrent());
  const int state = shutting_down_ ? RAFT_UNAVAILABLE : raft_state(&raft_);
  const RaftTerm term = raft_.current_term;
  const bool leader = state == RAFT_LEADER;
  view_->term.store(term);
  view_->is_leader.store(leader);
  view_->ready_for_reads.store(leader && ready_term_ == term);
  if (raft_initialized_) view_->RaiseLastApplied(raft_last_applied(&raft_));

  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  if (!shutting_down_) raft_leader(&raft_, &leader_id, &leader_address);
  PublishLeader(leader_id, leader_address);
  PublishVoters();
  if (state != published_state_) {
    Log(std::string("now ") + StateName(state) + " at term " + std::to_string(term));
    published_state_ = state;
  }
}

void NodeCore::PublishLeader(RaftId leader_id, const char* leader_address) {
  if (leader_id == published_leader_) return;
  published_leader_ = leader_id;
  std::optional<LeaderInfo> leader;
  if (leader_id != 0) leader = LeaderInfo{leader_id, leader_address ? leader_address : ""};
  {
    std::lock_guard lock(view_->mu);
    view_->leader = leader;
  }
  // Raft ids, not node names: a recovered node starts a new configuration
  // under a new raft id, so "n<id>" would name the wrong node.
  Log(leader ? "leader is raft id " + std::to_string(leader->id) + " at " + leader->address
             : std::string("no known leader"));
}

// The voters of the configuration this node knows (the latest appended,
// committed or not, as raft itself uses it). Runs after every loop
// iteration, so it compares in place (no allocation; a configuration holds a
// handful of servers) and rebuilds the list only when it changed. (Raft's
// configuration indexes are not a safe change key: restoring a snapshot can
// replace the configuration without moving the uncommitted index.)
void NodeCore::PublishVoters() {
  const bool live = raft_initialized_ && !shutting_down_;
  const unsigned servers = live ? raft_.configuration.n : 0;
  auto is_voter = [&](unsigned i) { return raft_.configuration.servers[i].role == RAFT_VOTER; };
  size_t voter_count = 0;
  bool same = true;
  for (unsigned i = 0; i < servers && same; ++i) {
    if (!is_voter(i)) continue;
    ++voter_count;
    same = std::binary_search(published_voters_.begin(), published_voters_.end(),
                              raft_.configuration.servers[i].id);
  }
  if (same && voter_count == published_voters_.size()) return;
  published_voters_.clear();
  for (unsigned i = 0; i < servers; ++i) {
    if (is_voter(i)) published_voters_.push_back(raft_.configuration.servers[i].id);
  }
  std::sort(published_voters_.begin(), published_voters_.end());
  std::string names;
  for (RaftId id : published_voters_) names += (names.empty() ? "" : ", ") + std::to_string(id);
  {
    std::lock_guard lock(view_->mu);
    view_->voters = published_voters_;
  }
  if (!names.empty()) Log("voters (raft ids): " + names);
}

// raft 0.15 appends no entry when a leader is elected, so entries committed
// in earlier terms may not be applied here yet: a barrier in the new term
// commits (and applies) them before the node claims ready_for_reads.
void NodeCore::MaybeIssueLeaderBarrier() {
  if (raft_state(&raft_) != RAFT_LEADER) return;
  const RaftTerm term = raft_.current_term;
  if (ready_term_ == term || barrier_term_ == term) return;  // done or in flight
  if (uv_now(loop_->loop()) < next_barrier_attempt_ms_) return;
  barrier_term_ = term;
  requests_.Barrier([this, term](kv::Status status) { OnLeaderBarrier(term, status); });
}

void NodeCore::OnLeaderBarrier(RaftTerm term, const kv::Status& status) {
  if (barrier_term_ == term) barrier_term_ = 0;
  if (shutting_down_) return;
  if (!status) {
    Log("leader barrier for term " + std::to_string(term) + " failed: " +
        status.error().ToString());
    next_barrier_attempt_ms_ = uv_now(loop_->loop()) + options_.heartbeat_timeout_ms;
    return;
  }
  if (raft_state(&raft_) == RAFT_LEADER && raft_.current_term == term) {
    ready_term_ = term;
    Log("ready for reads at term " + std::to_string(term) + " (applied index " +
        std::to_string(raft_last_applied(&raft_)) + ")");
  }
  PublishView();
}

void NodeCore::Propose(const kv::Bytes& command, ApplyDone done) {
  requests_.Apply(command, std::move(done));
}
void NodeCore::Barrier(StatusDone done) { requests_.Barrier(std::move(done)); }
void NodeCore::AddVoter(RaftId id, std::string address, StatusDone done) {
  requests_.AddVoter(id, std::move(address), std::move(done));
}
void NodeCore::Remove(RaftId id, StatusDone done) { requests_.Remove(id, std::move(done)); }
void NodeCore::Transfer(RaftId id, StatusDone done) { requests_.Transfer(id, std::move(done)); }

// Runs inside raft's apply/restore path: raft must not be closed from there,
// so the shutdown is queued behind the current loop iteration.
void NodeCore::OnFatal(const kv::Error& error) {
  Log("FATAL: the state machine failed (" + error.ToString() + "); stopping the node");
  {
    std::lock_guard lock(view_->mu);
    view_->fatal = error;
  }
  kv::Error reason{kv::ErrorCode::kIoError,
                   "node n" + std::to_string(options_.id) +
                       " stopped after a fatal state machine error (" + error.ToString() +
                       "); the request may or may not have committed"};
  loop_->Post([this, reason = std::move(reason)]() mutable { BeginShutdown(std::move(reason)); });
}

void NodeCore::BeginShutdown(kv::Error reason) {
  LEDGERSEAL_CHECK(loop_->IsCurrent());
  if (shutting_down_) return;
  Log("stopping");
  shutdown_reason_ = reason;
  requests_.SetClosing(std::move(reason));
  shutting_down_ = true;
  PublishView();
  loop_->CloseQueue();  // queued tasks run now and fail with the reason
  drain_deadline_ms_ = uv_now(loop_->loop()) + kDrainTimeoutMs;
  MaybeCloseRaft();
}

// raft 0.15 crashes when raft_close cancels two or more log appends of a
// leader (appendLeaderCb truncates the log once per cancelled request, in
// FIFO order; fixed upstream in canonical/raft#352). So no new entries are
// submitted once shutting down, and raft_close waits until this node's log
// is on disk (last_stored == last index) or the drain deadline passes. Until
// then raft keeps running: requests in flight may still complete normally.
void NodeCore::MaybeCloseRaft() {
  if (!raft_initialized_ || raft_closing_) {
    CloseCheck();
    return;
  }
  const bool drained = raft_.last_stored >= raft_last_index(&raft_);
  const bool overdue = uv_now(loop_->loop()) >= drain_deadline_ms_;
  if (!drained && !overdue && check_active_) return;  // the check handle retries
  if (!drained) {
    Log("closing raft with log appends still in flight (stored " +
        std::to_string(raft_.last_stored) + " of " + std::to_string(raft_last_index(&raft_)) +
        ")");
  }
  CloseCheck();
  raft_closing_ = true;
  raft_close(&raft_, &NodeCore::OnRaftClosed);
}

void NodeCore::CloseCheck() {
  if (!check_active_) return;
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
  check_active_ = false;
}

// raft has failed its own pending requests by now; anything left is failed
// here so that every future resolves.
void NodeCore::OnRaftClosed(struct raft* raft) {
  auto* self = static_cast<NodeCore*>(raft->data);
  self->raft_initialized_ = false;
  self->raft_closing_ = false;
  if (self->requests_.outstanding() > 0) {
    self->Log("raft closed with " + std::to_string(self->requests_.outstanding()) +
              " request(s) not called back; failing them");
  }
  self->requests_.FailAll(*self->shutdown_reason_);
  self->Log("raft closed");
}

void NodeCore::OnLoopExit() {
  if (io_initialized_) raft_uv_close(&io_);
  if (transport_initialized_) raft_uv_tcp_close(&transport_);
  io_initialized_ = transport_initialized_ = false;
  if (shutdown_reason_) requests_.FailAll(*shutdown_reason_);
}

}  // namespace ledgerseal::replication
