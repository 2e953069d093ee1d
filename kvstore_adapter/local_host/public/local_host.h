// LocalHost: a single-node, in-memory Host that does every hosting duty of
// kvstore_adapter/public/*.h — the smallest complete example of the adapter
// interface (the worked example of docs/HOSTING.md), a deterministic host for
// plugin tests, and the second host of the conformance suite. Not a product:
// its state and ledger live in memory only.
//
// What it keeps:
//  - a ledger: one LocalLedgerEntry per version, public writes in the clear,
//    private writes encrypted under the ledger secret in force, the whole
//    entry authenticated by AES-256-GCM (its version and public writes are
//    the AAD);
//  - the committed state (a MemoryState), applied from the same writes;
//  - the newest ledger secret; every older one is kept recoverable in the
//    ledger under its successor (the public table local_host.secret_chain);
//  - the membership: public records in local_host.nodes, changed only by
//    AdmitNode / TrustNode / RetireNode (or genesis and recovery);
//  - the domain of every table the ledger has written (a table name belongs
//    to one domain for the life of a ledger, types.h), rebuilt by recovery.
//
// Its lifecycle: Create (a fresh host; its first commit is the genesis), or
// Recover (a new service from the ledger a stopped LocalHost left); ledger()
// hands out the ledger for a simulated total outage.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/host_support/public/memory_state.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/public/host.h"

namespace ledgerseal::kv {

struct LocalHostOptions {
  // node_id is required. service_id names the service this host runs: empty
  // means 32 hex digits drawn from `random` (a recovered service must get an
  // id different from the one it recovers).
  NodeIdentity node{};
  // What this node presents for plugins (NodeMember::join_payload) when it
  // starts a service, by genesis or by recovery; may be empty.
  Bytes join_payload{};
  // Recover only: the sealing identity this node had in the service being
  // recovered (RecoveryContext::previous_sealing_identity); may be empty.
  std::string previous_sealing_identity{};
  // Where ledger secrets, IVs and service ids come from. Null: OpenSSL's
  // DRBG. The host calls it from one thread at a time.
  std::shared_ptr<crypto::RandomSource> random{};
};

// One committed version as the ledger keeps it. Copyable: a test "stops" a
// host by copying its ledger and destroying the host.
struct LocalLedgerEntry {
  Version version = kNoVersion;
  uint64_t ledger_secret_version = 0;  // the secret the entry is sealed under
  WriteSet public_writes;              // Domain::kPublic tables, in the clear
  // The private writes, AES-256-GCM under the ledger secret.
  std::string iv;
  std::string ciphertext;
  std::string tag;
};
using LocalLedger = std::vector<LocalLedgerEntry>;

class LocalHost final : public Host {
 public:
  // A fresh host; nothing is committed yet. Its first commit (any commit,
  // or Genesis()) is the genesis: in that same transaction the host draws
  // the first ledger secret and records this node as trusted with
  // options.join_payload, and hooks see a rotation and a trusted-nodes
  // change. Register hooks before that first commit.
  // Errors: kInvalidArgument (no node id), kInternal (randomness failed).
  static Result<std::unique_ptr<LocalHost>> Create(LocalHostOptions options);

  // Recovers a new service from `ledger` (what ledger() returned before a
  // total outage). `register_hooks` registers the plugins' hooks with the
  // new host first. Then, in order: the recovery hooks run (a fresh
  // backwards reader each, before anything is replayed); the chain of older
  // secrets is unwound from the secret a hook returned; EVERY entry is
  // authenticated under those secrets (versions consecutive from 1) and
  // replayed into a fresh state; only then does the new service start: one
  // commit that rotates the secret, retires the old service's other nodes,
  // trusts this node and records the previous service id, with
  // CommitContext::recovery set and the hook's OnRecovered inside it.
  // On any failure nothing is created and `ledger` is untouched (it is
  // const), so recovery can be retried.
  // Errors: kInvalidArgument (options; or a service id equal to the
  // recovered one); what `register_hooks` returns; kCorruption (versions not
  // consecutive from 1, no service record, a malformed host record, an
  // authenticated entry writing a table under the other domain than the
  // entries before it);
  // kRecoveryFailed (an empty ledger; a hook error or no hook produced a
  // secret; a secret that is not kLedgerSecretBytes or names an entry
  // outside the ledger; a chain link or an entry that does not authenticate
  // under the recovered secrets; OnRecovered failed); kHookFailed (a
  // transaction hook refused the first commit); kInternal (randomness).
  // Thread safety: may be called from any thread; the hooks run on it.
  static Result<std::unique_ptr<LocalHost>> Recover(
      const LocalLedger& ledger, LocalHostOptions options,
      const std::function<Status(HookRegistrar&)>& register_hooks);

