// Headline comparison: the plugin's SealShares / UnsealShares against the
// same cryptographic work in raw EVP calls (raw_openssl.h), the service
// identity's ECDSA P-256 signature (seal) and verification (unseal)
// included on both sides. The summary printed by bench_main.cc divides the
// medians of matching rows.
#include <benchmark/benchmark.h>

#include "plugin/bench/bench_fixture.h"
#include "plugin/bench/fixture_or_skip.h"
#include "plugin/bench/raw_openssl.h"
#include "crypto/public/random_source.h"
#include "plugin/public/sealed_shares.h"

namespace ledgerseal::bench {
namespace {

template <typename Recipients>
void PluginSealLoop(benchmark::State& state, const BenchFixture& f, Recipients recipients) {
  crypto::OpenSslRandomSource random;
  for (auto _ : state) {
    auto shares = sealing::SealShares(random, f.service_key(), kLedgerSecretVersion,
                                      f.ledger_secret(), recipients);
    if (!shares) {
      state.SkipWithError(shares.error().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(shares);
  }
}

// Seal the ledger secret for the first N nodes, prepared once up front (how
// the plugin seals at a rotation: it keeps each trusted node prepared).
void BM_PluginSeal(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  PluginSealLoop(state, *f, f->prepared(static_cast<size_t>(state.range(0))));
}

// The same from the recipients' records: each public key parsed per call.
void BM_PluginSealFromRecords(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  PluginSealLoop(state, *f, f->recipients(static_cast<size_t>(state.range(0))));
}

// What remains on the commit path when the shares were pre-sealed off it
// (LocalSealingOptions::background): wrap the secret, serialise, sign. The
// ECIES half (PresealedShares::Make) runs untimed before each iteration.
void BM_PluginSealPresealed(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  crypto::OpenSslRandomSource random;
  const auto recipients = f->prepared(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    auto presealed = sealing::PresealedShares::Make(random, f->service_key().identity(), kLedgerSecretVersion,
                                                    recipients);
    state.ResumeTiming();
    if (!presealed) {
      state.SkipWithError(presealed.error().ToString().c_str());
      break;
    }
    auto shares = sealing::SealPresealedShares(f->service_key(), kLedgerSecretVersion, f->ledger_secret(),
                                               std::move(*presealed));
    if (!shares) {
      state.SkipWithError(shares.error().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(shares);
  }
}

void RawSealLoop(benchmark::State& state, bool parse_der) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto recipients = f->raw_recipients(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto sealed = RawSeal(f->raw_crypto(), recipients, f->raw_signer(), kServiceId, kLedgerSecretVersion,
                          f->ledger_secret().bytes(), parse_der);
    if (!sealed) {
      state.SkipWithError(sealed.error().c_str());
      break;
    }
    benchmark::DoNotOptimize(sealed);
  }
}

// N ECIES seals to already-parsed keys + one AES-GCM wrap + one
// ECDSA signature.
void BM_RawSeal(benchmark::State& state) { RawSealLoop(state, /*parse_der=*/false); }

// The same, parsing each recipient's SubjectPublicKeyInfo once per call.
void BM_RawSealParsingDer(benchmark::State& state) { RawSealLoop(state, /*parse_der=*/true); }

// Node 0 recovers the secret from a record sealed for 3 nodes, on its
// virtual platform (the derived key is part of the cost), parsing the value
// and verifying its signature.
void BM_PluginUnseal(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    auto secret = sealing::UnsealShares(f->unsealing_provider(), f->unseal_record(), "node-00", 1,
                                        f->service_key().identity().service_id);
    if (!secret) {
      state.SkipWithError(secret.error().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(secret);
  }
}

// HKDF + AES-GCM open + PKCS#8 parse + ECDSA verify (signer SPKI parsed) +
// ECIES open + AES-GCM open, from the derived key's bytes.
void BM_RawUnseal(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    auto secret = RawUnseal(f->raw_crypto(), f->raw_unseal_input());
    if (!secret) {
      state.SkipWithError(secret.error().c_str());
      break;
    }
    benchmark::DoNotOptimize(secret);
  }
}

BENCHMARK(BM_PluginSeal)->Arg(1)->Arg(3)->Arg(7)->Arg(31)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PluginSealPresealed)->Arg(1)->Arg(3)->Arg(7)->Arg(31)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PluginSealFromRecords)->Arg(1)->Arg(3)->Arg(7)->Arg(31)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawSeal)->Arg(1)->Arg(3)->Arg(7)->Arg(31)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawSealParsingDer)->Arg(1)->Arg(3)->Arg(7)->Arg(31)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PluginUnseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawUnseal)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ledgerseal::bench
