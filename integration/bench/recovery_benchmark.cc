// Recovery by local sealing on ledgers of ~10 MB, ~100 MB and ~1 GB:
//  - time to secret (the unsealing hook reading the ledger backwards) against
//    the raw unseal of the same record in memory, and across ledger sizes;
//  - replay throughput (verify + decrypt + apply) against a raw load of the
//    same decoded key/values into the same store.
//
//   bazel run -c opt //integration/bench:recovery_benchmark
//
// Ledgers are generated once under $LEDGERSEAL_BENCH_DIR (default
// /tmp/ledgerseal-bench, ~1.2 GB) and reused. Figures: BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/recovery/public/ledger_file_reader.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"
#include "kvstore_adapter/store/public/store.h"
#include "integration/bench/synthetic_ledger.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/sealed_shares.h"

namespace ledgerseal::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Size {
  const char* name;
  uint64_t bytes;
};
constexpr Size kSizes[] = {{"10MB", 10'000'000}, {"100MB", 100'000'000}, {"1GB", 1'000'000'000}};

fs::path Root() {
  const char* dir = std::getenv("LEDGERSEAL_BENCH_DIR");
  return dir ? fs::path(dir) : fs::path("/tmp/ledgerseal-bench");
}

const SyntheticLedger& Ledger(int size) {
  static std::map<int, SyntheticLedger> cache;
  if (!cache.contains(size)) {
    const auto start = Clock::now();
    auto made = MakeSyntheticLedger(Root(), kSizes[size].name, kSizes[size].bytes);
    if (!made) {
      std::fprintf(stderr, "generating the ledger failed: %s\n", made.error().ToString().c_str());
      std::exit(1);
    }
    std::fprintf(stderr, "ledger %s: %llu entries, %.1f MB (ready in %.1f s)\n", kSizes[size].name,
                 static_cast<unsigned long long>(made->entries), made->bytes / 1e6,
                 std::chrono::duration<double>(Clock::now() - start).count());
    cache.emplace(size, std::move(*made));
  }
  return cache.at(size);
}

std::unique_ptr<sealing::LocalSealing> Plugin(const SyntheticLedger& l) {
  sealing::LocalSealingOptions o;
  o.node_id = "n1";
  o.sealing_identity = kIdentity;
  o.provider = l.provider;
  o.log = [](std::string_view) {};
  return std::move(*sealing::LocalSealing::Create(std::move(o)));
}

// Opening the ledger and running the unsealing hook, as recovery does.
void BM_TimeToSecret(benchmark::State& state) {
  const auto& l = Ledger(static_cast<int>(state.range(0)));
  auto plugin = Plugin(l);
  for (auto _ : state) {
    auto view = kv::ledger::LedgerView::Open(l.data_dir / "ledger");
    kv::LedgerFileReader reader(**view);
    kv::RecoveryContext ctx;
    ctx.node = {"n1", kIdentity, ""};
    ctx.ledger = &reader;
    auto secret = plugin->recovery_hook()->Unseal(ctx);
    if (!secret) state.SkipWithError(secret.error().ToString().c_str());
    benchmark::DoNotOptimize(secret);
  }
  state.SetLabel(kSizes[state.range(0)].name);
}

// The same record unsealed from memory: the cryptographic floor.
void BM_RawUnseal(benchmark::State& state) {
  const auto& l = Ledger(0);
  for (auto _ : state) {
    auto secret = sealing::UnsealShares(*l.provider, kv::AsBytes(l.latest_shares), kIdentity, l.entries, "");
    if (!secret) state.SkipWithError(secret.error().ToString().c_str());
    benchmark::DoNotOptimize(secret);
  }
}

kv::SecretBytes StoreKey() { return kv::SecretBytes(std::vector<uint8_t>(32, 7)); }

std::unique_ptr<kv::Store> FreshStore(const fs::path& dir, const kv::SecretBytes& key) {
  fs::remove_all(dir);
  return std::move(*kv::Store::Open({.dir = dir, .encryption_key = &key, .sync_writes = false}));
}

// Full recovery as the node and `ledgerseal recover` run it
// (RecoverIntoStore): a scratch store, hook, chain, verified replay, flush,
// install. Only removing the previous iteration's store is left out of the
// timing (opening the fresh store is now inside it).
void BM_Replay(benchmark::State& state) {
  const auto& l = Ledger(static_cast<int>(state.range(0)));
  kv::HookRegistry hooks;
  auto plugin = Plugin(l);
  if (auto s = plugin->RegisterWith(hooks); !s) {
    state.SkipWithError(s.error().ToString().c_str());
    return;
  }
  const auto key = StoreKey();
  const fs::path store_dir = Root() / "replay-store";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(store_dir);
    state.ResumeTiming();
    kv::RecoverIntoStoreOptions options;
    options.context.node = {"n1", kIdentity, ""};
    kv::secrets::LedgerSecrets secrets;
    auto r = kv::RecoverIntoStore(l.data_dir / "ledger", store_dir, key, hooks, options, secrets);
    if (!r) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * l.bytes));
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(state.iterations() * l.entries),
                                                   benchmark::Counter::kIsRate);
}

// The same key/values, already decoded, applied to a fresh store.
void BM_RawLoad(benchmark::State& state) {
  const auto& l = Ledger(static_cast<int>(state.range(0)));
  kv::secrets::LedgerSecrets secrets;  // decode outside the timing
  std::vector<kv::WriteSet> decoded;
  auto view = kv::ledger::LedgerView::Open(l.data_dir / "ledger");
  {
    kv::HookRegistry hooks;
    auto plugin = Plugin(l);
    if (auto s = plugin->RegisterWith(hooks); !s) {
      state.SkipWithError(s.error().ToString().c_str());
      return;
    }
    const fs::path decode_store = Root() / "decode-store";
    fs::remove_all(decode_store);
    kv::RecoverIntoStoreOptions options;
    options.context.node = {"n1", kIdentity, ""};
    auto recovered = kv::RecoverIntoStore(l.data_dir / "ledger", decode_store, StoreKey(), hooks, options, secrets);
    if (!recovered) {
      state.SkipWithError(recovered.error().ToString().c_str());
      return;
    }
  }
  if (!view) {
    state.SkipWithError(view.error().ToString().c_str());
    return;
  }
  std::string failure;
  auto walked = (*view)->ForEach(1, [&](kv::Version v, kv::ByteView bytes) {
    auto entry = kv::entry::DecodeAndVerifyWith(bytes, [&](uint64_t sv) { return secrets.Get(sv); });
    if (!entry) {
      failure = "entry " + std::to_string(v) + ": " + entry.error().ToString();
      return false;
    }
    decoded.push_back(std::move(entry->writes));
    return true;
  });
  if (!walked || !failure.empty()) {
    state.SkipWithError((failure.empty() ? walked.error().ToString() : failure).c_str());
    return;
  }
  const auto key = StoreKey();
  for (auto _ : state) {
    state.PauseTiming();
    auto store = FreshStore(Root() / "raw-store", key);
    state.ResumeTiming();
    bool ok = true;
    for (size_t i = 0; ok && i < decoded.size(); ++i) ok = store->Apply(i + 1, decoded[i]).has_value();
    if (!ok || !store->Flush()) {
      state.SkipWithError("the raw load failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * l.bytes));
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(state.iterations() * l.entries),
                                                   benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RawUnseal)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_TimeToSecret)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Replay)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RawLoad)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace ledgerseal::bench

