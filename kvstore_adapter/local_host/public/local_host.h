// LocalHost: a single-node, in-memory Host that does every hosting duty of
// kvstore_adapter/public/*.h — the smallest complete example of the adapter
// interface (the worked example of docs/HOSTING.md), a deterministic host for
// plugin tests, and the second host of the conformance suite. Not a product:
// its state and ledger live in memory only.
//
// What it keeps:
//  - a ledger: one LocalLedgerEntry per version, public writes in the clear,
//    private writes encrypted under the ledger secret in force, the whole
//    entry authenticated by AES-256-GCM (its version, secret version,
//    previous entry digest and public writes are the AAD), and the entries
//    chained: each names the SHA-256 of the entry before it, so an entry
//    digest commits to the whole ledger up to it, and the digest of the
//    last committed entry is kept to chain the next commit to;
//  - the committed state (a MemoryState), applied from the same writes;
//  - the newest ledger secret; every older one is kept recoverable in the
//    ledger under its successor (the public table local_host.secret_chain);
//  - the membership: public records in local_host.nodes, changed only by
//    AdmitNode / TrustNode / RetireNode (or genesis and recovery);
//  - the domain of every table the ledger has written (a table name belongs
//    to one domain for the life of a ledger, types.h), rebuilt by recovery;
//  - the service identity (docs/SERVICE_IDENTITY.md, hosting duty 9): a
//    ServiceKey made for each service (genesis, and every recovery), whose
//    id is the service id. Its public record, in local_host.service, chains
//    each recovered service to the one before it (an endorsement by the old
//    key); its private key is in memory and, in the ledger, only in the
//    private table local_host.service_key, which only the genesis and a
//    recovered service's first commit write. Hooks sign with it through
//    CommitContext::service_signer and never see the key. (In-process
//    readers of the private domain, state() and Transaction::Get, can read
//    that table, as they can any private table: they are the host's own
//    trust domain.)
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
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/public/service_identity.h"

namespace ledgerseal::kv {

// Move-only (service_key_pkcs8 is wiped memory).
struct LocalHostOptions {
  // node_id is required. service_id is the host's to fill in: a service id
  // is ServiceIdOf(the service identity's public key), so it cannot be
  // chosen. Leave it empty; a non-empty one is refused (kInvalidArgument)
  // unless it is the id of service_key_pkcs8 below.
  NodeIdentity node{};
  // Makes what this node presents for plugins (NodeMember::join_payload) in
  // the service it starts, for that service's identity (the sealing plugin
  // seals its recovery key bound to it): called once by Create with the
  // genesis identity, and once by Recover with the NEW identity, after
  // replay. Called on the caller's thread, before the host is returned and
  // without any of its locks. Null: an empty payload. Its error fails
  // Create / Recover as it is.
  JoinPayloadFactory join_payload_for{};
  // Recover only: the sealing identity this node had in the service being
  // recovered (RecoveryContext::previous_sealing_identity); may be empty.
  std::string previous_sealing_identity{};
  // Recover only: the operator's pin, the service id of the service being
  // recovered (RecoveryContext::expected_previous_service_id). Not empty:
  // hooks refuse material of another service, and Recover refuses a ledger
  // whose last service is another. Empty: no pin.
  std::string expected_previous_service_id{};
  // TEST HOOK: the identity of the service this host starts (the genesis by
  // Create, the new service by Recover), as ServiceKey::ToPkcs8Der made it,
  // for tests that need to know or reuse a key. Empty (production): a fresh
  // ServiceKey::Generate() from OpenSSL's DRBG. Never give two services one
  // key: Recover refuses the key of the service it recovers.
  SecretBytes service_key_pkcs8{};
  // Where ledger secrets and IVs come from. Null: OpenSSL's DRBG. The host
  // calls it from one thread at a time. (The service key does not come from
  // here: see service_key_pkcs8.)
  std::shared_ptr<crypto::RandomSource> random{};
};

// One committed version as the ledger keeps it. Copyable: a test "stops" a
// host by copying its ledger and destroying the host. An entry's digest is
// the SHA-256 of its canonical encoding: the entry's AAD (label, version,
// secret version, previous entry digest, public writes), then the
// length-prefixed IV, ciphertext and tag ("entry bytes" in
// local_ledger_format.h). Entry V > 1 carries the digest of entry V - 1
// (previous_entry_digest, authenticated with the entry), so the entries form
// a hash chain; a recovered service's record (recovered_tail_digest) binds
// the digest of the last replayed entry, and with it the whole prefix.
struct LocalLedgerEntry {
  Version version = kNoVersion;
  uint64_t ledger_secret_version = 0;  // the secret the entry is sealed under
  // SHA-256 of entry version - 1's encoding (32 bytes); empty for version 1.
  Bytes previous_entry_digest;
  WriteSet public_writes;  // Domain::kPublic tables, in the clear
  // The private writes, AES-256-GCM under the ledger secret.
  std::string iv;
  std::string ciphertext;
  std::string tag;
};
using LocalLedger = std::vector<LocalLedgerEntry>;

class LocalHost final : public Host {
 public:
  // A fresh host; nothing is committed yet. Create makes the service
  // identity (options.service_key_pkcs8, or a fresh key), sets
  // node().service_id to its id and calls options.join_payload_for with it.
  // The first commit (any commit, or Genesis()) is the genesis: in that same
  // transaction the host draws the first ledger secret, writes the genesis
  // service record (local_host.service) and the private key
  // (local_host.service_key), and records this node as trusted with its join
  // payload; hooks see a rotation and a trusted-nodes change, and the
  // signer. Register hooks before that first commit.
  // Errors: kInvalidArgument (no node id; a service id that is not the id
  // of service_key_pkcs8; a service_key_pkcs8 that is not a P-256 PKCS#8
  // key); what join_payload_for returns; kInternal (key generation failed).
  static Result<std::unique_ptr<LocalHost>> Create(LocalHostOptions options);

