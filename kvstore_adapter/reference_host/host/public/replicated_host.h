// The reference host as the adapter interface sees it: transactions over the
// local store, committed by proposing an encrypted ledger entry to Raft.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_REPLICATED_HOST_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_REPLICATED_HOST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/fifo_mutex.h"
#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"
#include "kvstore_adapter/store/public/store.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::kv {

struct ReplicatedHostDeps {
  NodeIdentity identity;  // service_id is replaced by genesis / recovery commits
  Store* store = nullptr;                   // applied to by the state machine only
  // The state machine applying to `store`: each entry chains to the digest
  // of the one it last applied (LedgerStateMachine::last_entry).
  const LedgerStateMachine* state_machine = nullptr;
  secrets::LedgerSecrets* secrets = nullptr;
  crypto::RandomSource* random = nullptr;   // entry IVs, new secrets; thread-safe
  uint32_t commit_timeout_ms = 10'000;      // a proposal not applied by then: kUnavailable
};

// A commit as the reference host's own node code makes it: the interface's
// CommitOptions (kv::CommitOptions, host.h), plus starting a service.
struct ServiceCommitOptions {
  // Rotate the ledger secret in this transaction (a new secret for every
  // node not retired; the previous one chained under it). With no secret
  // yet (genesis) the entry itself is encrypted under the new secret.
  bool rotate_secret = false;
  // The transaction trusts, retires or removes a node.
  bool trusted_nodes_changed = false;
  std::optional<NodeMember> joining_node{};  // the node this transaction admits
  // CommitOptions::plugin_request: requires rotate_secret.
  std::optional<PluginRequest> plugin_request{};
  // Non-empty: the transaction starts service `new_service_id` (genesis or
  // recovery); its entry and every later one carry it.
  std::string new_service_id{};
  // The first transaction of a recovered service: OnRecovered of the hook
  // that produced the secret runs after the transaction hooks.
  const RecoveryOutcome* recovered = nullptr;
  // With new_service_id: the new service's identity (its id must be
  // new_service_id), handed to hooks as the CommitContext's signer. The
  // caller writes its ledger.service and ledger.service_key records in the
  // same transaction. Without: the signer is the current service's key,
  // read from ledger.service_key.
  const ServiceKey* new_service_key = nullptr;
};

// Thread safety: every method may be called from any thread; commits are
// serialised (one proposal in flight), which is what keeps a primary's own
// transactions from aborting each other.
class ReplicatedHost : public Host {
 public:
  // Pointers in `deps` and `hooks` must outlive the host. Attach the Raft
  // node before the first commit.
  ReplicatedHost(ReplicatedHostDeps deps, HookRegistry* hooks);

  // `raft` must outlive the host (or be detached with nullptr first).
  void AttachRaft(replication::RaftNode* raft);

