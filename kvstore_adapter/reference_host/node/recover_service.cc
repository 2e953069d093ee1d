// Recovery mode (--recover): rebuild the store from this node's ledger with
// the shared RecoverIntoStore (scratch store, recovery hooks, verified
// replay, installed only on success), keep the previous store and Raft
// directories aside, then start a new service that retires the old nodes.
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/node.h"
#include "kvstore_adapter/reference_host/node/recovery_coordinator.h"
#include "kvstore_adapter/reference_host/node/recovery_rpc.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"

namespace ledgerseal::kv::node {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;

// data_dir/before-recovery-1 .. -999: a directory that has seen that many
// recoveries needs a person to look at it.
constexpr int kMaxBeforeRecoveryDirs = 1000;
constexpr uint64_t kReplayProgressEveryEntries = 5000;

// What MoveAside did, so that MoveBack can undo it.
struct MovedAside {
  fs::path dir;                                      // data_dir/before-recovery-N
  std::vector<std::pair<fs::path, fs::path>> moves;  // (from, to), in the order done
};

// Undoes MoveAside: moves every directory back (the last moved first) and
// removes the before-recovery-N directory, empty again. Tries every move
// even after one failed; the error names where each directory it could not
// move back still is.
Status MoveBack(const MovedAside& moved) {
  std::string failures;
  for (auto it = moved.moves.rbegin(); it != moved.moves.rend(); ++it) {
    std::error_code ec;
    fs::rename(it->second, it->first, ec);
    if (ec) failures += "; " + it->first.string() + " is still in " + it->second.string() + ": " + ec.message();
  }
  if (failures.empty()) {
    std::error_code ec;
    fs::remove(moved.dir, ec);  // only ever removes an empty directory
    if (ec) failures += "; removing " + moved.dir.string() + ": " + ec.message();
  }
  if (!failures.empty()) {
    return MakeError(ErrorCode::kIoError, "putting the previous directories back" + failures);
  }
  return {};
}

// Moves each of `dirs` that exists into a new data_dir/before-recovery-N/
// (nothing is deleted). On error it puts back what it had moved, so that it
// either did all of it or nothing.
Result<MovedAside> MoveAside(const fs::path& data_dir, std::initializer_list<fs::path> dirs) {
  std::error_code ec;
  MovedAside moved;
  for (int n = 1; n < kMaxBeforeRecoveryDirs && moved.dir.empty(); ++n) {
    const fs::path candidate = data_dir / ("before-recovery-" + std::to_string(n));
    const bool exists = fs::exists(candidate, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "looking for " + candidate.string() + ": " + ec.message());
    if (!exists) moved.dir = candidate;
  }
  if (moved.dir.empty()) {
    return MakeError(ErrorCode::kIoError, "too many before-recovery-* directories in " + data_dir.string());
  }
  for (const fs::path& dir : dirs) {
    const bool exists = fs::exists(dir, ec);
    if (!ec && !exists) continue;
    const fs::path to = moved.dir / dir.filename();
    if (!ec) fs::create_directories(moved.dir, ec);
    if (!ec) fs::rename(dir, to, ec);
    if (ec) {
      Error failed{ErrorCode::kIoError, "moving " + dir.string() + " aside to " + to.string() + ": " + ec.message()};
      if (auto back = MoveBack(moved); !back) failed.message += " (and " + back.error().message + ")";
      return std::unexpected(std::move(failed));
    }
    moved.moves.emplace_back(dir, to);
  }
  return moved;
}

}  // namespace

// A failed recovery (wrong platform, tampered ledger, a stop, a failed
// install) leaves the data directory exactly as it was: RecoverIntoStore
// replays into a scratch store and discards it on error; only after a
// successful replay are the previous store and Raft directories moved aside
// (before_install), and if installing the new store then fails they are
// moved back (undo_before_install). Only an undo that fails too leaves them
// aside, in data_dir/before-recovery-N, and the error says where.

