#include "kvstore_adapter/reference_host/host/public/replicated_host.h"

#include "base/check.h"
#include <chrono>

#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"

namespace ledgerseal::kv {

namespace pb = ::ledgerseal::ledger::v1;

namespace {
constexpr int kCommitInOrderAttempts = 3;
}  // namespace

ReplicatedHost::ReplicatedHost(ReplicatedHostDeps deps, HookRegistry* hooks)
    : deps_(std::move(deps)), hooks_(hooks) {
  LEDGERSEAL_CHECK(deps_.store && deps_.state_machine && deps_.secrets && deps_.random && hooks_);
}

void ReplicatedHost::AttachRaft(replication::RaftNode* raft) {
  std::lock_guard lock(mu_);
  raft_ = raft;
}

const NodeIdentity& ReplicatedHost::node() const { return deps_.identity; }

std::string ReplicatedHost::service_id() const {
  std::lock_guard lock(mu_);
  return deps_.identity.service_id;
}

void ReplicatedHost::SetServiceId(std::string service_id) {
  std::lock_guard lock(mu_);
  deps_.identity.service_id = std::move(service_id);
}

Status ReplicatedHost::RegisterTransactionHook(std::string name,
                                               std::shared_ptr<TransactionHook> hook) {
  return hooks_->RegisterTransactionHook(std::move(name), std::move(hook));
}

Status ReplicatedHost::RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) {
  return hooks_->RegisterRecoveryHook(std::move(name), std::move(hook));
}

Result<std::unique_ptr<Transaction>> ReplicatedHost::BeginTransaction() {
  return std::make_unique<SnapshotTransaction>(this, deps_.store->Snapshot());
}

Result<Version> ReplicatedHost::Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) {
  return CommitWith(std::move(tx), {.rotate_secret = options.rotate_secret,
                                    .trusted_nodes_changed = options.trusted_nodes_changed,
                                    .joining_node = options.joining_node,
                                    .plugin_request = options.plugin_request});
}

Status ReplicatedHost::CheckPrimary() const {
  std::lock_guard lock(mu_);
  if (raft_ == nullptr) return MakeError(ErrorCode::kUnavailable, "the node is not replicating yet");
  if (raft_->IsLeader() && raft_->ready_for_reads()) return {};
  const auto leader = raft_->Leader();
  std::string where = "no leader is known";
  if (leader && leader->id == raft_->id()) {
    where = "this node was just elected and is still applying its predecessors' entries";
  } else if (leader) {
    where = "leader: id=" + std::to_string(leader->id) + " address=" + leader->address;
  }
  return MakeError(ErrorCode::kNotPrimary, "not the primary (" + where + ")");
}

Result<const crypto::RsaPublicKey*> ReplicatedHost::PublicKeyOf(const pb::NodeInfo& node) {
  auto& cached = key_cache_[node.encryption_public_key_der()];
  if (!cached) {
    auto key = crypto::RsaPublicKey::FromDer(AsBytes(node.encryption_public_key_der()));
    if (!key) {
      key_cache_.erase(node.encryption_public_key_der());
      return MakeError(ErrorCode::kCorruption,
                       "node '" + node.node_id() + "' has an unusable encryption key: " +
                           key.error().ToString());
    }
    cached = std::make_unique<crypto::RsaPublicKey>(std::move(*key));
  }
  return cached.get();
}

Status ReplicatedHost::PrepareRotation(SnapshotTransaction& tx,
                                       const std::vector<pb::NodeInfo>& nodes,
                                       uint64_t new_version, const SecretBytes& new_secret,
                                       std::optional<secrets::PreviousSecret> previous) {
  std::vector<secrets::SecretRecipient> recipients;
  for (const pb::NodeInfo* n : membership::SecretRecipients(nodes)) {
    auto key = PublicKeyOf(*n);
    if (!key) return std::unexpected(key.error());
    recipients.push_back({n->node_id(), *key});
  }
  WriteSet rotation;
  if (auto s = secrets::WriteRotation(rotation, *deps_.random, new_version, new_secret, previous,
                                      recipients);
      !s) {
    return s;
  }
  return tx.MergeWrites(rotation);
}