  // Host (host.h has the contracts). Thread safety: every method may be
  // called from any thread; commits are serialised. node() never changes
  // (a service id is fixed per LocalHost; a recovery makes a new host).
  const NodeIdentity& node() const override { return options_.node; }
  Status RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) override;
  Status RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) override;
  // Never fails.
  Result<std::unique_ptr<Transaction>> BeginTransaction() override;

  // Host::Commit, with optimistic concurrency: if another transaction
  // committed after `tx` began, `tx` fails with kAborted (retry it), so no
  // update is lost. Fills the CommitContext on every commit (trusted nodes
  // included). An empty transaction commits only if the host or the hooks
  // add writes (a genesis, a rotation).
  // Errors: kInvalidArgument (a transaction of another host; an empty one;
  // a write to local_host.secret_chain or local_host.service; a write to
  // local_host.nodes without trusted_nodes_changed or joining_node; a
  // joining_node whose pending record the transaction does not write; a
  // hook's write to any of those three tables; a table written, by the
  // application or a hook, under the other domain than the ledger has it
  // in — the message names the table),
  // kAborted, kHookFailed, kCorruption (a malformed membership record),
  // kInternal (randomness or OpenSSL failed).
  using Host::Commit;
  Result<Version> Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) override;

  // Commits the genesis with no application writes. Returns its version (1).
  // Errors: kInvalidArgument (the service has started); as Commit.
  Result<Version> Genesis();

  // Membership, each one commit through Commit with the right options:
  // AdmitNode records `member` as pending (CommitOptions::joining_node);
  // TrustNode makes a pending node trusted and RetireNode a trusted node
  // retired (CommitOptions::trusted_nodes_changed). Return the version.
  // Errors: kInvalidArgument (an empty or already used node id; a node not
  // in the state the call needs; retiring this host's own node), kNotFound
  // (no such node), and those of Commit.
  Result<Version> AdmitNode(const NodeMember& member);
  Result<Version> TrustNode(std::string_view node_id);
  Result<Version> RetireNode(std::string_view node_id);

  // A copy of the ledger: every committed entry, oldest first. What a total
  // outage leaves (pass it to Recover). Waits for a commit in progress.
  LocalLedger ledger() const;

  // The committed state (tests and tools read it); valid while the host is.
  const MemoryState& state() const { return state_; }

 private:
  explicit LocalHost(LocalHostOptions options) : options_(std::move(options)) {}

  // Validation, host writes, context, hooks, sealing, apply. Requires
  // commit_mu_. `recovered`: this commit starts a recovered service.
  Result<Version> CommitLocked(SnapshotTransaction& tx, CommitOptions options,
                               const RecoveryOutcome* recovered);
  Result<Version> StartRecoveredService(const RecoveryOutcome& outcome,
                                        const std::string& previous_service_id);

  const LocalHostOptions options_;
  MemoryState state_;
  HookRegistry hooks_;
  mutable std::mutex commit_mu_;
  // Guarded by commit_mu_.
  bool started_ = false;  // the service's first commit (genesis or recovery) happened
  uint64_t secret_version_ = 0;
  std::optional<SecretBytes> secret_;  // the newest ledger secret
  LocalLedger ledger_;
  // The domain of every table ledger_ writes (by the first entry that wrote
  // it); every commit's final write set is checked against it.
  std::map<std::string, Domain, std::less<>> table_domains_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_