  // Recovers a new service from `ledger` (what ledger() returned before a
  // total outage). `register_hooks` registers the plugins' hooks with the
  // new host first. Then, in order: the recovery hooks run (a fresh
  // backwards reader each, before anything is replayed; their
  // RecoveryContext carries options.expected_previous_service_id, and its
  // node.service_id is empty: the new identity is made after replay); the
  // chain of older secrets is unwound from the secret a hook returned;
  // EVERY entry is authenticated under those secrets (versions consecutive
  // from 1), must follow the entry before it (its previous_entry_digest is
  // the digest of the entry replayed before it; empty for entry 1) and is
  // replayed into a fresh state, with the checks of
  // docs/SERVICE_IDENTITY.md §6:
  //  1. every service record verifies against the one before it
  //     (kv::VerifyServiceRecord: the genesis at version 1, then each
  //     successor's predecessor, count, recovered_to, the digest of the
  //     entry before it and the endorsement by the previous key);
  //  2. (entry service ids: LocalHost entries carry none; the service of
  //     each entry is the newest record at or before it);
  //  3. the hook's RecoveredSecret::ledger_secret_version is the secret in
  //     force after found_at_version (LocalHost seals each entry under the
  //     secret in force after it, so: that entry's secret version);
  //  4. the last record's id is the hook's previous_service_id and the pin
  //     (when set), and local_host.service_key holds that record's key.
  // Only then does the new service start: a new identity (service_key_pkcs8
  // or a fresh key), join_payload_for(new identity), and one commit that
  // rotates the secret, retires the old service's other nodes, trusts this
  // node, writes the successor record (recovered_to_version = the last
  // replayed version, recovered_tail_digest = EntryDigest of that entry,
  // endorsed by the old key) and the new private key, chained to that last
  // replayed entry (its previous_entry_digest is that same digest), with
  // CommitContext::recovery set, the NEW key as service_signer and the
  // hook's OnRecovered inside it.
  // On any failure nothing is created and `ledger` is untouched (it is
  // const), so recovery can be retried.
  // Errors: kInvalidArgument (options, as Create; or a service_key_pkcs8
  // that is the recovered service's key); what `register_hooks` and
  // join_payload_for return; kCorruption (versions not consecutive from 1,
  // no service record, a malformed host record, a write to local_host.service
  // other than a record, an authenticated entry writing a table under the
  // other domain than the entries before it);
  // kRecoveryFailed (an empty ledger; a format 1 ledger, whose service
  // record has no identity; a hook error or no hook produced a secret; a
  // secret that is not kLedgerSecretBytes, names an entry outside the
  // ledger, or is not the secret in force after that entry; a chain link or
  // an entry that does not authenticate under the recovered secrets; an
  // entry that authenticates but does not follow the one before it, "entry
  // V does not follow entry V-1" (a genuine entry spliced in from a copy of
  // the ledger that diverged, so a later entry no longer chains to it);
  // "broken_endorsement at version V" for checks 1 and 4; OnRecovered
  // failed); kHookFailed (a transaction hook refused the first commit);
  // kInternal (randomness, key generation, digest or signature failed).
  // Thread safety: may be called from any thread; the hooks and
  // join_payload_for run on it.
  static Result<std::unique_ptr<LocalHost>> Recover(
      const LocalLedger& ledger, LocalHostOptions options,
      const std::function<Status(HookRegistrar&)>& register_hooks);

