#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"

#include <chrono>
#include <system_error>
#include <utility>

#include "base/check.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// "dir/store/" and "dir/./store" name the same directory as "dir/store".
fs::path Normalized(const fs::path& dir) {
  fs::path p = dir.lexically_normal();
  return p.has_filename() ? p : p.parent_path();
}

Status RemoveScratch(const fs::path& scratch) {
  std::error_code ec;
  fs::remove_all(scratch, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "removing the scratch store " + scratch.string() + ": " + ec.message());
  return {};
}

// Steps 2-5 of the header: everything that writes. On error the caller
// removes the scratch store.
Result<RecoverIntoStoreReport> ReplayAndInstall(const fs::path& ledger_dir, const fs::path& scratch,
                                                const fs::path& store_dir, const SecretBytes& store_key,
                                                const HookRegistry& hooks,
                                                const RecoverIntoStoreOptions& options,
                                                secrets::LedgerSecrets& secrets) {
  RecoverIntoStoreReport report;
  {
    auto store = Store::Open({.dir = scratch, .encryption_key = &store_key, .sync_writes = options.sync_writes});
    if (!store) {
      return MakeError(store.error().code,
                       "opening the scratch store " + scratch.string() + ": " + store.error().message);
    }
    RecoverOptions recover;
    recover.ledger_dir = ledger_dir;
    recover.store = store->get();
    recover.hooks = &hooks;
    recover.context = options.context;
    recover.progress = options.progress;
    recover.progress_every = options.progress_every;
    recover.stop = options.stop;
    auto recovered = RecoverLedger(recover, secrets);
    if (!recovered) return std::unexpected(recovered.error());
    report.recovery = std::move(*recovered);
    const auto flush_start = Clock::now();
    if (auto flushed = (*store)->Flush(); !flushed) {
      return MakeError(flushed.error().code, "flushing the recovered store: " + flushed.error().message);
    }
    report.flush_ms = MsSince(flush_start);
    if (options.after_replay) {
      if (auto go_on = options.after_replay(report.recovery, **store); !go_on) return std::unexpected(go_on.error());
    }
  }  // closes the scratch store: RocksDB must not be open while its directory moves
  if (options.before_install) {
    if (auto made_room = options.before_install(report.recovery); !made_room) {
      return std::unexpected(made_room.error());
    }
  }
  std::error_code ec;
  fs::rename(scratch, store_dir, ec);
  if (ec) {
    Error failed{ErrorCode::kIoError, "installing the recovered store in " + store_dir.string() + ": " + ec.message()};
    // before_install moved the caller's directories: put them back, or the
    // failed recovery would leave the caller without its previous store.
    if (options.before_install && options.undo_before_install) {
      if (auto undone = options.undo_before_install(); !undone) {
        failed.message += "; undoing before_install failed too: " + undone.error().ToString();
      }
    }
    return std::unexpected(std::move(failed));
  }
  return report;
}

}  // namespace

fs::path RecoveryScratchDir(const fs::path& store_dir) {
  const fs::path dir = Normalized(store_dir);
  return dir.parent_path() / (dir.filename().string() + ".recovering");
}

Result<RecoverIntoStoreReport> RecoverIntoStore(const fs::path& ledger_dir, const fs::path& store_dir,
                                                const SecretBytes& store_key, const HookRegistry& hooks,
                                                const RecoverIntoStoreOptions& options,
                                                secrets::LedgerSecrets& secrets) {
  const auto start = Clock::now();
  if (store_dir.empty()) return MakeError(ErrorCode::kInvalidArgument, "recovery needs a store directory");
  const fs::path target = Normalized(store_dir);
  std::error_code ec;
  if (!options.before_install && fs::exists(target, ec)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     target.string() + " exists; recovery makes a new store there: give a new directory");
  }
  const fs::path scratch = RecoveryScratchDir(target);
  // A previous attempt's leftovers: a scratch store is never data (it only
  // becomes the store by the rename that ends a successful recovery).
  if (auto removed = RemoveScratch(scratch); !removed) return std::unexpected(removed.error());

  // Filled here and handed to `secrets` only once the store is in place, so
  // a failed recovery leaves the caller's secrets as they were.
  secrets::LedgerSecrets recovered_secrets;
  auto report =
      ReplayAndInstall(ledger_dir, scratch, target, store_key, hooks, options, recovered_secrets);
  if (!report) {
    if (auto removed = RemoveScratch(scratch); !removed) {
      return MakeError(report.error().code, report.error().message + " (and " + removed.error().message + ")");
    }
    return std::unexpected(report.error());
  }
  for (uint64_t version : recovered_secrets.versions()) {
    auto secret = recovered_secrets.Get(version);
    // A secret LedgerSecrets accepted once (32 bytes, version > 0) it accepts again.
    LEDGERSEAL_CHECK(secret.has_value());
    auto added = secrets.Add(version, std::move(*secret));
    LEDGERSEAL_CHECK(added.has_value());
  }
  report->total_ms = MsSince(start);
  return report;
}

}  // namespace ledgerseal::kv