Status Node::RecoverService() {
  RecoverIntoStoreOptions options;
  options.context.node = {c_.node_id, c_.sealing.sealing_identity, ""};
  options.context.previous_sealing_identity = c_.sealing.previous_local_sealing_identity;
  options.context.expected_previous_service_id = c_.expected_previous_service_identity;
  options.progress = [this](uint64_t done, uint64_t total) {
    Log("replay: " + std::to_string(done) + "/" + std::to_string(total) + " entries");
  };
  options.progress_every = kReplayProgressEveryEntries;
  options.stop = o_.stop;
  // RecoverIntoStore calls both on this thread, before it returns.
  std::optional<MovedAside> moved_aside;
  options.before_install = [this, &moved_aside](const RecoverResult& recovered) -> Status {
    LogRecovered(recovered);
    auto moved = MoveAside(c_.data_dir, {store_dir_, raft_dir_});
    if (!moved) return std::unexpected(moved.error());
    if (!moved->moves.empty()) Log("kept the previous store and raft directories in " + moved->dir.string());
    moved_aside = std::move(*moved);
    return {};
  };
  options.undo_before_install = [this, &moved_aside]() -> Status {
    if (!moved_aside) return {};
    if (auto s = MoveBack(*moved_aside); !s) return s;
    if (!moved_aside->moves.empty()) Log("installing the recovered store failed: put the previous directories back");
    moved_aside.reset();
    return {};
  };
  // Operator input for the hooks (members' shares) and peers' claim
  // requests (coordinated recovery) arrive over RPC while the node
  // recovers; the service's own RPC server starts after recovery, on the
  // same address. Declared so that the server stops first, then the
  // handler, then the coordinator the handler calls goes.
  std::unique_ptr<RecoveryCoordinator> coordinator;
  std::optional<CoordinationOutcome> outcome;
  RecoveryRpcHandler input_handler(c_.node_id, o_.recovery_input);
  std::unique_ptr<rpc::RpcServer> input_server;
  const bool coordinated = !c_.recovery_coordination.peers.empty();
  if (!coordinated) {
    Log("recovering alone (no recovery_coordination.peers): this node cannot tell whether a former peer holds a "
        "longer ledger (ledgerseal inspect DIR DIR ... compares them)");
    if (o_.open_without_majority) Log("--open-without-majority has no effect without recovery_coordination.peers");
  }
  if (o_.recovery_input.submit || coordinated) {
    // Operator input is a share file of a few hundred bytes; a claim
    // request is a nonce.
    auto server = ListenRpc(&input_handler, kRecoveryRpcMaxBytes);
    if (!server) return std::unexpected(server.error());
    input_server = std::move(*server);
    if (o_.recovery_input.submit) {
      Log("recovery hooks may wait for operator input on " + input_server->address() +
          " (ledgerseal client submit-share)");
    }
  }
  if (coordinated) {
    // After the replay, before anything is installed: decide with the peers.
    options.after_replay = [&](const RecoverResult& recovered, Store& scratch) -> Status {
      CoordinatorOptions co{.node_id = c_.node_id,
                            .rpc_address = c_.rpc_address,
                            .peers = c_.recovery_coordination.peers,
                            .deadline = std::chrono::seconds(c_.recovery_coordination.deadline_s),
                            .wait_for_all = std::chrono::seconds(c_.recovery_coordination.wait_for_all_s),
                            .without_majority = o_.open_without_majority,
                            .stop = o_.stop,
                            .log = [this](const std::string& line) { Log(line); }};
      auto made = RecoveryCoordinator::Make(std::move(co), recovered, scratch);
      if (!made) return std::unexpected(made.error());
      coordinator = std::move(*made);
      input_handler.SetCoordination([c = coordinator.get()](std::string_view nonce) { return c->Answer(nonce); },
                                    [c = coordinator.get()] { return c->Progress(); });
      auto decided = coordinator->Run();
      if (!decided) return std::unexpected(decided.error());
      outcome = std::move(*decided);
      if (outcome->kind == CoordinationOutcome::Kind::kFollow) {
        // Not an error to report: RecoverIntoStore discards the scratch
        // store and this node joins the one that opened.
        return MakeError(ErrorCode::kAborted, "following " + outcome->follow_node);
      }
      recovery_decision_ = outcome->decision;
      return {};
    };
  }
  auto recovered = RecoverIntoStore(ledger_dir_, store_dir_, store_key_, *o_.hooks, options, secrets_);
  if (input_server) input_server->Stop();
  // Whatever the outcome, the hooks take no more input.
  if (o_.recovery_input.close) o_.recovery_input.close();
  if (outcome && outcome->kind == CoordinationOutcome::Kind::kFollow) {
    return FollowRecoveredService(*outcome);
  }
  if (!recovered) return std::unexpected(recovered.error());
  if (const uint64_t latest = secrets_.latest_version(); latest != 0) {
    if (auto secret = secrets_.Get(latest)) KeepInsecureTestSecret(latest, *secret);
  }
  if (auto s = OpenStore(); !s) return s;
  if (auto s = OpenStateMachine(); !s) return s;
  return StartRecoveredService(recovered->recovery);
}

void Node::LogRecovered(const RecoverResult& recovered) const {
  Log("recovered: secret " + std::to_string(recovered.outcome.secret.ledger_secret_version) + " from hook '" +
      recovered.outcome.hook_name + "' in " + std::to_string(static_cast<int>(recovered.time_to_secret_ms)) +
      " ms; replayed " + std::to_string(recovered.entries_replayed) + " entries to version " +
      std::to_string(recovered.replayed_to) + " in " + std::to_string(static_cast<int>(recovered.replay_ms)) +
      " ms" + (recovered.ledger_report.clean() ? "" : "; dropped a torn tail: " + recovered.ledger_report.ToString()));
}

