// The one recovery orchestration of the reference host: recover a ledger
// directory into a new store on disk, so that a failure leaves no trace.
// The node's --recover, `ledgerseal recover` and the recovery benchmark all
// run it.
//
//   1. remove `<store_dir>.recovering` (the scratch store: a previous
//      attempt's leftovers, never data) and open a fresh store there;
//   2. RecoverLedger into it: recovery hooks, secret chain, verified replay;
//   3. flush it, ask after_replay whether to go on, close it;
//   4. before_install (optional): the caller makes room at store_dir;
//   5. rename the scratch store to store_dir; if that fails after
//      before_install succeeded, undo_before_install puts back what
//      before_install did.
// Any failure in 1-5 removes the scratch store, so the directory holding
// store_dir is as it was found: before_install runs only once nothing but
// the final rename can fail, and a failed rename is followed by
// undo_before_install. (Only an undo that itself fails leaves a change,
// and the error then says so.)
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_INTO_STORE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_INTO_STORE_H_

#include <atomic>
#include <filesystem>
#include <functional>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"

namespace ledgerseal::kv {

struct RecoverIntoStoreOptions {
  // Identity of the recovering node and of the service being recovered, as
  // RecoverOptions::context.
  RecoveryContext context;
  // As RecoverOptions: (entries replayed, entries to replay), at most every
  // `progress_every` entries and once at the end. Optional.
  std::function<void(uint64_t done, uint64_t total)> progress;
  uint64_t progress_every = 1000;
  // fsync the scratch store's WAL per replayed entry. Off by default: a
  // crash mid-replay only means recovering again (the scratch store is
  // discarded), and the flush at the end makes the replayed store durable.
  // There is no option to skip that flush: it is what makes a store
  // replayed without syncs safe to install.
  bool sync_writes = false;
  // Set (from any thread) to abandon the recovery: it stops at the next
  // entry it reads (kAborted). Not owned; may be null.
  const std::atomic<bool>* stop = nullptr;
  // Called once, on the calling thread, after the replay succeeded and the
  // scratch store was flushed, before it is closed, with what was recovered
  // and the scratch store (to read, never to write): the caller decides
  // whether to go on (a coordinated recovery waits here for its peers and
  // may learn that another node opens instead). Its error fails the
  // recovery like any other: the scratch store is discarded and nothing
  // changed. Null: go on.
  std::function<Status(const RecoverResult& recovered, Store& scratch)> after_replay;
  // Called once, on the calling thread, after the replay succeeded (and
  // after_replay agreed) and the scratch store was flushed and closed,
  // right before it is renamed to store_dir, with what was recovered: it must leave store_dir free (the
  // node moves its previous store and Raft directories aside). Its error
  // fails the recovery (the scratch store is discarded); when it fails it
  // must leave nothing changed itself (undo_before_install is not called
  // then). Null: store_dir must not exist.
  std::function<Status(const RecoverResult& recovered)> before_install;
  // Called at most once, on the calling thread, only when before_install
  // succeeded and installing the scratch store at store_dir then failed
  // (before the scratch store is removed): it must undo what before_install
  // did (the node moves its previous directories back), so that the failed
  // recovery leaves everything as it was. Its error is added to the install
  // error's message. Required whenever before_install changes anything;
  // null: nothing to undo.
  std::function<Status()> undo_before_install;
};

struct RecoverIntoStoreReport {
  // Which hook gave which secret (and the secret itself, wiped on
  // destruction: never log it), entries and bytes replayed, a torn tail
  // dropped, the previous service id, time to secret and replay time.
  RecoverResult recovery;
  double flush_ms = 0;  // flushing the replayed store
  double total_ms = 0;  // from opening the scratch store to the store in place
};

// Recovers the ledger in `ledger_dir` into a new store at `store_dir`,
// encrypted under `store_key`, running the recovery hooks of `hooks`, and
// adds every ledger secret of the chain to `secrets`.
//
// Ownership: nothing is kept; `store_key`, `hooks`, `options.stop` and the
// callbacks are used during the call only. The store is closed on return:
// the caller opens store_dir itself (with the options it serves with).
// Preconditions: `ledger_dir` holds a node's ledger files; the parent of
// `store_dir` exists and is writable; `store_dir` does not exist unless
// `options.before_install` frees it. `<store_dir>.recovering` is this
// function's scratch directory: whatever is there is removed first.
// Threading: blocks the calling thread for the whole recovery (hooks,
// progress and before_install run on it); only `*options.stop` is read
// concurrently. Two calls must not share a store_dir.
// On success: the store at store_dir holds every entry of the ledger (its
// applied version is the report's recovery.replayed_to) and is flushed.
// On error: no store_dir was made, the scratch store is removed, `secrets`
// is unchanged, and what before_install did was undone by
// undo_before_install (if that fails too, the error message says what it
// left behind). Errors:
//  - kInvalidArgument: store_dir exists and there is no before_install;
//  - those of Store::Open for the scratch store (kIoError, kInvalidArgument
//    for a store key that is not 32 bytes);
//  - kRecoveryFailed: as RecoverLedger (empty or corrupt ledger, no hook
//    produced a secret or a hook failed, a broken secret chain, an entry
//    that does not authenticate, named by version);
//  - kAborted: `*options.stop` was set before the replay ended;
//  - kIoError: flushing the store, or installing it at store_dir (with
//    undo_before_install's error in the message if undoing failed too);
//  - whatever after_replay or before_install returns.
Result<RecoverIntoStoreReport> RecoverIntoStore(const std::filesystem::path& ledger_dir,
                                                const std::filesystem::path& store_dir,
                                                const SecretBytes& store_key,
                                                const HookRegistry& hooks,
                                                const RecoverIntoStoreOptions& options,
                                                secrets::LedgerSecrets& secrets);

// The scratch directory RecoverIntoStore uses for `store_dir`:
// "<store_dir>.recovering" (e.g. data_dir/store.recovering).
std::filesystem::path RecoveryScratchDir(const std::filesystem::path& store_dir);

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_RECOVER_INTO_STORE_H_
