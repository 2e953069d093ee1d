// Hook bookkeeping shared by every host implementation: registration, the
// order hooks run in, and how their errors are reported.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_HOOK_REGISTRY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_HOOK_REGISTRY_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kvstore_adapter/public/hooks.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// A recovery hook's secret, with the name of the hook that produced it.
struct RecoveryOutcome {
  std::string hook_name;
  RecoveredSecret secret;
};

// The hooks a host (or its offline recovery) holds: plugins register
// through the HookRegistrar interface, the host runs them.
// Thread safety: all methods may be called concurrently.
class HookRegistry final : public HookRegistrar {
 public:
  // Errors: kInvalidArgument for an empty or duplicate name, or a null hook.
  Status RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) override;
  Status RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) override;

  // Runs every transaction hook on `tx` in registration order. Stops at the
  // first failure and returns kHookFailed: "hook '<name>' refused the
  // transaction: <the hook's error>".
  Status RunTransactionHooks(Transaction& tx) const;

  // Runs recovery hooks in registration order, each with a fresh reader from
  // `open_reader` (positioned at the newest entry), until one returns a
  // secret. A hook returning kNotFound is skipped. Any other hook error stops
  // recovery with kRecoveryFailed naming the hook and its error. If no hook
  // produced a secret: kRecoveryFailed "no recovery hook produced a secret".
  Result<RecoveryOutcome> RunRecoveryHooks(
      const RecoveryContext& ctx,
      const std::function<Result<std::unique_ptr<LedgerReader>>()>& open_reader) const;

  // Calls OnRecovered of the hook that produced `outcome`. Errors are
  // reported as kRecoveryFailed naming the hook.
  Status RunOnRecovered(Transaction& tx, const RecoveryOutcome& outcome) const;

  size_t transaction_hook_count() const;

 private:
  template <typename Hook>
  struct Named {
    std::string name;
    std::shared_ptr<Hook> hook;
  };
  template <typename Hook>
  Status Add(std::vector<Named<Hook>>& list, std::string name, std::shared_ptr<Hook> hook);

  mutable std::mutex mu_;
  std::vector<Named<TransactionHook>> transaction_hooks_;
  std::vector<Named<RecoveryHook>> recovery_hooks_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_HOOK_REGISTRY_H_