  const NodeIdentity& node() const override;
  Status RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) override;
  Status RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) override;
  Result<std::unique_ptr<Transaction>> BeginTransaction() override;

  // The interface's commit: CommitWith with `options` and no new service.
  using Host::Commit;
  Result<Version> Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) override;

  // Fills the commit context (for rotations, membership changes, admissions
  // and service starts also the trusted nodes and the service signer), runs
  // the hooks, encodes the entry (version = read_version + 1) under the
  // secret in force, chained to the entry at read_version (its
  // previous_entry_digest), proposes it and waits until this node applied it.
  // Errors: kNotPrimary (not the leader, or a new leader that has not yet
  // applied its predecessors' entries; the message names the leader),
  // kAborted (another transaction committed first, or leadership was lost:
  // retry), kHookFailed, kInvalidArgument (foreign or empty transaction),
  // kUnavailable (timed out or stopping: it MAY have committed), kIoError,
  // kNotFound (no ledger secret and no rotation; or no service identity key
  // where the context needs a signer), kCorruption (the stored identity key
  // is not the current service's).
  Result<Version> CommitWith(std::unique_ptr<Transaction> tx, const ServiceCommitOptions& options);

  // Begins a transaction, lets `build` fill it, and commits it, all in one
  // turn of the commit queue. Turns are taken first come, first served
  // (base::FifoMutex), and nothing commits between this transaction's read
  // and its commit: it never fails with kAborted because a write raced it,
  // and a stream of writes cannot starve it. For the host's own changes
  // (rotations, membership) and blind writes; a transaction whose client
  // reads before deciding what to write uses BeginTransaction/Commit.
  // `build` runs holding the queue: it may only read and write `tx` (never
  // commit, never wait on the network). Errors: `build`'s, returned as they
  // are with nothing committed; kNotPrimary before `build` runs; otherwise
  // CommitWith's (kAborted only if leadership changed under it).
  Result<Version> CommitInOrder(const std::function<Status(Transaction& tx)>& build,
                                const ServiceCommitOptions& options);

  // The service the host commits for (empty before genesis / recovery).
  std::string service_id() const;
  // For a joiner: the service it joined (before any commit of its own).
  void SetServiceId(std::string service_id);

 private:
  struct CommitSecrets;
  Status CheckPrimary() const;
  // `drawn`: the secret handed to hooks earlier as the next rotation's
  // (CommitContext::next_rotation), put in force if rotating; may be null.
  Result<CommitSecrets> PrepareSecrets(SnapshotTransaction& tx,
                                       const std::vector<::ledgerseal::ledger::v1::NodeInfo>& nodes,
                                       bool rotate, const SecretBytes* drawn);
  // Fills ctx.next_rotation: the secret of the next rotation, drawn now if
  // none is held for `next_version` (best effort: none on a failed draw).
  void OfferNextRotation(CommitContext& ctx, uint64_t next_version);
  void FillContext(CommitContext& ctx, const std::vector<::ledgerseal::ledger::v1::NodeInfo>& nodes,
                   const ServiceCommitOptions& options, const CommitSecrets& secrets) const;
  Result<const ServiceKey*> SignerFor(SnapshotTransaction& tx, const ServiceCommitOptions& options);
  Status RunHooks(SnapshotTransaction& tx, const ServiceCommitOptions& options);
  Status PrepareRotation(SnapshotTransaction& tx, const std::vector<::ledgerseal::ledger::v1::NodeInfo>& nodes,
                         uint64_t new_version, const SecretBytes& new_secret,
                         std::optional<secrets::PreviousSecret> previous);
  Result<const crypto::RsaPublicKey*> PublicKeyOf(const ::ledgerseal::ledger::v1::NodeInfo& node);
  Result<Version> Propose(Bytes entry, Version version);
  // CommitWith's work; the caller holds commit_queue_.
  Result<Version> CommitHoldingQueue(std::unique_ptr<Transaction> tx, const ServiceCommitOptions& options);

  ReplicatedHostDeps deps_;
  HookRegistry* hooks_;
  mutable std::mutex mu_;  // guards raft_, identity service id
  replication::RaftNode* raft_ = nullptr;
  // One commit at a time, in arrival order; held across the proposal.
  base::FifoMutex commit_queue_;
  // Parsed encryption keys by DER (parsing costs ~0.1 ms; nodes rarely change).
  std::map<std::string, std::unique_ptr<crypto::RsaPublicKey>> key_cache_;
  // The current service's identity key, read from ledger.service_key on the
  // first commit that needs a signer (guarded by commit_queue_).
  // Shared: hooks may sign with it on a background thread
  // (CommitContext::next_rotation), after the service changed here.
  std::shared_ptr<const ServiceKey> service_key_;
  // The ledger secret of the next rotation, version next_secret_version_,
  // drawn ahead and offered to hooks (guarded by commit_queue_). Taken by
  // the next rotation attempt, whatever its outcome: a secret is put in
  // force at most once.
  std::shared_ptr<const SecretBytes> next_secret_;
  uint64_t next_secret_version_ = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_REPLICATED_HOST_H_
