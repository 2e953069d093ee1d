// LocalHost's commit path: genesis, rotation, membership, the commit context,
// sealing an entry and applying it. Recovery is in local_recovery.cc.
#include "kvstore_adapter/local_host/public/local_host.h"

#include <array>

#include "base/check.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/local_service_identity.h"

namespace ledgerseal::kv {
namespace {

using local::NodeRecord;
using local::NodeStatus;

// The trusted nodes as `tx` leaves them (its own writes applied), sorted by
// node id. Errors: kCorruption.
Result<std::vector<NodeMember>> TrustedNodes(Transaction& tx) {
  auto nodes = local::ListNodes(tx);
  if (!nodes) return std::unexpected(nodes.error());
  std::vector<NodeMember> trusted;
  for (auto& [node_id, record] : *nodes) {
    if (record.status == NodeStatus::kTrusted) {
      trusted.push_back({node_id, std::move(record.sealing_identity), std::move(record.join_payload)});
    }
  }
  return trusted;
}

Result<std::optional<NodeRecord>> GetNode(Transaction& tx, std::string_view node_id) {
  auto value = tx.Get(local::kNodesTable, AsBytes(node_id));
  if (!value) return std::unexpected(value.error());
  if (!*value) return std::optional<NodeRecord>();
  auto record = local::DecodeNodeRecord(**value);
  if (!record) return std::unexpected(record.error());
  return std::optional<NodeRecord>(std::move(*record));
}

// What an application's transaction may do to the tables the host owns.
Status CheckHostTables(const Transaction& tx, const CommitOptions& options) {
  const WriteSet& writes = tx.writes();
  if (writes.Touches(local::kChainTable.name) || writes.Touches(local::kServiceTable.name) ||
      writes.Touches(local::kServiceKeyTable.name)) {
    return MakeError(ErrorCode::kInvalidArgument, "local_host.secret_chain, local_host.service and "
                                                  "local_host.service_key are written by the host only");
  }
  if (options.plugin_request && !options.rotate_secret) {
    return MakeError(ErrorCode::kInvalidArgument, "a plugin request ('" + options.plugin_request->plugin +
                                                      "') must rotate the ledger secret in the same transaction");
  }
  if (writes.Touches(local::kNodesTable.name) && !options.trusted_nodes_changed && !options.joining_node) {
    return MakeError(ErrorCode::kInvalidArgument, "local_host.nodes changes only in a commit that says so "
                                                  "(trusted_nodes_changed or joining_node)");
  }
  if (options.joining_node) {
    const NodeMember& joiner = *options.joining_node;
    const std::optional<Bytes>* value = writes.Find(local::kNodesTable.name, AsBytes(joiner.node_id));
    auto record = value && *value ? local::DecodeNodeRecord(**value) : Result<NodeRecord>(NodeRecord{});
    if (!value || !*value || !record || record->status != NodeStatus::kPending ||
        record->sealing_identity != joiner.sealing_identity || record->join_payload != joiner.join_payload) {
      return MakeError(ErrorCode::kInvalidArgument, "the transaction admitting '" + joiner.node_id +
                                                        "' does not write its pending node record");
    }
  }
  return {};
}

// The tables only the host writes, and what a write set writes to each.
constexpr std::array<Table, 4> kHostTables = {local::kChainTable, local::kServiceTable, local::kServiceKeyTable,
                                              local::kNodesTable};
using HostTableWrites = std::array<std::optional<TableWrites>, kHostTables.size()>;

HostTableWrites WritesToHostTables(const WriteSet& writes) {
  HostTableWrites out;
  for (size_t i = 0; i < kHostTables.size(); ++i) {
    auto table = writes.tables().find(kHostTables[i].name);
    if (table != writes.tables().end()) out[i] = table->second;
  }
  return out;
}

// Hooks may write any table but the host's: after them, each host table
// holds exactly what it held before they ran (the host's own writes, and the
// application's that CheckHostTables allowed).
Status CheckHooksLeftHostTables(const HostTableWrites& before, const WriteSet& after) {
  const HostTableWrites now = WritesToHostTables(after);
  for (size_t i = 0; i < kHostTables.size(); ++i) {
    if (!(now[i] == before[i])) {
      return MakeError(ErrorCode::kInvalidArgument, "a transaction hook wrote " +
                                                        std::string(kHostTables[i].name) +
                                                        ", which only the host writes");
    }
  }
  return {};
}

// A table name belongs to one domain for the life of a ledger (types.h).
Status CheckDomains(const local::TableDomains& domains, const WriteSet& writes) {
  auto clash = local::FindDomainClash(domains, writes);
  if (!clash) return {};
  const Domain other = clash->recorded == Domain::kPublic ? Domain::kPrivate : Domain::kPublic;
  return MakeError(ErrorCode::kInvalidArgument,
                   "table '" + clash->table + "' is a " + std::string(local::DomainName(clash->recorded)) +
                       "-domain table of this ledger: it cannot be written as " +
                       std::string(local::DomainName(other)));
}

Result<Version> ChangeNodeStatus(LocalHost& host, std::string_view node_id, NodeStatus from,
                                 NodeStatus to) {
  if (node_id == host.node().node_id) {
    return MakeError(ErrorCode::kInvalidArgument, "the host's own node cannot change its status");
  }
  auto tx = host.BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto record = GetNode(**tx, node_id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return MakeError(ErrorCode::kNotFound, "no node '" + std::string(node_id) + "'");
  if ((*record)->status != from) {
    return MakeError(ErrorCode::kInvalidArgument, "node '" + std::string(node_id) +
                                                      "' is not in the state this change needs");
  }
  (*record)->status = to;
  if (auto s = (*tx)->Put(local::kNodesTable, AsBytes(node_id), local::EncodeNodeRecord(**record)); !s) {
    return std::unexpected(s.error());
  }
  return host.Commit(std::move(*tx), CommitOptions{.trusted_nodes_changed = true});
}

}  // namespace

Result<std::unique_ptr<LocalHost>> LocalHost::Create(LocalHostOptions options) {
  auto injected = local::PrepareOptions(options);
  if (!injected) return std::unexpected(injected.error());
  auto key = *injected ? Result<ServiceKey>(std::move(**injected)) : ServiceKey::Generate();
  if (!key) return std::unexpected(key.error());
  std::unique_ptr<LocalHost> host(new LocalHost(std::move(options)));
  ServiceRecord genesis = local::GenesisRecord(key->identity());
  if (auto s = host->SetServiceIdentity(std::move(*key), std::move(genesis)); !s) return std::unexpected(s.error());
  return host;
}

Status LocalHost::SetServiceIdentity(ServiceKey key, ServiceRecord record) {
  LEDGERSEAL_CHECK(!service_key_ && record.service_id == key.identity().service_id &&
                   record.identity_public_key_der == key.identity().public_key_der);
  Bytes payload;
  if (options_.join_payload_for) {
    auto made = options_.join_payload_for(key.identity());
    if (!made) return std::unexpected(made.error());
    payload = std::move(*made);
  }
  options_.node.service_id = key.identity().service_id;
  join_payload_ = std::move(payload);
  service_key_.emplace(std::move(key));
  std::lock_guard lock(commit_mu_);
  LEDGERSEAL_CHECK(!started_);
  start_record_ = std::move(record);
  return {};
}

const ServiceIdentity& LocalHost::service_identity() const {
  LEDGERSEAL_CHECK(service_key_.has_value());  // set before the host is handed out
  return service_key_->identity();
}

Status LocalHost::RegisterTransactionHook(std::string name, std::shared_ptr<TransactionHook> hook) {
  return hooks_.RegisterTransactionHook(std::move(name), std::move(hook));
}

Status LocalHost::RegisterRecoveryHook(std::string name, std::shared_ptr<RecoveryHook> hook) {
  return hooks_.RegisterRecoveryHook(std::move(name), std::move(hook));
}

Result<std::unique_ptr<Transaction>> LocalHost::BeginTransaction() {
  return std::make_unique<SnapshotTransaction>(this, state_.Snapshot());
}

Result<Version> LocalHost::Commit(std::unique_ptr<Transaction> tx, const CommitOptions& options) {
  auto* own = dynamic_cast<SnapshotTransaction*>(tx.get());
  if (own == nullptr || own->owner() != this) {
    return MakeError(ErrorCode::kInvalidArgument, "the transaction was not begun on this host");
  }
  if (auto s = CheckHostTables(*own, options); !s) return std::unexpected(s.error());
  std::lock_guard lock(commit_mu_);
  return CommitLocked(*own, options, nullptr);
}

Result<Version> LocalHost::Genesis() {
  std::lock_guard lock(commit_mu_);
  if (started_) return MakeError(ErrorCode::kInvalidArgument, "the service has started");
  SnapshotTransaction tx(this, state_.Snapshot());
  return CommitLocked(tx, CommitOptions{}, nullptr);
}

Result<Version> LocalHost::CommitLocked(SnapshotTransaction& tx, CommitOptions options,
                                        const RecoveryOutcome* recovered) {
  const Version applied = state_.version();
  if (tx.read_version() != applied) {
    return MakeError(ErrorCode::kAborted, "conflict: version " + std::to_string(applied) +
                                              " committed after the transaction began at " +
                                              std::to_string(tx.read_version()));
  }
  LEDGERSEAL_CHECK(service_key_ && service_key_->identity().service_id == options_.node.service_id);
  // The service's first commit (genesis, or the recovered service's start)
  // records the service (its record and private key) and this node, trusted,
  // and rotates the secret.
  if (!started_) {
    LEDGERSEAL_CHECK(start_record_ && start_record_->created_at_version == applied + 1 &&
                     start_record_->service_id == options_.node.service_id);
    const NodeIdentity& self = options_.node;
    NodeRecord record{NodeStatus::kTrusted, self.sealing_identity, join_payload_};
    auto key_record = local::EncodeServiceKey(*service_key_);  // wiped when it goes
    if (!key_record) return std::unexpected(key_record.error());
    WriteSet start;
    if (auto s = start.Put(local::kServiceTable, AsBytes(local::kCurrentRow),
                           local::EncodeServiceRecord(*start_record_));
        !s) {
      return std::unexpected(s.error());
    }
    if (auto s = start.Put(local::kNodesTable, AsBytes(self.node_id), local::EncodeNodeRecord(record)); !s) {
      return std::unexpected(s.error());
    }
    if (auto s = tx.MergeWrites(start); !s) return std::unexpected(s.error());
    // Straight into the transaction: one fewer unwiped copy of the key (a
    // WriteSet's values are plain bytes; the ledger keeps it encrypted).
    if (auto s = tx.Put(local::kServiceKeyTable, AsBytes(local::kCurrentRow), key_record->bytes()); !s) {
      return std::unexpected(s.error());
    }
    options.rotate_secret = true;
    options.trusted_nodes_changed = true;
  }
  // A rotation: a new secret, and the previous one kept under it.
  std::optional<SecretBytes> fresh;
  if (options.rotate_secret) {
    auto drawn = local::DrawSecret(*options_.random);
    if (!drawn) return std::unexpected(drawn.error());
    fresh = std::move(*drawn);
    if (secret_) {
      WriteSet link;
      if (auto s = local::PutChainLink(link, *options_.random, secret_version_ + 1, *fresh, secret_version_,
                                       *secret_);
          !s) {
        return std::unexpected(s.error());
      }
      if (auto s = tx.MergeWrites(link); !s) return std::unexpected(s.error());
    }
  }
  LEDGERSEAL_CHECK(fresh || secret_);  // every commit after genesis has a secret
  const SecretBytes& secret = fresh ? *fresh : *secret_;
  const uint64_t secret_version = fresh ? secret_version_ + 1 : secret_version_;

  // The trusted nodes and the signer go to the hooks exactly in the commits
  // they act on (commit_context.h), so ordinary commits do not pay for
  // reading the membership and hold no signer a hook could misuse.
  const bool membership = options.rotate_secret || options.trusted_nodes_changed ||
                          options.joining_node.has_value() || recovered != nullptr;
  std::vector<NodeMember> trusted;
  if (membership) {
    auto listed = TrustedNodes(tx);
    if (!listed) return std::unexpected(listed.error());
    trusted = std::move(*listed);
  }
  CommitContext& ctx = tx.mutable_commit_context();
  ctx = CommitContext{};
  ctx.service_id = options_.node.service_id;
  ctx.ledger_secret = &secret;
  ctx.ledger_secret_version = secret_version;
  ctx.rotates_ledger_secret = options.rotate_secret;
  ctx.trusted_nodes = std::move(trusted);
  ctx.trusted_nodes_changed = options.trusted_nodes_changed;
  ctx.joining_node = options.joining_node;
  ctx.plugin_request = options.plugin_request;
  ctx.recovery = recovered != nullptr;
  ctx.service_signer = membership ? &*service_key_ : nullptr;
  // For the recovery commit this is the NEW identity: the one in the record
  // this commit writes, endorsed by the old one.
  LEDGERSEAL_CHECK(ctx.service_signer == nullptr || ctx.service_signer->identity().service_id == ctx.service_id);

  // The hooks' writes are checked on the final write set: they may touch
  // neither the host's tables nor a table's domain.
  const HostTableWrites host_writes = WritesToHostTables(tx.writes());
  auto hooked = hooks_.RunTransactionHooks(tx);
  if (hooked && recovered != nullptr) hooked = hooks_.RunOnRecovered(tx, *recovered);
  tx.mutable_commit_context() = CommitContext{};  // valid during the hooks only
  if (!hooked) return std::unexpected(hooked.error());
  if (auto s = CheckHooksLeftHostTables(host_writes, tx.writes()); !s) return std::unexpected(s.error());
  if (auto s = CheckDomains(table_domains_, tx.writes()); !s) return std::unexpected(s.error());
  if (tx.writes().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an empty transaction cannot commit");
  }

  // The entry is sealed under the secret in force after it (a rotation's
  // entry under the new secret), so the newest entry names the newest secret;
  // it is chained to the entry before it, and its own digest (computed once,
  // here) is what the next entry chains to.
  const Version version = applied + 1;
  LEDGERSEAL_CHECK(last_entry_digest_.empty() == ledger_.empty());
  auto entry =
      local::SealEntry(*options_.random, version, secret_version, secret, last_entry_digest_, tx.writes());
  if (!entry) return std::unexpected(entry.error());
  auto digest = local::EntryDigest(*entry);
  if (!digest) return std::unexpected(digest.error());
  ledger_.push_back(std::move(*entry));
  last_entry_digest_ = std::move(*digest);
  state_.Apply(version, tx.writes());
  local::RecordDomains(table_domains_, tx.writes());
  if (fresh) {
    secret_ = std::move(fresh);
    secret_version_ = secret_version;
  }
  started_ = true;
  start_record_.reset();
  LEDGERSEAL_CHECK(state_.version() == version && ledger_.back().version == version &&
                   ledger_.size() == version && secret_->size() == kLedgerSecretBytes);
  return version;
}

Result<Version> LocalHost::AdmitNode(const NodeMember& member) {
  if (member.node_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "a node needs an id");
  auto tx = BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto existing = GetNode(**tx, member.node_id);
  if (!existing) return std::unexpected(existing.error());
  if (*existing || member.node_id == options_.node.node_id) {
    return MakeError(ErrorCode::kInvalidArgument, "node id '" + member.node_id + "' is already used");
  }
  const NodeRecord record{NodeStatus::kPending, member.sealing_identity, member.join_payload};
  if (auto s = (*tx)->Put(local::kNodesTable, AsBytes(member.node_id), local::EncodeNodeRecord(record)); !s) {
    return std::unexpected(s.error());
  }
  return Commit(std::move(*tx), CommitOptions{.joining_node = member});
}

Result<Version> LocalHost::TrustNode(std::string_view node_id) {
  return ChangeNodeStatus(*this, node_id, NodeStatus::kPending, NodeStatus::kTrusted);
}

Result<Version> LocalHost::RetireNode(std::string_view node_id) {
  return ChangeNodeStatus(*this, node_id, NodeStatus::kTrusted, NodeStatus::kRetired);
}

LocalLedger LocalHost::ledger() const {
  std::lock_guard lock(commit_mu_);
  return ledger_;
}

}  // namespace ledgerseal::kv
