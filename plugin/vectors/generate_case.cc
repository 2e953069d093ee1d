#include "plugin/vectors/generate_case.h"

#include <vector>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/rsa_oaep.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/vectors/case_json.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/tamper.h"

namespace ledgerseal::vectors {
namespace {

std::vector<uint8_t> ToVector(std::span<const uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

// The untampered records and what the generator learns while sealing them.
struct Sealing {
  SealedCase sealed;
  std::vector<uint8_t> pkcs8_der;
  std::vector<uint8_t> wrapping_key;
};

Result<sealing::v1::SealedRecoveryKey> SealKey(const CaseSpec& spec,
                                               const DeterministicParts& parts) {
  auto sealer = ProviderOf(spec.sealer);
  auto random = RandomOf(RecoveryKeySeedOf(spec));
  if (!sealer) return Fail(sealer.error());
  if (!random) return Fail(random.error());
  auto key = sealing::SealRecoveryKey(**sealer, **random, parts.request, spec.sealing_identity,
                                      spec.node_id, spec.rsa_bits);
  if (!key) return Fail("SealRecoveryKey: " + key.error().ToString());
  if (ToVector(kv::AsBytes(key->sealed_private_key().iv())) != parts.recovery_key_iv) {
    return Fail("the sealed key's IV is not the first draw of its stream");
  }
  return std::move(*key);
}

// The private key, as the node that sealed it gets it back.
Result<crypto::RsaPrivateKey> UnsealKey(const CaseSpec& spec,
                                        const sealing::v1::SealedRecoveryKey& key) {
  auto sealer = ProviderOf(spec.sealer);
  if (!sealer) return Fail(sealer.error());
  auto private_key = sealing::UnsealRecoveryKey(**sealer, key);
  if (!private_key) return Fail("UnsealRecoveryKey: " + private_key.error().ToString());
  return std::move(*private_key);
}

Result<sealing::v1::SealedShares> SealSecret(const CaseSpec& spec, const DeterministicParts& parts,
                                             const sealing::v1::SealedRecoveryKey& key) {
  auto random = RandomOf(SharesSeedOf(spec));
  if (!random) return Fail(random.error());
  const kv::SecretBytes secret(parts.ledger_secret);
  const std::vector<sealing::ShareRecipient> recipients = {
      {std::string(spec.sealing_identity), std::string(spec.node_id), key}};
  auto shares = sealing::SealShares(**random, spec.service_id, spec.ledger_secret_version, secret,
                                    recipients);
  if (!shares) return Fail("SealShares: " + shares.error().ToString());
  if (ToVector(kv::AsBytes(shares->wrapped_ledger_secret().iv())) != parts.wrapped_secret_iv) {
    return Fail("the wrapped secret's IV is not the second draw of its stream");
  }
  return std::move(*shares);
}

// Documents the wrapping key by decrypting it with the documented label.
Result<std::vector<uint8_t>> RecoverWrappingKey(const CaseSpec& spec,
                                                const crypto::RsaPrivateKey& private_key,
                                                const sealing::v1::SealedShares& shares,
                                                const DeterministicParts& parts) {
  const auto label = EncodeWrappingKeyLabel(spec.sealing_identity, spec.node_id, spec.service_id,
                                            spec.ledger_secret_version);
  auto key = crypto::RsaOaepSha256Decrypt(
      private_key, kv::AsBytes(shares.shares(0).encrypted_wrapping_key()), label);
  if (!key) return Fail("decrypting the wrapping key: " + key.error().ToString());
  if (ToVector(key->bytes()) != parts.wrapping_key) {
    return Fail("the wrapping key is not the first draw of the shares stream");
  }
  return ToVector(key->bytes());
}

Result<Sealing> SealCase(const CaseSpec& spec, const DeterministicParts& parts) {
  auto key = SealKey(spec, parts);
  if (!key) return Fail(key.error());
  auto private_key = UnsealKey(spec, *key);
  if (!private_key) return Fail(private_key.error());
  auto pkcs8 = private_key->ToPkcs8Der();
  if (!pkcs8) return Fail("PKCS#8 export: " + pkcs8.error().ToString());
  auto shares = SealSecret(spec, parts, *key);
  if (!shares) return Fail(shares.error());
  auto wrapping_key = RecoverWrappingKey(spec, *private_key, *shares, parts);
  if (!wrapping_key) return Fail(wrapping_key.error());
  Sealing out;
  out.sealed = {std::string(spec.sealing_identity), std::string(spec.node_id), std::move(*key),
                std::move(*shares)};
  out.pkcs8_der = ToVector(pkcs8->bytes());
  out.wrapping_key = std::move(*wrapping_key);
  return out;
}

// The vector must say what the production code does with it.
Result<void> CheckProductionOutcome(const CaseSpec& spec, const DeterministicParts& parts,
                                    const SealedCase& sealed) {
  auto unsealer = ProviderOf(spec.unsealer);
  if (!unsealer) return Fail(unsealer.error());
  auto result = sealing::UnsealShares(**unsealer, sealed.shares, sealed.sealing_identity,
                                      spec.service_id, spec.ledger_secret_version);
  const auto expected = ExpectedError(spec.tamper);
  if (result.has_value() != !expected.has_value()) {
    return Fail(std::string("UnsealShares: ") +
                (result ? "succeeded, expected an error" : result.error().ToString()));
  }
  if (expected && result.error().code != *expected) {
    return Fail("UnsealShares returned " + result.error().ToString() + ", expected " +
                std::string(sealing::SealingErrorCodeName(*expected)));
  }
  if (!expected && ToVector(result->secret.bytes()) != parts.ledger_secret) {
    return Fail("UnsealShares returned another ledger secret");
  }
  return {};
}

Result<Json> Generate(const CaseSpec& spec) {
  auto parts = ComputeDeterministicParts(spec);
  if (!parts) return Fail(parts.error());
  auto sealing = SealCase(spec, *parts);
  if (!sealing) return Fail(sealing.error());
  if (auto s = ApplyTamper(spec.tamper, sealing->sealed); !s) return Fail(s.error());
  if (auto s = CheckProductionOutcome(spec, *parts, sealing->sealed); !s) return Fail(s.error());
  return CaseToJson(spec, *parts, sealing->sealed, sealing->pkcs8_der, sealing->wrapping_key);
}

}  // namespace

Result<Json> GenerateCase(const CaseSpec& spec) {
  auto out = Generate(spec);
  if (!out) return Fail("case " + std::string(spec.id) + ": " + out.error());
  return out;
}

}  // namespace ledgerseal::vectors
