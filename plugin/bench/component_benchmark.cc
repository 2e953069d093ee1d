// Attribution: the pieces of the plugin's seal and unseal paths, each
// timed alone, next to the raw EVP call doing the same cryptography — to
// explain the ratios of sealing_benchmark.cc (see BENCHMARKS.md).
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include "kvstore_adapter/public/types.h"
#include "plugin/bench/bench_fixture.h"
#include "plugin/bench/fixture_or_skip.h"
#include "plugin/bench/raw_ecies.h"
#include "plugin/bench/raw_openssl.h"
#include "crypto/public/ecies.h"
#include "crypto/public/random_source.h"
#include "kvstore_adapter/public/service_identity.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_key.h"
#include "plugin/vectors/format_layout.h"

namespace ledgerseal::bench {
namespace {

const sealing::v1::SealedRecoveryKey& Node0Key(const BenchFixture& f) {
  return f.recipients(1)[0].recovery_key;
}

const std::vector<uint8_t>& Label() {
  static const auto label =
      vectors::EncodeWrappingKeyLabel("node-00", "n00", kServiceId, kLedgerSecretVersion);
  return label;
}

constexpr std::array<uint8_t, 32> kWrappingKey{};

// Keys unsealed once for the decrypt-side components; nullptr on failure.
struct Node0Keys {
  std::unique_ptr<crypto::EcdhPrivateKey> private_key;
  std::unique_ptr<crypto::EcdhPublicKey> public_key;
  Bytes pkcs8_der;
  Bytes spki;
  Bytes ciphertext;  // ECIES of kWrappingKey under Label()
};

const Node0Keys* Keys(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return nullptr;
  static const Node0Keys keys = [f] {
    Node0Keys k;
    auto unsealed = sealing::UnsealRecoveryKey(f->unsealing_provider(), Node0Key(*f));
    auto public_key = crypto::EcdhPublicKey::FromDer(kv::AsBytes(Node0Key(*f).public_key_der()));
    if (!unsealed || !public_key) return k;
    crypto::OpenSslRandomSource random;
    auto pkcs8 = unsealed->private_key.ToPkcs8Der();
    auto ciphertext = crypto::EciesP256Seal(random, *public_key, kWrappingKey, Label());
    if (!pkcs8 || !ciphertext) return k;
    k.pkcs8_der.assign(pkcs8->bytes().begin(), pkcs8->bytes().end());
    k.spki = kv::ToBytes(Node0Key(*f).public_key_der());
    k.ciphertext = std::move(*ciphertext);
    k.private_key = std::make_unique<crypto::EcdhPrivateKey>(std::move(unsealed->private_key));
    k.public_key = std::make_unique<crypto::EcdhPublicKey>(std::move(*public_key));
    return k;
  }();
  if (!keys.private_key) state.SkipWithError("unsealing node 0's key failed");
  return keys.private_key ? &keys : nullptr;
}

// --- platform and sealing key ------------------------------------------------

void BM_Part_VirtualDerivedKey(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  auto request = sealing::ToDerivedKeyRequest(Node0Key(*f).derivation());
  if (!request) return state.SkipWithError("stored request");
  for (auto _ : state) benchmark::DoNotOptimize(f->unsealing_provider().GetDerivedKey(*request));
}

// Derived key + two HKDFs (sealing key and key id).
void BM_Part_DeriveSealingKey(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sealing::DeriveSealingKey(f->unsealing_provider(), Node0Key(*f).derivation()));
  }
}

// --- seal side, per recipient --------------------------------------------------

// SealShares calls this once per recipient; it parses the public key.
void BM_Part_ValidateSealedRecoveryKey(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(sealing::ValidateSealedRecoveryKey(Node0Key(*f)));
}

// ...and then parses the same public key again.
void BM_Part_EcdhPublicKeyFromDer(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto der = kv::AsBytes(Node0Key(*f).public_key_der());
  for (auto _ : state) benchmark::DoNotOptimize(crypto::EcdhPublicKey::FromDer(der));
}

void BM_Part_PluginEciesSeal(benchmark::State& state) {
  const Node0Keys* k = Keys(state);
  if (k == nullptr) return;
  crypto::OpenSslRandomSource random;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::EciesP256Seal(random, *k->public_key, kWrappingKey, Label()));
  }
}

