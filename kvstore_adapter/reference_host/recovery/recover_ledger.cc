#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"

#include <chrono>

#include "base/check.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/recovery/public/ledger_file_reader.h"
#include "kvstore_adapter/reference_host/recovery/service_chain.h"

namespace ledgerseal::kv {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::unexpected<Error> Failed(const std::string& what, const Error& cause) {
  return MakeError(ErrorCode::kRecoveryFailed, what + ": " + cause.ToString());
}

bool Stopped(const RecoverOptions& options) {
  return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
}

std::unexpected<Error> StoppedAt(const std::string& where) {
  return MakeError(ErrorCode::kAborted, "recovery stopped " + where);
}

// The secret chain links of every entry, newest first (public writes only,
// unauthenticated: replay authenticates what it uses).
Result<std::map<uint64_t, Bytes>> CollectChainLinks(const RecoverOptions& options, const ledger::LedgerView& view) {
  std::map<uint64_t, Bytes> links;
  LedgerFileReader reader(view);
  for (uint64_t seen = 0; seen <= view.last_version(); ++seen) {  // bounded by the ledger
    if (Stopped(options)) return StoppedAt("while collecting the secret chain");
    auto entry = reader.Previous();
    if (!entry) return std::unexpected(entry.error());
    if (!entry->has_value()) return links;
    links.merge(secrets::ChainLinksIn((*entry)->public_writes));
  }
  return MakeError(ErrorCode::kInternal, "backward scan did not end");
}

// The secret in force after an entry: its own, or the next one if it
// rotates — except an entry that starts a service (genesis or a recovery's
// first: it writes ledger.service), which is already under its new secret
// (FORMAT.md §10.4).
uint64_t SecretAfter(const entry::DecodedEntry& entry) {
  const bool rotates = (entry.header.flags & entry::kFlagRotation) != 0;
  const bool starts_service =
      entry.writes.Find(membership::kServiceTable.name, AsBytes(membership::kServiceKey)) != nullptr;
  return rotates && !starts_service ? entry.header.ledger_secret_version + 1 : entry.header.ledger_secret_version;
}

// After replay (docs/SERVICE_IDENTITY.md §6.4): the ledger ends in the
// service whose material the hook authenticated, the one the operator
// pinned, and holding that service's key.
Status CheckEnd(const RecoverOptions& options, const RecoveredSecret& secret, const ServiceRecord& last) {
  auto broken = [](const std::string& what) {
    return MakeError(ErrorCode::kRecoveryFailed, "broken_endorsement at the end of the ledger: " + what);
  };
  if (secret.previous_service_id != last.service_id) {
    return broken("the recovery hook's material is of service '" + secret.previous_service_id +
                  "', the ledger ends in service " + last.service_id);
  }
  if (const auto& pin = options.context.expected_previous_service_id; !pin.empty() && pin != last.service_id) {
    return MakeError(ErrorCode::kRecoveryFailed, "wrong_service: the ledger ends in service " + last.service_id +
                                                     ", not the expected previous service " + pin);
  }
  SnapshotTransaction tx(nullptr, options.store->Snapshot());
  auto key = membership::GetServiceKey(tx);
  if (!key) return broken("the service identity key: " + key.error().ToString());
  if (key->identity().public_key_der != last.identity_public_key_der) {
    return broken("the stored service identity key is not service " + last.service_id + "'s");
  }
  return {};
}

Status Replay(const RecoverOptions& options, const ledger::LedgerView& view,
              const secrets::LedgerSecrets& secrets, const RecoveredSecret& recovered,
              RecoverResult& result) {
  const uint64_t total = view.last_version() - view.first_version() + 1;
  recovery_internal::ServiceChainCheck chain;
  // The digest of the entry before v (docs/FORMAT.md §10.3): entry 1
  // follows nothing (Replay starts at version 1).
  Bytes previous_digest;
  Status failed;
  auto walked = view.ForEach(view.first_version(), [&](Version v, ByteView bytes) {
    if (Stopped(options)) {
      failed = StoppedAt("during replay, before entry " + std::to_string(v));
      return false;
    }
    auto decoded =
        entry::DecodeAndVerifyWith(bytes, [&](uint64_t s) { return secrets.Get(s); });
    if (!decoded) {
      const bool unknown = decoded.error().code == ErrorCode::kNotFound;
      failed = Failed("entry " + std::to_string(v) +
                          (unknown ? " needs an unknown ledger secret" : " failed verification"),
                      decoded.error());
      return false;
    }
    if (decoded->header.version != v) {
      failed = MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) +
                                                         " claims version " +
                                                         std::to_string(decoded->header.version));
      return false;
    }
    // A genuine entry of another history (e.g. a proposal that lost its
    // version) verifies; only the chain tells it apart.
    if (decoded->header.previous_entry_digest != previous_digest) {
      failed = MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) + " does not follow entry " +
                                                         std::to_string(v - 1) +
                                                         " (previous_entry_digest mismatch)");
      return false;
    }
    auto digest = entry::EntryDigest(bytes);
    if (!digest) {
      failed = Failed("hashing entry " + std::to_string(v), digest.error());
      return false;
    }
    previous_digest = std::move(*digest);
    if (auto s = chain.OnEntry(v, previous_digest, *decoded); !s) {
      failed = s;
      return false;
    }
    if (v == recovered.found_at_version && SecretAfter(*decoded) != recovered.ledger_secret_version) {
      failed = MakeError(ErrorCode::kRecoveryFailed,
                         "the recovery hook's secret " + std::to_string(recovered.ledger_secret_version) +
                             " is not the secret in force after entry " + std::to_string(v) + " (" +
                             std::to_string(SecretAfter(*decoded)) + ")");
      return false;
    }
    if (auto applied = options.store->Apply(v, decoded->writes); !applied || !*applied) {
      failed = MakeError(ErrorCode::kRecoveryFailed, "store refused entry " + std::to_string(v));
      return false;
    }
    result.replayed_to = v;
    ++result.entries_replayed;
    result.bytes_replayed += bytes.size();
    if (options.progress && result.entries_replayed % options.progress_every == 0) {
      options.progress(result.entries_replayed, total);
    }
    return true;
  });
  if (!walked) return Failed("reading the ledger files", walked.error());
  if (!failed) return failed;
  if (options.progress) options.progress(result.entries_replayed, total);
  // Every entry was seen, so the chain check saw a genesis record (or failed).
  LEDGERSEAL_CHECK(chain.last_record().has_value() && !chain.last_entry_digest().empty());
  if (auto s = CheckEnd(options, recovered, *chain.last_record()); !s) return s;
  result.last_service = *chain.last_record();
  result.last_entry_digest = chain.last_entry_digest();
  return {};
}

}  // namespace

