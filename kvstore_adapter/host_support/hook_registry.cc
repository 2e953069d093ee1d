#include "kvstore_adapter/host_support/public/hook_registry.h"

namespace ledgerseal::kv {

template <typename Hook>
Status HookRegistry::Add(std::vector<Named<Hook>>& list, std::string name,
                         std::shared_ptr<Hook> hook) {
  if (name.empty() || hook == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "a hook needs a name and an object");
  }
  std::lock_guard lock(mu_);
  for (const auto& existing : list) {
    if (existing.name == name) {
      return MakeError(ErrorCode::kInvalidArgument, "a hook named '" + name + "' is registered");
    }
  }
  list.push_back({std::move(name), std::move(hook)});
  return {};
}

Status HookRegistry::RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) {
  return Add(transaction_hooks_, std::move(name), std::move(hook));
}

Status HookRegistry::RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) {
  return Add(recovery_hooks_, std::move(name), std::move(hook));
}

Status HookRegistry::RunTransactionHooks(Transaction& tx) const {
  std::vector<Named<TransactionHook>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = transaction_hooks_;
  }
  for (const auto& h : hooks) {
    if (auto s = h.hook->OnCommit(tx); !s) {
      return MakeError(ErrorCode::kHookFailed,
                       "hook '" + h.name + "' refused the transaction: " + s.error().ToString());
    }
  }
  return {};
}

Result<RecoveryOutcome> HookRegistry::RunRecoveryHooks(
    const RecoveryContext& ctx,
    const std::function<Result<std::unique_ptr<LedgerReader>>()>& open_reader) const {
  std::vector<Named<RecoveryHook>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = recovery_hooks_;
  }
  std::string skipped;
  for (const auto& h : hooks) {
    auto reader = open_reader();
    if (!reader) return std::unexpected(reader.error());
    RecoveryContext hook_ctx = ctx;
    hook_ctx.ledger = reader->get();
    auto secret = h.hook->Unseal(hook_ctx);
    if (secret) return RecoveryOutcome{h.name, std::move(*secret)};
    if (secret.error().code != ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kRecoveryFailed,
                       "recovery hook '" + h.name + "' failed: " + secret.error().ToString());
    }
    skipped += " [" + h.name + ": " + secret.error().message + "]";
  }
  return MakeError(ErrorCode::kRecoveryFailed,
                   "no recovery hook produced a secret" +
                       (skipped.empty() ? std::string(" (none registered)") : skipped));
}

Status HookRegistry::RunOnRecovered(Transaction& tx, const RecoveryOutcome& outcome) const {
  std::shared_ptr<RecoveryHook> hook;
  {
    std::lock_guard lock(mu_);
    for (const auto& h : recovery_hooks_) {
      if (h.name == outcome.hook_name) hook = h.hook;
    }
  }
  if (hook == nullptr) {
    return MakeError(ErrorCode::kInternal, "unknown recovery hook '" + outcome.hook_name + "'");
  }
  if (auto s = hook->OnRecovered(tx, outcome.secret); !s) {
    return MakeError(ErrorCode::kRecoveryFailed, "recovery hook '" + outcome.hook_name +
                                                     "' could not record the recovery: " +
                                                     s.error().ToString());
  }
  return {};
}

size_t HookRegistry::transaction_hook_count() const {
  std::lock_guard lock(mu_);
  return transaction_hooks_.size();
}

}  // namespace ledgerseal::kv
