// `ledgerseal recover --config FILE [--into DIR]`: offline recovery of a
// node's ledger into a store, without starting a service: runs the recovery
// hooks (local unsealing), unwinds the secret chain and replays every entry,
// verifying each, then reports what it did and how fast. The orchestration
// (scratch store, replay, flush, install or discard) is the reference
// host's RecoverIntoStore, as the node's --recover uses it.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"
#include "crypto/public/random_source.h"
#include "tools/command.h"
#include "tools/sealing_options.h"
#include "tools/share_files.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;

// data_dir/offline-recovery-1 .. -999: beyond that, --into says where.
constexpr int kMaxOfflineRecoveryDirs = 1000;
constexpr uint64_t kReplayProgressEveryEntries = 10'000;

struct RecoverArgs {
  std::string config;
  std::string into;
  std::vector<std::string> shares;  // --shares: recovery members' share files
};

constexpr char kDetails[] =
    "Recovers the node's ledger (data_dir/ledger of the config) into a new store\n"
    "in DIR (default data_dir/offline-recovery-N) without starting a service:\n"
    "runs the recovery hooks (local unsealing as previous_local_sealing_identity),\n"
    "unwinds the chain of ledger secrets and replays every entry, verifying each.\n"
    "Reports the time to secret and the replay throughput. Writes nothing else;\n"
    "on failure DIR is removed.\n"
    "\n"
    "With --shares the secret comes from recovery members' share files instead of\n"
    "local unsealing (the hardware is gone; docs/RECOVERY_SHARES.md): it needs the\n"
    "config's expected_previous_service_identity, and at least the threshold of\n"
    "valid shares of the newest recovery.shares record; a wrong share is named and\n"
    "not counted.\n";

// The first data_dir/offline-recovery-N that does not exist. Errors: one
// cannot be looked at (e.g. data_dir is a symlink loop), with the reason.
std::optional<fs::path> DefaultTarget(const fs::path& data_dir, std::string& error) {
  for (int n = 1; n < kMaxOfflineRecoveryDirs; ++n) {
    fs::path p = data_dir / ("offline-recovery-" + std::to_string(n));
    std::error_code ec;
    const auto status = fs::symlink_status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      error = "cannot look at " + p.string() + ": " + ec.message();
      return std::nullopt;
    }
    if (!fs::exists(status)) return p;
  }
  error = data_dir.string() + " holds " + std::to_string(kMaxOfflineRecoveryDirs - 1) +
          " offline-recovery-* directories; give one with --into DIR";
  return std::nullopt;
}

// Whether the store can be created at `into` (its scratch directory is a
// sibling): the nearest existing ancestor must be a directory this user can
// write. Otherwise the reason, naming `into` (the store itself would only
// say "cannot create DIR").
std::optional<std::string> CannotCreate(const fs::path& into) {
  std::error_code ec;
  fs::path absolute = fs::absolute(into, ec);
  if (ec) return "cannot create " + into.string() + ": " + ec.message();
  fs::path ancestor = absolute.lexically_normal().parent_path();
  for (;;) {
    const auto status = fs::status(ancestor, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return "cannot create " + into.string() + ": " + ancestor.string() + ": " + ec.message();
    }
    if (fs::exists(status)) {
      if (!fs::is_directory(status)) {
        return "cannot create " + into.string() + ": " + ancestor.string() + " is not a directory";
      }
      break;
    }
    if (!ancestor.has_parent_path() || ancestor.parent_path() == ancestor) break;
    ancestor = ancestor.parent_path();
  }
  if (::access(ancestor.c_str(), W_OK | X_OK) != 0) {
    return "cannot create " + into.string() + ": " + ancestor.string() + ": " + std::strerror(errno);
  }
  return std::nullopt;
}

// The store key: bound to the platform with local sealing; otherwise a
// random one, so the store serves this verification run only.
kv::Result<kv::SecretBytes> StoreKey(const sealing::LocalSealing* plugin) {
  if (plugin != nullptr) return plugin->DeriveStoreKey();
  std::cerr << "ledgerseal recover: local sealing is off; the store key is random and not kept\n";
  kv::SecretBytes key(32);
  crypto::OpenSslRandomSource random;
  if (!random.Fill(key.mutable_bytes())) return kv::MakeError(kv::ErrorCode::kInternal, "no randomness");
  return key;
}