Result<RecoverResult> RecoverLedger(const RecoverOptions& options, secrets::LedgerSecrets& secrets) {
  LEDGERSEAL_CHECK(options.store != nullptr && options.hooks != nullptr);  // the caller's, not input
  if (options.store->applied_version() != kNoVersion) {
    return MakeError(ErrorCode::kRecoveryFailed, "recovery needs a fresh store");
  }
  const auto start = Clock::now();
  auto view = ledger::LedgerView::Open(options.ledger_dir);
  if (!view) return Failed("opening the ledger in " + options.ledger_dir.string(), view.error());
  if ((*view)->last_version() == kNoVersion) {
    return MakeError(ErrorCode::kRecoveryFailed, "the ledger in " + options.ledger_dir.string() + " is empty");
  }
  if ((*view)->first_version() != 1) {
    // The node installed a snapshot: its files cannot rebuild the store.
    return MakeError(ErrorCode::kRecoveryFailed,
                     "the ledger in " + options.ledger_dir.string() + " starts at version " +
                         std::to_string((*view)->first_version()) +
                         " (the node started from a snapshot); recover from a node whose ledger "
                         "starts at version 1");
  }
  RecoverResult result;
  result.ledger_report = (*view)->recovery_report();

  RecoveryContext ctx = options.context;
  if (ctx.previous_service_id.empty()) {
    auto newest = (*view)->Get((*view)->last_version());
    if (!newest) return Failed("reading the newest entry", newest.error());
    auto pub = entry::DecodePublic(newest->payload);
    if (!pub) return Failed("decoding the newest entry", pub.error());
    ctx.previous_service_id = pub->header.service_id;
  }
  result.previous_service_id = ctx.previous_service_id;

  if (Stopped(options)) return StoppedAt("before the recovery hooks ran");
  auto outcome = options.hooks->RunRecoveryHooks(ctx, [&]() -> Result<std::unique_ptr<LedgerReader>> {
    return std::make_unique<LedgerFileReader>(**view);
  });
  if (!outcome) return std::unexpected(outcome.error());
  result.time_to_secret_ms = MsSince(start);
  // The hook read where it found its material from the ledger files (or
  // from its own record of them): replay can authenticate that entry only
  // if the ledger has it (hooks.h: the host refuses the recovery otherwise).
  if (const Version found = outcome->secret.found_at_version;
      found < (*view)->first_version() || found > (*view)->last_version()) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "recovery hook '" + outcome->hook_name + "' found its material at version " +
                         std::to_string(found) + ", outside the ledger (" +
                         std::to_string((*view)->first_version()) + ".." +
                         std::to_string((*view)->last_version()) + ")");
  }
  if (auto added = secrets.Add(outcome->secret.ledger_secret_version, outcome->secret.secret.Clone());
      !added) {
    return Failed("hook '" + outcome->hook_name + "' returned an unusable secret", added.error());
  }

  const auto replay_start = Clock::now();
  auto links = CollectChainLinks(options, **view);
  if (!links && links.error().code == ErrorCode::kAborted) return std::unexpected(links.error());
  if (!links) return Failed("collecting the secret chain", links.error());
  if (auto s = secrets.UnwindChain(outcome->secret.ledger_secret_version, *links); !s) {
    return Failed("unwinding the secret chain", s.error());
  }
  if (auto s = Replay(options, **view, secrets, outcome->secret, result); !s) return std::unexpected(s.error());
  result.replay_ms = MsSince(replay_start);
  // The entry that carried the sealed material, and every later one, were
  // authenticated by the replay (which verifies every entry up to the last,
  // and found_at_version was checked to lie in the ledger above).
  LEDGERSEAL_CHECK(outcome->secret.found_at_version <= result.replayed_to);
  result.outcome = std::move(*outcome);
  return result;
}

}  // namespace ledgerseal::kv
