// A single-node, non-replicated Host over the encrypted store.
//
// It runs the same hook protocol as the replicated reference host, which makes
// it the smallest complete example of the adapter interface and a
// deterministic host for plugin tests. It keeps no ledger files, so it has no
// recovery mode: recovery needs the reference host.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_

#include <memory>
#include <mutex>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/host_support/public/memory_state.h"

namespace ledgerseal::kv {

class LocalHost : public Host {
 public:
  explicit LocalHost(NodeIdentity node);

  const NodeIdentity& node() const override { return node_; }
  Status RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) override;
  Status RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) override;
  Result<std::unique_ptr<Transaction>> BeginTransaction() override;

  // Commits are serialised. Optimistic concurrency: if another transaction
  // committed after `tx` began, `tx` fails with kAborted (retry it), so no
  // update is lost. Errors: as Host::Commit, plus kAborted for that conflict.
  using Host::Commit;
  Result<Version> Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) override;

  // The committed state (tests and tools read it).
  const MemoryState& state() const { return state_; }

 private:
  NodeIdentity node_;
  MemoryState state_;
  HookRegistry hooks_;
  std::mutex commit_mu_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_