void Report(const kv::RecoverResult& r, const fs::path& into) {
  const double seconds = r.replay_ms / 1000.0;
  std::printf("recovered ledger secret %llu with hook '%s' (method %s), found at version %llu\n",
              static_cast<unsigned long long>(r.outcome.secret.ledger_secret_version),
              r.outcome.hook_name.c_str(), r.outcome.secret.method.c_str(),
              static_cast<unsigned long long>(r.outcome.secret.found_at_version));
  std::printf("time to secret: %.1f ms\n", r.time_to_secret_ms);
  std::printf("replayed %llu entries (%.1f MB) to version %llu in %.1f ms: %.1f MB/s, %.0f entries/s\n",
              static_cast<unsigned long long>(r.entries_replayed), r.bytes_replayed / 1e6,
              static_cast<unsigned long long>(r.replayed_to), r.replay_ms,
              seconds > 0 ? r.bytes_replayed / 1e6 / seconds : 0.0,
              seconds > 0 ? r.entries_replayed / seconds : 0.0);
  if (!r.ledger_report.clean()) std::printf("dropped a torn tail: %s\n", r.ledger_report.ToString().c_str());
  if (r.last_service) {
    std::printf("service: %s (recovery %llu; endorsement chain verified back to the genesis)\n",
                r.last_service->service_id.c_str(), static_cast<unsigned long long>(r.last_service->recovery_count));
  }
  std::printf("store: %s\n", into.c_str());
}

int RunRecover(const RecoverArgs& args) {
  const RecoverArgs* parsed = &args;
  auto config = kv::LoadNodeConfig(parsed->config);
  if (!config) {
    std::cerr << "ledgerseal recover: " << config.error().ToString() << "\n";
    return kExitUsage;
  }
  kv::HookRegistry hooks;
  if (!parsed->shares.empty()) {
    if (auto s = RegisterShareFiles("recover", parsed->shares, hooks); !s) {
      std::cerr << "ledgerseal recover: " << s.error().ToString() << "\n";
      return kExitUsage;
    }
  }
  auto plugin = LoadLocalSealing(*config, hooks, /*first_start=*/false);
  if (!plugin) {
    std::cerr << "ledgerseal recover: local sealing: " << plugin.error().ToString() << "\n";
    return kExitFailure;
  }
  if (config->insecure_test_secret_file) {
    std::cerr << "ledgerseal recover: WARNING: INSECURE test secret file " << *config->insecure_test_secret_file
              << " may supply the secret\n";
    auto added = hooks.RegisterRecoveryHook(
        "insecure-test-secret-file", std::make_shared<kv::FileSecretRecoveryHook>(*config->insecure_test_secret_file));
    if (!added) {
      std::cerr << "ledgerseal recover: " << added.error().ToString() << "\n";
      return kExitFailure;
    }
  }
  std::optional<fs::path> into = fs::path(parsed->into);
  std::string error;
  if (parsed->into.empty()) into = DefaultTarget(config->data_dir, error);
  if (!into) {
    std::cerr << "ledgerseal recover: " << error << "\n";
    return kExitUsage;
  }
  if (auto why = CannotCreate(*into)) {
    std::cerr << "ledgerseal recover: " << *why << "\n";
    return kExitFailure;
  }
  auto key = StoreKey(plugin->get());
  if (!key) {
    std::cerr << "ledgerseal recover: " << key.error().ToString() << "\n";
    return kExitFailure;
  }
  kv::RecoverIntoStoreOptions options;
  options.context.node = {config->node_id, config->sealing.sealing_identity, ""};
  options.context.previous_sealing_identity = config->sealing.previous_local_sealing_identity;
  options.context.expected_previous_service_id = config->expected_previous_service_identity;
  options.progress = [](uint64_t done, uint64_t total) {
    std::fprintf(stderr, "\rreplay: %llu/%llu entries", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
    if (done == total) std::fputc('\n', stderr);
  };
  options.progress_every = kReplayProgressEveryEntries;
  kv::secrets::LedgerSecrets secrets;
  // RecoverIntoStore refuses an --into that exists (kInvalidArgument, "<dir>
  // exists; ... give a new directory"): a bad argument, so the usage exit
  // code. (Its other kInvalidArgument, a store key of the wrong size, cannot
  // come from StoreKey.)
  auto result = kv::RecoverIntoStore(config->data_dir / "ledger", *into, *key, hooks, options, secrets);
  if (!result) {
    std::cerr << "ledgerseal recover: " << result.error().ToString() << "\n";
    return result.error().code == kv::ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  Report(result->recovery, *into);
  return kExitOk;
}

}  // namespace

void AddRecoverCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<RecoverArgs>();
  CLI::App* recover = root.add_subcommand("recover", "offline recovery of a ledger directory into a store");
  SetDetails(*recover, kDetails);
  AddConfigOption(*recover, args->config);
  recover->add_option("--into", args->into, "the new store's directory (default data_dir/offline-recovery-N)")
      ->type_name("DIR")
      ->check(NotAnOption());
  AddSharesOption(*recover, args->shares);
  RunWhenParsed(*recover, selected, [args] { return RunRecover(*args); });
}

}  // namespace ledgerseal::tools
