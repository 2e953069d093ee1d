// The host as a plugin sees it. A ledger implements this to use ledgerseal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_

#include <memory>
#include <optional>
#include <string>

#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/public/hooks.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/transaction.h"

namespace ledgerseal::kv {

// Where a plugin registers its hooks: a Host, or a host's offline recovery
// (which has hooks but serves no transactions).
//
// Placement (hooks.h): register the transaction hooks on EVERY node, since
// any node may become the primary; recovery hooks run only when a node opens
// an existing ledger in recovery mode, so registering them on every node is
// harmless and keeps one code path.
//
// Thread safety: may be called from any thread. Register hooks before the
// host serves its first transaction or starts recovery; a hook registered
// later may miss transactions.
class HookRegistrar {
 public:
  virtual ~HookRegistrar() = default;

  // Registers a hook under a unique `name` (used in error messages). The host
  // shares ownership; hooks run in registration order.
  // Errors: kInvalidArgument for an empty or duplicate name, or a null hook.
  [[nodiscard]] virtual Status RegisterTransactionHook(std::string name,
                                                       std::shared_ptr<TransactionHook> hook) = 0;
  [[nodiscard]] virtual Status RegisterRecoveryHook(std::string name,
                                                    std::shared_ptr<RecoveryHook> hook) = 0;
};

// What a commit does beyond the transaction's own writes: the events the
// plugin seals for. The host acts on them (a new ledger secret, membership
// records) and tells the hooks through the transaction's CommitContext, so
// that what hooks add commits in the SAME transaction as the event.
struct CommitOptions {
  // Rotate the ledger secret in this transaction: the host makes a new
  // kLedgerSecretBytes-byte secret, keeps the previous one recoverable under
  // it (see CommitContext), and encrypts every later entry under it. Whether
  // the rotating entry itself is under the old or the new secret is the
  // host's choice (the reference host: old, so a node being retired in it
  // can still apply it; LocalHost: new); recovery must handle its own choice.
  bool rotate_secret = false;
  // The transaction trusts, retires or removes a node (its own writes change
  // the host's membership records).
  bool trusted_nodes_changed = false;
  // The node this transaction admits, with the join payload it presented.
  std::optional<NodeMember> joining_node{};
  // An operator's request for a plugin, handed to the transaction hooks in
  // CommitContext::plugin_request. Requires rotate_secret (a request
  // changes who may recover a secret, so it starts a new one): without it
  // the host refuses the commit with kInvalidArgument.
  std::optional<PluginRequest> plugin_request{};
};

// Thread safety: all methods may be called from any thread.
class Host : public HookRegistrar {
 public:
  virtual const NodeIdentity& node() const = 0;

  // Starts a transaction reading the latest committed state.
  // Errors: kIoError, kUnavailable (the host is not serving).
  [[nodiscard]] virtual Result<std::unique_ptr<Transaction>> BeginTransaction() = 0;

  // Fills the transaction's CommitContext, runs the transaction hooks (each
  // may add writes), then commits `tx` and the hooks' writes atomically as
  // one version, doing what `options` asks in the same transaction. Returns
  // the version it committed at. On any error nothing of `tx` is committed.
  // Errors: kHookFailed (a hook refused; the message names it),
  // kNotPrimary, kAborted (another transaction committed first: retry),
  // kUnavailable (may or may not have committed: timed out or stopping),
  // kIoError, kInvalidArgument (a transaction of another host, or an empty
  // one), kNotFound (no ledger secret yet and no rotation).
  [[nodiscard]] virtual Result<Version> Commit(std::unique_ptr<Transaction> tx,
                                               const CommitOptions& options) = 0;

  // Commit(tx, {}): an ordinary transaction.
  [[nodiscard]] Result<Version> Commit(std::unique_ptr<Transaction> tx) {
    return Commit(std::move(tx), CommitOptions{});
  }
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOST_H_
