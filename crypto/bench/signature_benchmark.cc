// The cost of a service-identity signature, to choose its algorithm
// (issue 11: signing every sealing.shares record must keep rotation latency
// within budget). Measures Ed25519 and ECDSA P-256 / P-384 signing and
// verification of a 10 KB record (the size of a sealing.shares record for 7
// nodes), next to the work a rotation already does for ONE node in the same
// run: an RSA-OAEP-3072 encryption (the primary, per recipient) and
// decryption (each node, once).
//
//   bazel run -c opt //crypto/bench:signature_benchmark --
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   (one command line)
//
// Figures and the choice: BENCHMARKS.md, "Service identity signatures".
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstdio>
#include <vector>

#include "crypto/public/rsa_key.h"
#include "crypto/public/rsa_oaep.h"
#include "crypto/public/signature.h"

namespace ledgerseal::crypto {
namespace {

constexpr size_t kRecordBytes = 10 * 1024;

template <typename T>
T OrDie(CryptoResult<T> r) {
  if (!r) {
    std::fprintf(stderr, "signature_benchmark: %s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

const std::vector<uint8_t>& Record() {
  static const std::vector<uint8_t> record(kRecordBytes, 0x5a);
  return record;
}

void BM_Sign(benchmark::State& state, SignatureAlgorithm algorithm) {
  const SigningKey key = OrDie(SigningKey::Generate(algorithm));
  for (auto _ : state) {
    auto signature = key.Sign(Record());
    benchmark::DoNotOptimize(signature);
  }
}

void BM_Verify(benchmark::State& state, SignatureAlgorithm algorithm) {
  const SigningKey key = OrDie(SigningKey::Generate(algorithm));
  const VerifyingKey verifier = OrDie(VerifyingKey::FromDer(algorithm, OrDie(key.PublicKeyDer())));
  const std::vector<uint8_t> signature = OrDie(key.Sign(Record()));
  for (auto _ : state) {
    auto ok = verifier.Verify(Record(), signature);
    if (!ok) state.SkipWithError("verification failed");
  }
}

void BM_RsaOaep3072Encrypt(benchmark::State& state) {
  const RsaPrivateKey key = OrDie(RsaPrivateKey::Generate(3072));
  const RsaPublicKey public_key = OrDie(RsaPublicKey::FromDer(OrDie(key.PublicKeyDer())));
  const std::vector<uint8_t> wrapping_key(32, 7), label(40, 1);
  for (auto _ : state) {
    auto ciphertext = RsaOaepSha256Encrypt(public_key, wrapping_key, label);
    benchmark::DoNotOptimize(ciphertext);
  }
}

void BM_RsaOaep3072Decrypt(benchmark::State& state) {
  const RsaPrivateKey key = OrDie(RsaPrivateKey::Generate(3072));
  const RsaPublicKey public_key = OrDie(RsaPublicKey::FromDer(OrDie(key.PublicKeyDer())));
  const std::vector<uint8_t> wrapping_key(32, 7), label(40, 1);
  const std::vector<uint8_t> ciphertext = OrDie(RsaOaepSha256Encrypt(public_key, wrapping_key, label));
  for (auto _ : state) {
    auto plaintext = RsaOaepSha256Decrypt(key, ciphertext, label);
    benchmark::DoNotOptimize(plaintext);
  }
}

BENCHMARK_CAPTURE(BM_Sign, ed25519, SignatureAlgorithm::kEd25519)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ecdsa_p256, SignatureAlgorithm::kEcdsaP256Sha256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ecdsa_p384, SignatureAlgorithm::kEcdsaP384Sha384)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Verify, ed25519, SignatureAlgorithm::kEd25519)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Verify, ecdsa_p256, SignatureAlgorithm::kEcdsaP256Sha256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Verify, ecdsa_p384, SignatureAlgorithm::kEcdsaP384Sha384)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RsaOaep3072Encrypt)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RsaOaep3072Decrypt)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ledgerseal::crypto