// The secret the entry is encrypted under, and the one in force after it.
// An ordinary rotation's entry is under `current` (every node can open it
// and learns `fresh` from it). A service start's entry — genesis (no
// current) or a recovery's first — is under `fresh`: a recovery's entry
// carries the new service's private key, which must not be readable with
// the old service's last secret (old nodes could unseal that one).
struct ReplicatedHost::CommitSecrets {
  uint64_t current_version = 0;
  std::optional<SecretBytes> current;
  std::optional<SecretBytes> fresh;  // set when the commit rotates
  bool under_fresh = false;          // the entry is encrypted under `fresh`

  uint64_t fresh_version() const { return current_version + 1; }
  const SecretBytes& entry_secret() const { return under_fresh ? *fresh : *current; }
  uint64_t entry_secret_version() const { return under_fresh ? fresh_version() : current_version; }
  const SecretBytes& after() const { return fresh ? *fresh : *current; }
  uint64_t after_version() const { return fresh ? fresh_version() : current_version; }
};

Result<ReplicatedHost::CommitSecrets> ReplicatedHost::PrepareSecrets(
    SnapshotTransaction& tx, const std::vector<pb::NodeInfo>& nodes, bool rotate, const SecretBytes* drawn) {
  CommitSecrets out;
  out.current_version = deps_.secrets->latest_version();
  if (out.current_version != 0) {
    auto s = deps_.secrets->Get(out.current_version);
    if (!s) return std::unexpected(s.error());
    out.current = std::move(*s);
  }
  if (rotate && drawn != nullptr) {
    LEDGERSEAL_CHECK(drawn->size() == kLedgerSecretBytes);
    out.fresh = drawn->Clone();
  } else if (rotate) {
    auto s = secrets::NewSecret(*deps_.random);
    if (!s) return std::unexpected(s.error());
    out.fresh = std::move(*s);
  }
  if (rotate) {
    std::optional<secrets::PreviousSecret> previous;
    if (out.current) previous = secrets::PreviousSecret{out.current_version, &*out.current};
    if (auto p = PrepareRotation(tx, nodes, out.fresh_version(), *out.fresh, previous); !p) {
      return std::unexpected(p.error());
    }
  }
  if (!out.current && !out.fresh) {
    return MakeError(ErrorCode::kNotFound, "no ledger secret: the service has not started");
  }
  return out;
}

void ReplicatedHost::FillContext(CommitContext& ctx, const std::vector<pb::NodeInfo>& nodes,
                                 const ServiceCommitOptions& options, const CommitSecrets& secrets) const {
  ctx.service_id = options.new_service_id.empty() ? service_id() : options.new_service_id;
  ctx.ledger_secret = &secrets.after();
  ctx.ledger_secret_version = secrets.after_version();
  ctx.rotates_ledger_secret = options.rotate_secret;
  ctx.trusted_nodes = membership::TrustedMembers(nodes);
  ctx.trusted_nodes_changed = options.trusted_nodes_changed;
  ctx.joining_node = options.joining_node;
  ctx.plugin_request = options.plugin_request;
  ctx.recovery = options.recovered != nullptr;
}

Result<const ServiceKey*> ReplicatedHost::SignerFor(SnapshotTransaction& tx, const ServiceCommitOptions& options) {
  if (options.new_service_key != nullptr) {
    // The caller's new identity: its id is the service the entry starts.
    if (options.new_service_key->identity().service_id != options.new_service_id) {
      return MakeError(ErrorCode::kInvalidArgument, "the new service key is not service " + options.new_service_id);
    }
    return options.new_service_key;
  }
  const std::string current = service_id();
  if (!service_key_ || service_key_->identity().service_id != current) {
    service_key_.reset();
    auto key = membership::GetServiceKey(tx);
    if (!key) return std::unexpected(key.error());
    // The key and the id both come from this node's own store; a mismatch is
    // a host bug or a ledger of another service, never something to sign for.
    if (key->identity().service_id != current) {
      return MakeError(ErrorCode::kCorruption, "the stored service identity key is service " +
                                                   key->identity().service_id + ", not " + current);
    }
    service_key_ = std::make_shared<const ServiceKey>(std::move(*key));
  }
  return service_key_.get();
}

