#include "kvstore_adapter/local_host/public/local_host.h"

#include "base/check.h"

#include "kvstore_adapter/host_support/public/snapshot_transaction.h"

namespace ledgerseal::kv {

LocalHost::LocalHost(NodeIdentity node) : node_(std::move(node)) {}

Status LocalHost::RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) {
  return hooks_.RegisterTransactionHook(std::move(name), std::move(hook));
}

Status LocalHost::RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) {
  return hooks_.RegisterRecoveryHook(std::move(name), std::move(hook));
}

Result<std::unique_ptr<Transaction>> LocalHost::BeginTransaction() {
  return std::make_unique<SnapshotTransaction>(this, state_.Snapshot());
}

Result<Version> LocalHost::Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) {
  if (options.rotate_secret || options.trusted_nodes_changed || options.joining_node) {
    return MakeError(ErrorCode::kInvalidArgument, "LocalHost: rotations and membership changes are not supported yet");
  }
  auto* own = dynamic_cast<SnapshotTransaction*>(tx.get());
  if (own == nullptr || own->owner() != this) {
    return MakeError(ErrorCode::kInvalidArgument, "the transaction was not begun on this host");
  }
  std::lock_guard lock(commit_mu_);
  const Version applied = state_.version();
  if (own->read_version() != applied) {
    return MakeError(ErrorCode::kAborted, "conflict: version " + std::to_string(applied) +
                                              " committed after the transaction began at " +
                                              std::to_string(own->read_version()));
  }
  if (auto hooked = hooks_.RunTransactionHooks(*own); !hooked) {
    return std::unexpected(hooked.error());
  }
  if (own->writes().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an empty transaction cannot commit");
  }
  const Version version = applied + 1;
  state_.Apply(version, own->writes());
  return version;
}

}  // namespace ledgerseal::kv
