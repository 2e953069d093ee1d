// Recovery of a ledger directory into a fresh store: recovery hooks first
// (before any replay), then the chain of older secrets, then a replay that
// verifies every entry.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_LEDGER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_LEDGER_H_

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv {

struct RecoverOptions {
  std::filesystem::path ledger_dir;
  Store* store = nullptr;              // fresh (nothing applied); not owned
  const HookRegistry* hooks = nullptr;  // not owned
  // Identity of the recovering node and of the service being recovered.
  // `ledger` is filled in per hook. An empty previous_service_id is taken
  // from the newest entry.
  RecoveryContext context;
  // Called during replay with (entries replayed, entries to replay); at most
  // every `progress_every` entries and once at the end. Optional.
  std::function<void(uint64_t done, uint64_t total)> progress;
  uint64_t progress_every = 1000;
  // Set (from any thread) to abandon the recovery: checked before the hooks
  // run, before each entry the chain scan and the replay's verifier read,
  // before each run of entries the replay applies (at most 256), and once
  // the replay ends, so a long replay stops within one run. Not owned; may
  // be null.
  const std::atomic<bool>* stop = nullptr;
};

struct RecoverResult {
  RecoveryOutcome outcome;         // which hook, which secret (version), where found
  Version replayed_to = kNoVersion;
  uint64_t entries_replayed = 0;
  uint64_t bytes_replayed = 0;
  ledger::RecoveryReport ledger_report;  // a torn tail that was ignored, if any
  std::string previous_service_id;
  // The ledger's last service record (the chain verified up to it), and
  // SHA-256 of the last entry's bytes: what a successor's endorsement binds.
  std::optional<ServiceRecord> last_service;
  // Every service record of the ledger, the genesis first (last_service is
  // the last): the endorsement chain replay verified.
  std::vector<ServiceRecord> service_chain;
  // The node ids not retired at the end of the ledger, sorted, as the
  // authenticated entries wrote ledger.nodes (not read back from a store).
  std::vector<std::string> configuration;
  Bytes last_entry_digest;
  double time_to_secret_ms = 0;    // opening the ledger + recovery hooks
  double replay_ms = 0;
};

// Recovers `options.ledger_dir` into `options.store` and fills `secrets` with
// every ledger secret of the chain. Nothing is written anywhere unless every
// entry authenticates: the store is only written during replay, and the
// caller discards it on error.
// Errors (kRecoveryFailed, naming what failed): the ledger is empty or
// corrupt before its tail; no hook produced a secret (or a hook failed: its
// error is included); the hook's found_at_version is not a version of the
// ledger; a chain link is missing or tampered; an entry (named
// by version) does not authenticate under its secret; the store is not fresh;
// and the service checks of docs/SERVICE_IDENTITY.md §6, each naming the
// version: a service record that breaks the endorsement chain
// ("broken_endorsement at version V"), a format 1 ledger (no identity in its
// genesis record), an entry of another service than the chain says there,
// a hook secret that is not the one in force after found_at_version, a
// ledger that does not end in the hook's service or holds another key, or
// ends in another service than context.expected_previous_service_id
// ("wrong_service").
// kAborted: `*options.stop` was set (the store may hold a partial replay).
Result<RecoverResult> RecoverLedger(const RecoverOptions& options, secrets::LedgerSecrets& secrets);

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_LEDGER_H_