  // Host (host.h has the contracts). Thread safety: every method may be
  // called from any thread; commits are serialised. node() never changes
  // once Create / Recover returned the host (a service id is fixed per
  // LocalHost; a recovery makes a new host): node().service_id ==
  // service_identity().service_id.
  const NodeIdentity& node() const override { return options_.node; }
  Status RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) override;
  Status RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) override;
  // Never fails.
  Result<std::unique_ptr<Transaction>> BeginTransaction() override;

  // The public identity of the service this host runs (what a joining node
  // makes its join payload for, JoinPayloadFactory). Fixed once Create /
  // Recover returned the host; valid while the host is; any thread.
  const ServiceIdentity& service_identity() const;

  // Host::Commit, with optimistic concurrency: if another transaction
  // committed after `tx` began, `tx` fails with kAborted (retry it), so no
  // update is lost. Fills the CommitContext on every commit; the trusted
  // nodes and service_signer (this service's key; ctx.service_id is its id)
  // exactly when the commit rotates the secret, changes the trusted nodes,
  // admits a node or starts the service (genesis, recovery), and neither on
  // other commits. An empty transaction commits only if the host or the
  // hooks add writes (a genesis, a rotation). Every entry is chained to the
  // one committed before it (LocalLedgerEntry::previous_entry_digest).
  // Errors: kInvalidArgument (a transaction of another host; an empty one;
  // a write to local_host.secret_chain, local_host.service or
  // local_host.service_key; a write to local_host.nodes without
  // trusted_nodes_changed or joining_node; a joining_node whose pending
  // record the transaction does not write; a hook's write to any of those
  // four tables; a table written, by the application or a hook, under the
  // other domain than the ledger has it in — the message names the table),
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
  // AdmitNode takes the payload as the joiner made it, for
  // service_identity(); the host does not look inside it (a plugin's hook
  // may refuse one made for another identity).
  // Errors: kInvalidArgument (an empty or already used node id; a node not
  // in the state the call needs; retiring this host's own node), kNotFound
  // (no such node), and those of Commit.
  Result<Version> AdmitNode(const NodeMember& member);
  Result<Version> TrustNode(std::string_view node_id);
  Result<Version> RetireNode(std::string_view node_id);

  // A copy of the ledger: every committed entry, oldest first. What a total
  // outage leaves (pass it to Recover). Waits for a commit in progress.
  LocalLedger ledger() const;

  // The committed state (tests and tools read it), private domain included;
  // valid while the host is.
  const MemoryState& state() const { return state_; }

 private:
  explicit LocalHost(LocalHostOptions options) : options_(std::move(options)) {}

  // Makes `key` this host's service identity: node().service_id, the join
  // payload, and `record`, the service record the first commit writes.
  // Called once, before the host is handed out (Create) or before the
  // recovered service's first commit (Recover). Errors: join_payload_for's.
  Status SetServiceIdentity(ServiceKey key, ServiceRecord record);

  // Validation, host writes, context, hooks, sealing, apply. Requires
  // commit_mu_. `recovered`: this commit starts a recovered service.
  Result<Version> CommitLocked(SnapshotTransaction& tx, CommitOptions options,
                               const RecoveryOutcome* recovered);
  Result<Version> StartRecoveredService(const RecoveryOutcome& outcome);

  // Set before the host is handed out (Create) or before its first commit
  // (Recover), then fixed: options_.node.service_id, service_key_,
  // join_payload_. options_.service_key_pkcs8 is consumed (wiped) by then.
  LocalHostOptions options_;
  std::optional<ServiceKey> service_key_;
  Bytes join_payload_;
  MemoryState state_;
  HookRegistry hooks_;
  mutable std::mutex commit_mu_;
  // Guarded by commit_mu_.
  bool started_ = false;  // the service's first commit (genesis or recovery) happened
  // The record the service's first commit writes (its created_at_version is
  // that commit's version).
  std::optional<ServiceRecord> start_record_;
  uint64_t secret_version_ = 0;
  std::optional<SecretBytes> secret_;  // the newest ledger secret
  LocalLedger ledger_;
  // EntryDigest of ledger_.back() (empty while ledger_ is): the next
  // entry's previous_entry_digest. Set by each commit, and by Recover to the
  // digest of the last replayed entry.
  Bytes last_entry_digest_;
  // The domain of every table ledger_ writes (by the first entry that wrote
  // it); every commit's final write set is checked against it.
  std::map<std::string, Domain, std::less<>> table_domains_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_PUBLIC_LOCAL_HOST_H_