void BM_Part_RawEciesSeal(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const RawRecipient& r = f->raw_recipients(1)[0];
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        RawEciesSeal(f->raw_crypto(), r.public_key.get(), r.public_key_der, Label(), kWrappingKey));
  }
}

// Each NodeShare gets a copy of the recipient's SealedRecoveryKey.
void BM_Part_RecoveryKeyCopy(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    sealing::v1::SealedRecoveryKey copy = Node0Key(*f);
    benchmark::DoNotOptimize(copy);
  }
}

// --- unseal side ------------------------------------------------------------------

void BM_Part_UnsealRecoveryKey(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sealing::UnsealRecoveryKey(f->unsealing_provider(), Node0Key(*f)));
  }
}

void BM_Part_EcdhPrivateKeyFromPkcs8(benchmark::State& state) {
  const Node0Keys* k = Keys(state);
  if (k == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(crypto::EcdhPrivateKey::FromPkcs8Der(k->pkcs8_der));
}

// UnsealRecoveryKey re-encodes the unsealed key's public half to compare it.
void BM_Part_PrivateKeyPublicDer(benchmark::State& state) {
  const Node0Keys* k = Keys(state);
  if (k == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(k->private_key->PublicKeyDer());
}

void BM_Part_PluginEciesOpen(benchmark::State& state) {
  const Node0Keys* k = Keys(state);
  if (k == nullptr) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::EciesP256Open(*k->private_key, k->ciphertext, Label()));
  }
}

void BM_Part_RawEciesOpen(benchmark::State& state) {
  const Node0Keys* k = Keys(state);
  const BenchFixture* f = FixtureOrSkip(state);
  if (k == nullptr || f == nullptr) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        RawEciesOpen(f->raw_crypto(), k->private_key->pkey(), k->spki, Label(), k->ciphertext));
  }
}

// --- the service identity ------------------------------------------------------

// The seal side signs the serialised body once (ServiceKey over crypto::SigningKey)...
void BM_Part_PluginSign(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto& body = f->raw_unseal_input().body;
  for (auto _ : state) benchmark::DoNotOptimize(f->service_key().Sign(kv::kSealedSharesDomain, body));
}

void BM_Part_RawSign(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto message = SignedMessage(kv::kSealedSharesDomain, f->raw_signer().spki, f->raw_unseal_input().body);
  for (auto _ : state) benchmark::DoNotOptimize(EcdsaSign(f->raw_signer().key.get(), message));
}

// ...the unseal side parses the value (probe, envelope, body, signer key)
// and verifies once (the key parsed from DER, as it is stored).
void BM_Part_ParseSignedShares(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(sealing::ParseSignedShares(f->unseal_record()));
}

void BM_Part_PluginVerify(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto& in = f->raw_unseal_input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        kv::VerifyServiceSignature(f->service_key().identity(), kv::kSealedSharesDomain, in.body, in.signature));
  }
}

void BM_Part_RawVerify(benchmark::State& state) {
  const BenchFixture* f = FixtureOrSkip(state);
  if (f == nullptr) return;
  const auto& in = f->raw_unseal_input();
  for (auto _ : state) {
    auto key = ParseEcPublicKeyDer(in.binding_spki);
    if (!key) return state.SkipWithError(key.error().c_str());
    benchmark::DoNotOptimize(EcdsaVerify(key->get(), SignedMessage(kv::kSealedSharesDomain, in.binding_spki, in.body),
                                         in.signature));
  }
}

BENCHMARK(BM_Part_VirtualDerivedKey);
BENCHMARK(BM_Part_DeriveSealingKey);
BENCHMARK(BM_Part_ValidateSealedRecoveryKey)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_EcdhPublicKeyFromDer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_PluginEciesSeal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_RawEciesSeal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_RecoveryKeyCopy);
BENCHMARK(BM_Part_UnsealRecoveryKey)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_EcdhPrivateKeyFromPkcs8)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_PrivateKeyPublicDer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_PluginEciesOpen)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_RawEciesOpen)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_PluginSign)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_RawSign)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_ParseSignedShares)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_PluginVerify)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_RawVerify)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ledgerseal::bench
