// Recovery mode (--recover): rebuild the store from this node's ledger with
// the shared RecoverIntoStore (scratch store, recovery hooks, verified
// replay, installed only on success), keep the previous store and Raft
// directories aside, then start a new service that retires the old nodes.
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/node.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"

namespace ledgerseal::kv::node {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;

// data_dir/before-recovery-1 .. -999: a directory that has seen that many
// recoveries needs a person to look at it.
constexpr int kMaxBeforeRecoveryDirs = 1000;
constexpr uint64_t kReplayProgressEveryEntries = 5000;

}  // namespace

// A failed recovery (wrong platform, tampered ledger, a stop) leaves the
// data directory exactly as it was: RecoverIntoStore replays into a scratch
// store and discards it on error, and only after a successful replay are
// the previous directories moved aside (before_install).
Status Node::RecoverService() {
  RecoverIntoStoreOptions options;
  options.context.node = {c_.node_id, c_.sealing.sealing_identity, ""};
  options.context.previous_sealing_identity = c_.sealing.previous_local_sealing_identity;
  options.progress = [this](uint64_t done, uint64_t total) {
    Log("replay: " + std::to_string(done) + "/" + std::to_string(total) + " entries");
  };
  options.progress_every = kReplayProgressEveryEntries;
  options.stop = o_.stop;
  options.before_install = [this](const RecoverResult& recovered) {
    LogRecovered(recovered);
    return MoveAsideBeforeRecovery();
  };
  auto recovered = RecoverIntoStore(ledger_dir_, store_dir_, store_key_, *o_.hooks, options, secrets_);
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

// Keeps the previous store and raft directories (nothing is deleted) in
// data_dir/before-recovery-N/.
Status Node::MoveAsideBeforeRecovery() {
  fs::path target;
  for (int n = 1; n < kMaxBeforeRecoveryDirs && target.empty(); ++n) {
    const fs::path candidate = c_.data_dir / ("before-recovery-" + std::to_string(n));
    if (!fs::exists(candidate)) target = candidate;
  }
  if (target.empty()) return MakeError(ErrorCode::kIoError, "too many before-recovery-* directories");
  for (const auto& dir : {store_dir_, raft_dir_}) {
    if (!fs::exists(dir)) continue;
    std::error_code ec;
    fs::create_directories(target, ec);
    if (!ec) fs::rename(dir, target / dir.filename(), ec);
    if (ec) return MakeError(ErrorCode::kIoError, "moving " + dir.string() + " aside: " + ec.message());
  }
  Log("kept the previous store and raft directories in " + target.string());
  return {};
}

Status Node::StartRecoveredService(const RecoverResult& recovered) {
  auto probe = host_->BeginTransaction();
  if (!probe) return std::unexpected(probe.error());
  auto raft_id = membership::NextRaftId(**probe);
  auto old_service = membership::GetService(**probe);
  if (!raft_id) return std::unexpected(raft_id.error());
  if (!old_service) return std::unexpected(old_service.error());
  if (auto s = StartRaft(*raft_id, /*bootstrap=*/true); !s) return s;
  if (auto s = WaitUntilPrimary(); !s) return s;

  auto new_id = NewServiceId();
  if (!new_id) return std::unexpected(new_id.error());
  const std::string service_id = *new_id;
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto nodes = membership::ListNodes(**tx);
  if (!nodes) return std::unexpected(nodes.error());
  for (auto& n : *nodes) {  // the old service's nodes are gone with it
    if (n.status() == pb::NodeInfo::RETIRED || n.node_id() == c_.node_id) continue;
    n.set_status(pb::NodeInfo::RETIRED);
    if (auto s = membership::PutNode(**tx, n); !s) return s;
  }
  if (auto s = membership::PutNode(**tx, SelfRecord(*raft_id, service_id)); !s) return s;
  pb::ServiceInfo service;
  service.set_service_id(service_id);
  service.set_created_at_version(store_->applied_version() + 1);
  service.set_previous_service_id(recovered.previous_service_id);
  service.set_recovery_count((*old_service ? (*old_service)->recovery_count() : 0) + 1);
  if (auto s = membership::PutService(**tx, service); !s) return s;
  auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                    .trusted_nodes_changed = true,
                                                    .new_service_id = service_id,
                                                    .recovered = &recovered.outcome});
  if (!version) return std::unexpected(version.error());
  Log("started service " + service_id + " recovered from " + recovered.previous_service_id + " (version " +
      std::to_string(*version) + ")");
  return {};
}

}  // namespace ledgerseal::kv::node
