// LocalHost::Recover: recovery hooks, the secret chain, verified replay (each
// entry authenticated and following the one before it) with the
// service-identity checks (docs/SERVICE_IDENTITY.md §6), the new
// identity endorsed by the old one, and the recovered service's first
// commit. Nothing is created unless all of it succeeds.
#include "base/check.h"
#include "kvstore_adapter/host_support/public/vector_ledger_reader.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/local_service_identity.h"
#include "kvstore_adapter/local_host/public/local_host.h"

namespace ledgerseal::kv {
namespace {

using local::NodeStatus;

Error RecoveryFailed(const std::string& message) { return Error{ErrorCode::kRecoveryFailed, message}; }

// Versions consecutive from 1; returns the public view recovery hooks read.
Result<std::vector<PublicEntry>> PublicEntries(const LocalLedger& ledger) {
  if (ledger.empty()) return std::unexpected(RecoveryFailed("the ledger is empty: nothing to recover"));
  std::vector<PublicEntry> entries;
  entries.reserve(ledger.size());
  for (size_t i = 0; i < ledger.size(); ++i) {
    if (ledger[i].version != i + 1) {
      return MakeError(ErrorCode::kCorruption, "the ledger's entry " + std::to_string(i + 1) +
                                                   " has version " + std::to_string(ledger[i].version) +
                                                   ": versions must be consecutive from 1");
    }
    entries.push_back({ledger[i].version, ledger[i].ledger_secret_version, ledger[i].public_writes});
  }
  return entries;
}

// The newest service record: the hooks' hint of the service being
// recovered (unauthenticated until replay authenticates the entry it is in
// and checks the chain). A format 1 record is refused here already, before
// any hook runs. Errors: those of DecodeServiceRecord; kCorruption (none).
Result<ServiceRecord> NewestServiceRecord(const std::vector<PublicEntry>& entries) {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const std::optional<Bytes>* record =
        it->public_writes.Find(local::kServiceTable.name, AsBytes(local::kCurrentRow));
    if (record != nullptr && *record) return local::DecodeServiceRecord(**record, it->version);
  }
  return MakeError(ErrorCode::kCorruption, "the ledger holds no local_host.service record");
}

// Replay check §6.3, once `entry` (at found_at_version) authenticated: the
// secret the hook returned is the one in force after it. LocalHost seals an
// entry under the secret in force after it (a rotation's under the new one),
// so that is the entry's own secret version.
Status CheckSecretInForce(const RecoveryOutcome& outcome, const LocalLedgerEntry& entry) {
  if (entry.ledger_secret_version == outcome.secret.ledger_secret_version) return {};
  return std::unexpected(RecoveryFailed(
      "recovery hook '" + outcome.hook_name + "' returned secret " +
      std::to_string(outcome.secret.ledger_secret_version) + " for entry " + std::to_string(entry.version) +
      ", but the secret in force after entry " + std::to_string(entry.version) + " is " +
      std::to_string(entry.ledger_secret_version)));
}

// The chain of entries: `entry` (authenticated) names as the entry before it
// the one replay authenticated last, whose digest is `previous_digest`
// (empty for entry 1, which follows none). A genuine entry from a copy of the
// ledger that diverged authenticates, but is not the entry its successor
// chains to.
Status CheckFollows(const LocalLedgerEntry& entry, const Bytes& previous_digest) {
  if (entry.previous_entry_digest == previous_digest) return {};
  const std::string v = std::to_string(entry.version);
  if (entry.version == 1) {
    return std::unexpected(RecoveryFailed("entry 1 does not follow entry 0: the first entry of a ledger follows "
                                          "none, but it names a previous entry digest"));
  }
  const std::string previous = std::to_string(entry.version - 1);
  return std::unexpected(RecoveryFailed(
      "entry " + v + " does not follow entry " + previous + ": its previous_entry_digest is not the digest of "
      "the entry " + previous + " this ledger holds (an entry spliced in from another copy of the ledger?)"));
}

// The secret a hook returned is one the host would have made, for an entry
// the ledger has.
Status CheckRecoveredSecret(const RecoveryOutcome& outcome, Version last_version) {
  const RecoveredSecret& s = outcome.secret;
  const std::string hook = "recovery hook '" + outcome.hook_name + "'";
  if (s.secret.size() != kLedgerSecretBytes) {
    return std::unexpected(RecoveryFailed(hook + " returned a secret of " + std::to_string(s.secret.size()) +
                                          " bytes, not " + std::to_string(kLedgerSecretBytes)));
  }
  if (s.ledger_secret_version == 0) {
    return std::unexpected(RecoveryFailed(hook + " returned a secret without a version"));
  }
  if (s.found_at_version == kNoVersion || s.found_at_version > last_version) {
    return std::unexpected(RecoveryFailed(hook + " found its material at version " +
                                          std::to_string(s.found_at_version) + ", outside the ledger (1.." +
                                          std::to_string(last_version) + ")"));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<LocalHost>> LocalHost::Recover(
    const LocalLedger& ledger, LocalHostOptions options,
    const std::function<Status(HookRegistrar&)>& register_hooks) {
  auto injected = local::PrepareOptions(options);
  if (!injected) return std::unexpected(injected.error());
  auto entries = PublicEntries(ledger);
  if (!entries) return std::unexpected(entries.error());
  auto hint = NewestServiceRecord(*entries);
  if (!hint) return std::unexpected(hint.error());
  const auto reused = [](const ServiceKey& key, const std::string& old_id) -> Status {
    if (key.identity().service_id != old_id) return {};
    return MakeError(ErrorCode::kInvalidArgument, "a recovered service needs a new identity: "
                                                  "service_key_pkcs8 is the key of service " + old_id);
  };
  if (*injected) {
    if (auto s = reused(**injected, hint->service_id); !s) return std::unexpected(s.error());
  }
  std::unique_ptr<LocalHost> host(new LocalHost(std::move(options)));
  LocalHost& h = *host;
  if (register_hooks) {
    if (auto s = register_hooks(h); !s) return std::unexpected(s.error());
  }

  // 1. The recovery hooks, before anything is replayed; each reads the
  // public entries backwards from the newest with a reader of its own.
  RecoveryContext ctx;
  ctx.node = h.node();  // service_id empty: the new identity is made after replay
  ctx.previous_sealing_identity = h.options_.previous_sealing_identity;
  ctx.previous_service_id = hint->service_id;
  ctx.expected_previous_service_id = h.options_.expected_previous_service_id;
  auto outcome = h.hooks_.RunRecoveryHooks(ctx, [&]() -> Result<std::unique_ptr<LedgerReader>> {
    return std::make_unique<VectorLedgerReader>(*entries);
  });
  if (!outcome) return std::unexpected(outcome.error());
  if (auto s = CheckRecoveredSecret(*outcome, ledger.back().version); !s) return std::unexpected(s.error());

  // 2. The older secrets, from the chain under the recovered one.
  auto links = local::CollectChainLinks(ledger);
  if (!links) return std::unexpected(links.error());
  const uint64_t newest_version = outcome->secret.ledger_secret_version;
  auto secrets = local::UnwindChain(*links, newest_version, outcome->secret.secret.Clone());
  if (!secrets) {
    return std::unexpected(RecoveryFailed("the secret from recovery hook '" + outcome->hook_name +
                                          "' does not unlock the chain: " + secrets.error().message));
  }

  // 3. Verified replay into the new host's fresh state: each entry must
  // authenticate under its secret before it is checked and applied (a
  // failure discards the new host, so nothing is created), follow the entry
  // before it, keep every table in the domain the entries before it wrote it
  // in, and keep the endorsement chain unbroken. Each entry is hashed once:
  // its digest is what the next entry must chain to, what a successor record
  // there must bind, and, for the last one, the new service's tail.
  local::TableDomains domains;
  local::ServiceChain chain;
  Bytes tail;  // EntryDigest of the entry replayed last
  for (const LocalLedgerEntry& entry : ledger) {
    auto secret = secrets->find(entry.ledger_secret_version);
    if (secret == secrets->end()) {
      return std::unexpected(RecoveryFailed(
          "entry " + std::to_string(entry.version) + " is under secret " +
          std::to_string(entry.ledger_secret_version) + ", which the secret from recovery hook '" +
          outcome->hook_name + "' (version " + std::to_string(newest_version) + ") does not unlock"));
    }
    auto writes = local::OpenEntry(entry, secret->second);
    if (!writes) {
      return std::unexpected(RecoveryFailed("replay refused the recovered secrets: " + writes.error().message));
    }
    if (auto s = CheckFollows(entry, tail); !s) return std::unexpected(s.error());
    if (auto clash = local::FindDomainClash(domains, *writes)) {
      return MakeError(ErrorCode::kCorruption,
                       "entry " + std::to_string(entry.version) + " writes table '" + clash->table + "' outside the " +
                           std::string(local::DomainName(clash->recorded)) +
                           " domain earlier entries wrote it in: a table belongs to one domain for the life "
                           "of a ledger");
    }
    if (auto s = chain.Apply(entry.version, *writes, tail); !s) return std::unexpected(s.error());
    if (entry.version == outcome->secret.found_at_version) {
      if (auto s = CheckSecretInForce(*outcome, entry); !s) return std::unexpected(s.error());
    }
    local::RecordDomains(domains, *writes);
    h.state_.Apply(entry.version, *writes);
    auto digest = local::EntryDigest(entry);
    if (!digest) return std::unexpected(digest.error());
    tail = std::move(*digest);
  }
  // Replay authenticated every entry, found_at_version and all later ones
  // included.
  LEDGERSEAL_CHECK(h.state_.version() == ledger.back().version &&
                   ledger.back().version >= outcome->secret.found_at_version);

  // 4. The end of the chain: the service the hook authenticated (and the
  // pin), with its key; then the new identity, endorsed by that key.
  auto old_key = local::CheckChainEnd(chain, *h.state_.Snapshot(), outcome->hook_name,
                                      outcome->secret.previous_service_id, h.options_.expected_previous_service_id);
  if (!old_key) return std::unexpected(old_key.error());
  auto new_key = *injected ? Result<ServiceKey>(std::move(**injected)) : ServiceKey::Generate();
  if (!new_key) return std::unexpected(new_key.error());
  if (auto s = reused(*new_key, old_key->identity().service_id); !s) return std::unexpected(s.error());
  auto successor =
      local::SuccessorRecord(*chain.newest(), *old_key, new_key->identity(), ledger.back().version, tail);
  if (!successor) return std::unexpected(successor.error());

  // 5. The new service: its first commit rotates to a secret linked to the
  // newest recovered one, writes the successor record and chains to the last
  // replayed entry.
  {
    std::lock_guard lock(h.commit_mu_);
    h.ledger_ = ledger;
    h.last_entry_digest_ = std::move(tail);
    h.table_domains_ = std::move(domains);
    h.secret_version_ = newest_version;
    h.secret_ = std::move(secrets->at(newest_version));
  }
  if (auto s = h.SetServiceIdentity(std::move(*new_key), std::move(*successor)); !s) {
    return std::unexpected(s.error());
  }
  auto started = h.StartRecoveredService(*outcome);
  if (!started) return std::unexpected(started.error());
  return host;
}

Result<Version> LocalHost::StartRecoveredService(const RecoveryOutcome& outcome) {
  std::lock_guard lock(commit_mu_);
  LEDGERSEAL_CHECK(!started_);
  SnapshotTransaction tx(this, state_.Snapshot());
  // The old service's nodes are gone with it (this node is re-recorded as
  // trusted by the first commit, with the payload made for the new identity,
  // next to the successor service record and the new private key).
  auto nodes = local::ListNodes(tx);
  if (!nodes) return std::unexpected(nodes.error());
  for (auto& [node_id, record] : *nodes) {
    if (record.status == NodeStatus::kRetired || node_id == options_.node.node_id) continue;
    record.status = NodeStatus::kRetired;
    if (auto s = tx.Put(local::kNodesTable, AsBytes(node_id), local::EncodeNodeRecord(record)); !s) {
      return std::unexpected(s.error());
    }
  }
  return CommitLocked(tx, CommitOptions{.rotate_secret = true, .trusted_nodes_changed = true}, &outcome);
}

}  // namespace ledgerseal::kv