Status Node::StartRecoveredService(const RecoverResult& recovered) {
  auto probe = host_->BeginTransaction();
  if (!probe) return std::unexpected(probe.error());
  auto raft_id = membership::NextRaftId(**probe);
  if (!raft_id) return std::unexpected(raft_id.error());
  // The old service's key, from the replayed (authenticated) private
  // domain: replay checked that it is the key of the ledger's last service
  // record, and that that service is the one the hook's material named.
  auto old_key = membership::GetServiceKey(**probe);
  if (!old_key) return std::unexpected(old_key.error());
  // Replay checked all three against one another, but the store was reopened
  // from disk since: re-check, and refuse (never abort) on a mismatch.
  if (!recovered.last_service || old_key->identity().service_id != recovered.last_service->service_id ||
      old_key->identity().service_id != recovered.outcome.secret.previous_service_id) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "the installed store's service identity key is service " + old_key->identity().service_id +
                         ", not the service replay ended in");
  }
  if (auto s = StartRaft(*raft_id, /*bootstrap=*/true); !s) return s;
  if (auto s = WaitUntilPrimary(); !s) return s;

  auto new_key = ServiceKey::Generate();
  if (!new_key) return std::unexpected(new_key.error());
  const std::string service_id = new_key->identity().service_id;
  auto payload = JoinPayloadFor(new_key->identity());
  if (!payload) return std::unexpected(payload.error());
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto nodes = membership::ListNodes(**tx);
  if (!nodes) return std::unexpected(nodes.error());
  for (auto& n : *nodes) {  // the old service's nodes are gone with it
    if (n.status() == pb::NodeInfo::RETIRED || n.node_id() == c_.node_id) continue;
    n.set_status(pb::NodeInfo::RETIRED);
    n.set_retired_by_recovery(true);
    if (auto s = membership::PutNode(**tx, n); !s) return s;
  }
  if (auto s = membership::PutNode(**tx, SelfRecord(*raft_id, service_id, *payload)); !s) return s;
  // The successor record, endorsed by the old identity: it binds the new
  // key to the prefix this node recovered (its last version and digest).
  const Version at = store_->applied_version() + 1;
  if (at != recovered.replayed_to + 1) {
    return MakeError(ErrorCode::kRecoveryFailed, "the installed store is at version " +
                                                     std::to_string(at - 1) + ", replay ended at " +
                                                     std::to_string(recovered.replayed_to));
  }
  pb::ServiceInfo service = membership::NewServiceRecord(new_key->identity(), at);
  service.set_previous_service_id(recovered.last_service->service_id);
  service.set_recovery_count(recovered.last_service->recovery_count + 1);
  service.set_recovered_to_version(recovered.replayed_to);
  service.set_recovered_tail_digest(recovered.last_entry_digest.data(), recovered.last_entry_digest.size());
  ServiceRecord successor = membership::ToServiceRecord(service);
  if (auto s = old_key->Endorse(successor); !s) return s;
  if (auto s = membership::PutService(**tx, membership::FromServiceRecord(successor)); !s) return s;
  if (auto s = membership::PutServiceKey(**tx, *new_key); !s) return s;
  if (recovery_decision_) {
    if (auto s = membership::PutRecoveryDecision(**tx, service_id, *recovery_decision_); !s) return s;
  }
  auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                    .trusted_nodes_changed = true,
                                                    .new_service_id = service_id,
                                                    .recovered = &recovered.outcome,
                                                    .new_service_key = &*new_key});
  if (!version) return std::unexpected(version.error());
  Log("started service " + service_id + " recovered from " + recovered.last_service->service_id + " (version " +
      std::to_string(*version) + ", endorsed by the previous identity)");
  return {};
}

Status Node::FollowRecoveredService(const CoordinationOutcome& follow) {
  // Nothing is deleted: this node's ledger stays in before-recovery-N.
  auto moved = MoveAside(c_.data_dir, {ledger_dir_, store_dir_, raft_dir_});
  if (!moved) return std::unexpected(moved.error());
  Log("following " + follow.follow_node + ": kept this node's previous ledger, store and raft directories in " +
      moved->dir.string() + "; joining the recovered service at " + follow.follow_address);
  join_address_ = follow.follow_address;
  follow_ = follow;
  RecordDataDir();  // what the join creates is what a failed join removes
  auto joined = JoinService();
  if (joined) return {};
  Error failed{joined.error().code, "joining the service " + follow.follow_node + " recovered, at " +
                                        follow.follow_address + ": " + joined.error().message};
  UndoFailedStart();
  if (auto back = MoveBack(*moved); !back) {
    failed.message += " (and " + back.error().message + ")";
  } else {
    failed.message += "; this node's ledger is back in place, as it was";
  }
  return std::unexpected(std::move(failed));
}

}  // namespace ledgerseal::kv::node