void ReplicatedHost::OfferNextRotation(CommitContext& ctx, uint64_t next_version) {
  if (!next_secret_ || next_secret_version_ != next_version) {
    next_secret_.reset();
    auto s = secrets::NewSecret(*deps_.random);
    if (!s) return;  // the hooks then do all their work at the next rotation
    next_secret_ = std::make_shared<const SecretBytes>(std::move(*s));
    next_secret_version_ = next_version;
  }
  ctx.next_rotation = CommitContext::NextRotation{
      .ledger_secret_version = next_version, .ledger_secret = next_secret_, .signer = service_key_};
}

Status ReplicatedHost::RunHooks(SnapshotTransaction& tx, const ServiceCommitOptions& options) {
  if (auto s = hooks_->RunTransactionHooks(tx); !s) return s;
  if (options.recovered) {
    if (auto s = hooks_->RunOnRecovered(tx, *options.recovered); !s) return s;
  }
  if (tx.writes().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an empty transaction cannot commit");
  }
  return {};
}

Result<Version> ReplicatedHost::CommitWith(std::unique_ptr<Transaction> tx,
                                           const ServiceCommitOptions& options) {
  std::lock_guard turn(commit_queue_);
  return CommitHoldingQueue(std::move(tx), options);
}

Result<Version> ReplicatedHost::CommitInOrder(const std::function<Status(Transaction& tx)>& build,
                                              const ServiceCommitOptions& options) {
  std::lock_guard turn(commit_queue_);
  // Holding the queue, only a change of leader can move the applied version
  // under the transaction (kAborted: nothing committed, so trying again is
  // safe); a node that lost the lead then answers kNotPrimary.
  Result<Version> committed = MakeError(ErrorCode::kAborted, "no attempt");
  for (int attempt = 0; attempt < kCommitInOrderAttempts; ++attempt) {
    if (auto s = CheckPrimary(); !s) return std::unexpected(s.error());
    auto tx = BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    if (auto s = build(**tx); !s) return std::unexpected(s.error());
    committed = CommitHoldingQueue(std::move(*tx), options);
    if (committed || committed.error().code != ErrorCode::kAborted) break;
  }
  return committed;
}

