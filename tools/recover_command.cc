// `ledgerseal recover --config FILE [--into DIR]`: offline recovery of a
// node's ledger into a store, without starting a service: runs the recovery
// hooks (local unsealing), unwinds the secret chain and replays every entry,
// verifying each, then reports what it did and how fast.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/store/public/store.h"
#include "crypto/public/random_source.h"
#include "tools/command.h"
#include "tools/entry_points.h"
#include "tools/sealing_options.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;

struct RecoverArgs {
  std::string config;
  fs::path into;
};

std::optional<RecoverArgs> ParseRecoverArgs(std::span<const std::string_view> args) {
  RecoverArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      out.config = std::string(args[++i]);
    } else if (args[i] == "--into" && i + 1 < args.size()) {
      out.into = std::string(args[++i]);
    } else {
      std::cerr << "ledgerseal recover: unexpected argument '" << args[i] << "'\n";
      return std::nullopt;
    }
  }
  if (out.config.empty()) {
    std::cerr << "ledgerseal recover: --config FILE is required\n";
    return std::nullopt;
  }
  return out;
}

fs::path DefaultTarget(const fs::path& data_dir) {
  for (int n = 1;; ++n) {
    fs::path p = data_dir / ("offline-recovery-" + std::to_string(n));
    if (!fs::exists(p)) return p;
  }
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
  std::printf("store: %s (previous service %s)\n", into.c_str(), r.previous_service_id.c_str());
}

}  // namespace

int RunRecoverCommand(std::span<const std::string_view> args) {
  auto parsed = ParseRecoverArgs(args);
  if (!parsed) return kExitUsage;
  auto config = kv::LoadNodeConfig(parsed->config);
  if (!config) {
    std::cerr << "ledgerseal recover: " << config.error().ToString() << "\n";
    return kExitUsage;
  }
  kv::HookRegistry hooks;
  auto plugin = LoadLocalSealing(*config, hooks);
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
  const fs::path into = parsed->into.empty() ? DefaultTarget(config->data_dir) : parsed->into;
  if (fs::exists(into)) {
    std::cerr << "ledgerseal recover: " << into << " exists; give a new directory\n";
    return kExitUsage;
  }
  auto key = StoreKey(plugin->get());
  if (!key) {
    std::cerr << "ledgerseal recover: " << key.error().ToString() << "\n";
    return kExitFailure;
  }
  // No sync per entry: a crash mid-replay means running recover again; the
  // store is flushed once at the end.
  auto store = kv::Store::Open({.dir = into, .encryption_key = &*key, .sync_writes = false});
  if (!store) {
    std::cerr << "ledgerseal recover: " << store.error().ToString() << "\n";
    return kExitFailure;
  }
  kv::RecoverOptions options;
  options.ledger_dir = config->data_dir / "ledger";
  options.store = store->get();
  options.hooks = &hooks;
  options.context.node = {config->node_id, config->sealing.sealing_identity, ""};
  options.context.previous_sealing_identity = config->sealing.previous_local_sealing_identity;
  options.progress = [](uint64_t done, uint64_t total) {
    std::fprintf(stderr, "\rreplay: %llu/%llu entries", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
    if (done == total) std::fputc('\n', stderr);
  };
  options.progress_every = 10'000;
  kv::secrets::LedgerSecrets secrets;
  auto result = kv::RecoverLedger(options, secrets);
  if (result) {
    if (auto flushed = (*store)->Flush(); !flushed) result = std::unexpected(flushed.error());
  }
  store->reset();
  if (!result) {
    std::error_code ec;
    fs::remove_all(into, ec);
    std::cerr << "ledgerseal recover: " << result.error().ToString() << "\n";
    return kExitFailure;
  }
  Report(*result, into);
  return kExitOk;
}

}  // namespace ledgerseal::tools
