#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"

#include <chrono>

#include "base/check.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/recovery/public/ledger_file_reader.h"
#include "kvstore_adapter/reference_host/recovery/replay.h"

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
  // One stat, not a listing, when the ledger starts at 1 (LedgerView), so
  // the time to the secret does not grow with the number of chunks.
  auto first = (*view)->first_version();
  if (!first) return Failed("listing the ledger in " + options.ledger_dir.string(), first.error());
  if (*first != 1) {
    // The node installed a snapshot: its files cannot rebuild the store.
    return MakeError(ErrorCode::kRecoveryFailed,
                     "the ledger in " + options.ledger_dir.string() + " starts at version " +
                         std::to_string(*first) +
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
  // The hook needed only the tail, which Open may have found without
  // listing the directory (LedgerView). Before the secret is used, the
  // whole directory is checked against that tail: a chunk past a gap or
  // inside the newest chunk's versions is refused here, even where the
  // replay would not read it (a ledger of one chunk). Damage found here
  // comes after the hook ran (after operators' shares, for that hook): it
  // is refused all the same, and nothing was written.
  if (auto s = (*view)->ListAll(); !s) {
    return Failed("listing the ledger in " + options.ledger_dir.string(), s.error());
  }
  // The hook read where it found its material from the ledger files (or
  // from its own record of them): replay can authenticate that entry only
  // if the ledger has it (hooks.h: the host refuses the recovery otherwise).
  if (const Version found = outcome->secret.found_at_version;
      found < *first || found > (*view)->last_version()) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "recovery hook '" + outcome->hook_name + "' found its material at version " +
                         std::to_string(found) + ", outside the ledger (" +
                         std::to_string(*first) + ".." +
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
  if (auto s = recovery_internal::Replay(options, **view, secrets, outcome->secret, result); !s) {
    return std::unexpected(s.error());
  }
  result.replay_ms = MsSince(replay_start);
  // The entry that carried the sealed material, and every later one, were
  // authenticated by the replay (which verifies every entry up to the last,
  // and found_at_version was checked to lie in the ledger above).
  LEDGERSEAL_CHECK(outcome->secret.found_at_version <= result.replayed_to);
  result.outcome = std::move(*outcome);
  return result;
}

}  // namespace ledgerseal::kv
