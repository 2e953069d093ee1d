// The nodes every sealing benchmark works on, built once per process:
// kMaxNodes nodes, each on its own `virtual` platform (own machine secret)
// with a P-256 recovery key sealed by the production SealRecoveryKey and
// bound to a fresh service identity (P-256), plus the same material in the
// shape the raw-OpenSSL baseline takes.
#ifndef LEDGERSEAL_PLUGIN_BENCH_BENCH_FIXTURE_H_
#define LEDGERSEAL_PLUGIN_BENCH_BENCH_FIXTURE_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/bench/raw_openssl.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealed_shares.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::bench {

inline constexpr size_t kMaxNodes = 31;
inline constexpr size_t kUnsealRecordNodes = 3;  // recipients of the record unsealed
// The raw side's service id (the plugin's is its service key's id; both are
// 32 characters, so the AADs and labels have the same size).
inline constexpr std::string_view kServiceId = "bench-service-0123456789abcdefgh";
inline constexpr uint64_t kLedgerSecretVersion = 42;

class BenchFixture {
 public:
  // Built on first use (kMaxNodes P-256 key generations and sealings).
  // Errors: sealing or parsing failed. Thread-safe.
  static base::Expected<const BenchFixture*, std::string> Get();

  // Production inputs: the first `count` recipients, sorted by identity.
  std::span<const sealing::ShareRecipient> recipients(size_t count) const {
    return std::span(recipients_).first(count);
  }
  // The same recipients prepared once (what a host keeps between rotations).
  std::span<const sealing::PreparedRecipient> prepared(size_t count) const {
    return std::span(prepared_).first(count);
  }
  const kv::SecretBytes& ledger_secret() const { return ledger_secret_; }
  // The service identity every recovery key is bound to; it signs.
  const kv::ServiceKey& service_key() const { return *service_key_; }
  // Node 0's platform, and a sealing.shares value (signed envelope) sealed
  // for the first kUnsealRecordNodes, and its body.
  const snp::VirtualProvider& unsealing_provider() const { return *providers_[0]; }
  const kv::Bytes& unseal_record() const { return unseal_record_; }
  const sealing::v1::SealedShares& unseal_body() const { return unseal_body_; }

  // Raw inputs: the same recipients (keys parsed once), and node 0's view
  // of unseal_record() with its derived key.
  std::span<const RawRecipient> raw_recipients(size_t count) const {
    return std::span(raw_recipients_).first(count);
  }
  const RawUnsealInput& raw_unseal_input() const { return raw_unseal_; }
  const RawCrypto& raw_crypto() const { return *raw_crypto_; }
  // A P-256 key of the raw side's own, to sign as the plugin's signer does.
  const RawSigner& raw_signer() const { return raw_signer_; }

 private:
  BenchFixture() = default;
  base::Expected<void, std::string> Build();
  base::Expected<void, std::string> AddNode(size_t index);
  base::Expected<void, std::string> BuildUnsealInputs();

  std::vector<std::unique_ptr<snp::VirtualProvider>> providers_;
  std::vector<sealing::ShareRecipient> recipients_;
  std::vector<sealing::PreparedRecipient> prepared_;
  std::vector<RawRecipient> raw_recipients_;
  kv::SecretBytes ledger_secret_;
  std::unique_ptr<kv::ServiceKey> service_key_;
  kv::Bytes unseal_record_;
  sealing::v1::SealedShares unseal_body_;
  RawUnsealInput raw_unseal_;
  std::unique_ptr<RawCrypto> raw_crypto_;
  RawSigner raw_signer_;
};

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_BENCH_FIXTURE_H_
