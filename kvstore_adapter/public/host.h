// The host as a plugin sees it. A ledger implements this to use ledgerseal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_

#include <memory>
#include <string>

#include "kvstore_adapter/public/hooks.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/transaction.h"

namespace ledgerseal::kv {

// Thread safety: all methods may be called from any thread.
class Host {
 public:
  virtual ~Host() = default;

  virtual const NodeIdentity& node() const = 0;

  // Registers a hook under a unique `name` (used in error messages). The host
  // shares ownership. Errors: kInvalidArgument for a duplicate name or null.
  // Register hooks before the host starts serving transactions.
  virtual Status RegisterTransactionHook(std::string name,
                                         std::shared_ptr<TransactionHook> hook) = 0;
  virtual Status RegisterRecoveryHook(std::string name,
                                      std::shared_ptr<RecoveryHook> hook) = 0;

  // Starts a transaction reading the latest committed state.
  virtual Result<std::unique_ptr<Transaction>> BeginTransaction() = 0;

  // Runs the transaction hooks, then commits `tx` atomically. Returns the
  // version it committed at. On any error nothing of `tx` is committed.
  // Errors: kHookFailed, kNotPrimary, kAborted, kIoError, kInvalidArgument
  // (a transaction of another host, or an empty one).
  virtual Result<Version> Commit(std::unique_ptr<Transaction> tx) = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_
