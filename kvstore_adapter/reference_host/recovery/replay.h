// Recovery's replay (recover_ledger.cc): every entry of the ledger decoded,
// authenticated under the recovered secrets, chained to its predecessor,
// checked against the service chain, and applied to the scratch store.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_REPLAY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_REPLAY_H_

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"

namespace ledgerseal::kv::recovery_internal {

// Replays `view` from its first version into options.store, filling
// `result` (replayed_to, counts, last service, last digest).
//
// Two threads: one reads, decodes and verifies entries in order; the
// caller's thread applies them to the store in runs of consecutive entries
// (Store::ApplyRun, one WriteBatch each), so verification and RocksDB work
// overlap. An entry reaches the store only after it and every entry before
// it verified; the first failure stops both threads, and what was applied
// stays in the (scratch) store for the caller to discard.
//
// Errors: kRecoveryFailed (an entry that does not verify, needs an unknown
// secret, claims another version, does not follow its predecessor, breaks
// the service chain, or is not where the hook's secret says; the store
// refusing a run; the ledger's end not the expected service), kAborted
// (options.stop set).
Status Replay(const RecoverOptions& options, const ledger::LedgerView& view, const secrets::LedgerSecrets& secrets,
              const RecoveredSecret& recovered, RecoverResult& result);

}  // namespace ledgerseal::kv::recovery_internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_REPLAY_H_
