#include "kvstore_adapter/local_host/public/local_host.h"

#include "base/check.h"

#include "kvstore_adapter/host_support/public/snapshot_transaction.h"

namespace ledgerseal::kv {

LocalHost::LocalHost(NodeIdentity node, std::unique_ptr<Store> store)
    : node_(std::move(node)), store_(std::move(store)) {
  LEDGERSEAL_CHECK(store_ != nullptr);
}

Status LocalHost::RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) {
  return hooks_.AddTransactionHook(std::move(name), std::move(hook));
}

Status LocalHost::RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) {
  return hooks_.AddRecoveryHook(std::move(name), std::move(hook));
}

Result<std::unique_ptr<Transaction>> LocalHost::BeginTransaction() {
  return std::make_unique<SnapshotTransaction>(this, store_->Snapshot());
}

Result<Version> LocalHost::Commit(std::unique_ptr<Transaction> tx) {
  auto* own = dynamic_cast<SnapshotTransaction*>(tx.get());
  if (own == nullptr || own->owner() != this) {
    return MakeError(ErrorCode::kInvalidArgument, "the transaction was not begun on this host");
  }
  std::lock_guard lock(commit_mu_);
  const Version applied = store_->applied_version();
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
  auto applied_now = store_->Apply(version, own->writes());
  if (!applied_now) return std::unexpected(applied_now.error());
  LEDGERSEAL_CHECK(*applied_now && store_->applied_version() == version);
  return version;
}

}  // namespace ledgerseal::kv