Result<Version> ReplicatedHost::CommitHoldingQueue(std::unique_ptr<Transaction> tx,
                                                   const ServiceCommitOptions& options) {
  auto* own = dynamic_cast<SnapshotTransaction*>(tx.get());
  if (own == nullptr || own->owner() != this) {
    return MakeError(ErrorCode::kInvalidArgument, "the transaction was not begun on this host");
  }
  if (auto s = CheckPrimary(); !s) return std::unexpected(s.error());
  if (options.plugin_request && !options.rotate_secret) {
    return MakeError(ErrorCode::kInvalidArgument, "a plugin request ('" + options.plugin_request->plugin +
                                                      "') must rotate the ledger secret in the same transaction");
  }
  const Version applied = deps_.store->applied_version();
  if (own->read_version() != applied) {
    return MakeError(ErrorCode::kAborted, "conflict: version " + std::to_string(applied) +
                                              " committed after the transaction began at " +
                                              std::to_string(own->read_version()));
  }
  // The entry chains to the one at `applied` (docs/FORMAT.md §10.3).
  auto last = deps_.state_machine->last_entry();
  if (last.version != applied) {
    return MakeError(ErrorCode::kAborted, "conflict: the state machine is at version " +
                                              std::to_string(last.version) + ", the store at " +
                                              std::to_string(applied));
  }
  if (!last.digest) {
    return MakeError(ErrorCode::kCorruption,
                     "the digest of entry " + std::to_string(applied) + " is not known: cannot chain to it");
  }
  // The node records matter only to rotations and membership changes; an
  // ordinary commit does not read the nodes table.
  const bool membership_matters = options.rotate_secret || options.trusted_nodes_changed ||
                                  options.joining_node || options.recovered != nullptr;
  auto nodes = membership_matters ? membership::ListNodes(*own)
                                  : Result<std::vector<pb::NodeInfo>>(std::vector<pb::NodeInfo>());
  if (!nodes) return std::unexpected(nodes.error());
  // The secret offered to hooks for this rotation, if it still is this
  // rotation's (no other leader rotated since) and no recovery starts a new
  // service: taken for this attempt only, whatever its outcome.
  std::shared_ptr<const SecretBytes> drawn;
  if (options.rotate_secret) {
    drawn = std::exchange(next_secret_, nullptr);
    if (drawn && (next_secret_version_ != deps_.secrets->latest_version() + 1 || options.new_service_key != nullptr)) {
      drawn.reset();
    }
  }
  auto secrets = PrepareSecrets(*own, *nodes, options.rotate_secret, drawn.get());
  if (!secrets) return std::unexpected(secrets.error());
  secrets->under_fresh = secrets->fresh && (!secrets->current || options.new_service_key != nullptr);
  FillContext(own->mutable_commit_context(), *nodes, options, *secrets);
  if (membership_matters || options.new_service_key != nullptr) {
    auto signer = SignerFor(*own, options);
    if (!signer) return std::unexpected(signer.error());
    own->mutable_commit_context().service_signer = *signer;
    LEDGERSEAL_CHECK((*signer)->identity().service_id == own->commit_context().service_id);
    // The service's own key only: a recovery's new key is the caller's.
    if (options.new_service_key == nullptr) {
      OfferNextRotation(own->mutable_commit_context(), secrets->after_version() + 1);
    }
  }
  if (auto s = RunHooks(*own, options); !s) return std::unexpected(s.error());

  entry::EntryHeader header;
  header.version = applied + 1;
  header.ledger_secret_version = secrets->entry_secret_version();
  header.flags = options.rotate_secret ? entry::kFlagRotation : 0;
  header.service_id = own->commit_context().service_id;
  {
    std::lock_guard lock(mu_);
    header.term = raft_->term();
  }
  header.previous_entry_digest = std::move(*last.digest);
  auto bytes = entry::EncodeEntry(*deps_.random, header, own->writes(), secrets->entry_secret());
  if (!bytes) return std::unexpected(bytes.error());
  // A service start: the state machine must know the secret the entry is under.
  if (secrets->under_fresh && !deps_.secrets->Get(secrets->fresh_version())) {
    if (auto added = deps_.secrets->Add(secrets->fresh_version(), secrets->fresh->Clone()); !added) {
      return std::unexpected(added.error());
    }
  }
  auto committed = Propose(std::move(*bytes), header.version);
  if (committed && !options.new_service_id.empty()) {
    std::lock_guard lock(mu_);
    deps_.identity.service_id = options.new_service_id;
  }
  return committed;
}

Result<Version> ReplicatedHost::Propose(Bytes entry, Version version) {
  std::future<Result<Bytes>> future;
  {
    std::lock_guard lock(mu_);
    future = raft_->Propose(std::move(entry));
  }
  if (future.wait_for(std::chrono::milliseconds(deps_.commit_timeout_ms)) !=
      std::future_status::ready) {
    return MakeError(ErrorCode::kUnavailable,
                     "version " + std::to_string(version) + " was not applied within " +
                         std::to_string(deps_.commit_timeout_ms) +
                         " ms; it may or may not commit");
  }
  auto result = future.get();
  if (!result) return std::unexpected(result.error());
  auto outcome = DecodeOutcome(*result);
  if (!outcome) return std::unexpected(outcome.error());
  if (outcome->result == ApplyResult::kStale) {
    return MakeError(ErrorCode::kAborted, "version " + std::to_string(version) +
                                              " was taken by another proposal; retry");
  }
  LEDGERSEAL_CHECK(outcome->version == version);
  return version;
}

}  // namespace ledgerseal::kv
