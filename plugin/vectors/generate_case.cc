#include "plugin/vectors/generate_case.h"

#include <vector>

#include "crypto/public/ecies.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/testing/service_keys.h"
#include "plugin/vectors/case_json.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/tamper.h"

namespace ledgerseal::vectors {
namespace {

std::vector<uint8_t> ToVector(std::span<const uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

// The untampered records and what the generator learns while sealing them.
struct Sealing {
  SealedCase sealed;
  std::vector<uint8_t> pkcs8_der;
  std::vector<uint8_t> wrapping_key;
};

const kv::ServiceIdentity& Genuine() { return testing::TestServiceIdentity(1); }

Result<sealing::v1::SealedRecoveryKey> SealKey(const CaseSpec& spec, const DeterministicParts& parts) {
  auto sealer = ProviderOf(spec.sealer);
  auto random = RandomOf(RecoveryKeySeedOf(spec));
  if (!sealer) return Fail(sealer.error());
  if (!random) return Fail(random.error());
  auto key = sealing::SealRecoveryKey(**sealer, **random, parts.request, spec.sealing_identity, spec.node_id,
                                      Genuine());
  if (!key) return Fail("SealRecoveryKey: " + key.error().ToString());
  if (ToVector(kv::AsBytes(key->sealed_private_key().iv())) != parts.recovery_key_iv) {
    return Fail("the sealed key's IV is not the first draw of its stream");
  }
  return std::move(*key);
}

// The private key, as the node that sealed it gets it back.
Result<crypto::EcdhPrivateKey> UnsealKey(const CaseSpec& spec, const sealing::v1::SealedRecoveryKey& key) {
  auto sealer = ProviderOf(spec.sealer);
  if (!sealer) return Fail(sealer.error());
  auto unsealed = sealing::UnsealRecoveryKey(**sealer, key);
  if (!unsealed) return Fail("UnsealRecoveryKey: " + unsealed.error().ToString());
  if (unsealed->service != Genuine()) return Fail("UnsealRecoveryKey: another service came back");
  return std::move(unsealed->private_key);
}

Result<sealing::v1::SealedShares> SealSecret(const CaseSpec& spec, const DeterministicParts& parts,
                                             const sealing::v1::SealedRecoveryKey& key) {
  auto random = RandomOf(SharesSeedOf(spec));
  if (!random) return Fail(random.error());
  const kv::SecretBytes secret(parts.ledger_secret);
  const std::vector<sealing::ShareRecipient> recipients = {
      {std::string(spec.sealing_identity), std::string(spec.node_id), key}};
  auto envelope = sealing::SealShares(**random, testing::TestServiceKey(1), spec.ledger_secret_version, secret,
                                      recipients);
  if (!envelope) return Fail("SealShares: " + envelope.error().ToString());
  sealing::v1::SealedShares body;
  if (!body.ParseFromString(envelope->body())) return Fail("SealShares wrote a body that does not parse");
  if (ToVector(kv::AsBytes(body.wrapped_ledger_secret().iv())) != parts.wrapped_secret_iv) {
    return Fail("the wrapped secret's IV is not the second draw of its stream");
  }
  return body;
}

// Documents the wrapping key by opening it with the documented info (L_wk).
Result<std::vector<uint8_t>> RecoverWrappingKey(const CaseSpec& spec, const crypto::EcdhPrivateKey& private_key,
                                                const sealing::v1::SealedShares& body,
                                                const DeterministicParts& parts) {
  const auto label = EncodeWrappingKeyLabel(spec.sealing_identity, spec.node_id, spec.service_id,
                                            spec.ledger_secret_version);
  auto key = crypto::EciesP256Open(private_key, kv::AsBytes(body.shares(0).encrypted_wrapping_key()), label);
  if (!key) return Fail("decrypting the wrapping key: " + key.error().ToString());
  if (ToVector(key->bytes()) != parts.wrapping_key) {
    return Fail("the wrapping key is not the first draw of the shares stream");
  }
  return ToVector(key->bytes());
}

// The node's key pair sealed again for `service`, as a recovered node does.
Resealer ResealerFor(const CaseSpec& spec, const DeterministicParts& parts,
                     std::shared_ptr<const crypto::EcdhPrivateKey> key) {
  return [spec, request = parts.request, key](const kv::ServiceIdentity& service)
             -> Result<sealing::v1::SealedRecoveryKey> {
    auto sealer = ProviderOf(spec.sealer);
    auto random = RandomOf("ledgerseal vectors v3 reseal: " + std::string(spec.id));
    if (!sealer) return Fail(sealer.error());
    if (!random) return Fail(random.error());
    auto sealed = sealing::SealExistingRecoveryKey(**sealer, **random, request, spec.sealing_identity,
                                                   spec.node_id, service, *key);
    if (!sealed) return Fail("SealExistingRecoveryKey: " + sealed.error().ToString());
    return std::move(*sealed);
  };
}

Result<Sealing> SealCase(const CaseSpec& spec, const DeterministicParts& parts) {
  if (spec.service_id != Genuine().service_id) return Fail("a format 3 case's service id is TEST KEY 1's");
  auto key = SealKey(spec, parts);
  if (!key) return Fail(key.error());
  auto private_key = UnsealKey(spec, *key);
  if (!private_key) return Fail(private_key.error());
  auto pkcs8 = private_key->ToPkcs8Der();
  if (!pkcs8) return Fail("PKCS#8 export: " + pkcs8.error().ToString());
  auto body = SealSecret(spec, parts, *key);
  if (!body) return Fail(body.error());
  auto wrapping_key = RecoverWrappingKey(spec, *private_key, *body, parts);
  if (!wrapping_key) return Fail(wrapping_key.error());
  auto shared_key = std::make_shared<const crypto::EcdhPrivateKey>(std::move(*private_key));
  Sealing out;
  out.sealed.sealing_identity = std::string(spec.sealing_identity);
  out.sealed.node_id = std::string(spec.node_id);
  out.sealed.recovery_key = std::move(*key);
  out.sealed.body = std::move(*body);
  out.pkcs8_der = ToVector(pkcs8->bytes());
  out.wrapping_key = std::move(*wrapping_key);
  if (auto s = ApplyTamper(spec, ResealerFor(spec, parts, shared_key), out.sealed); !s) return Fail(s.error());
  return out;
}

// The vector must say what the production code does with it.
Result<void> CheckProductionOutcome(const CaseSpec& spec, const DeterministicParts& parts, const SealedCase& sealed) {
  auto unsealer = ProviderOf(spec.unsealer);
  if (!unsealer) return Fail(unsealer.error());
  const std::string pin = spec.pin_key == 0 ? "" : testing::TestServiceIdentity(spec.pin_key).service_id;
  auto result = sealing::UnsealShares(**unsealer, sealed.record, sealed.sealing_identity, 1, pin);
  const auto expected = ExpectedError(spec);
  if (result.has_value() != !expected.has_value()) {
    return Fail(std::string("UnsealShares: ") + (result ? "succeeded, expected an error" : result.error().ToString()));
  }
  if (expected && result.error().code != *expected) {
    return Fail("UnsealShares returned " + result.error().ToString() + ", expected " +
                std::string(sealing::SealingErrorCodeName(*expected)));
  }
  if (!expected && (ToVector(result->secret.bytes()) != parts.ledger_secret || result->service != Genuine())) {
    return Fail("UnsealShares returned another ledger secret or service");
  }
  return {};
}

Result<Json> Generate(const CaseSpec& spec) {
  auto parts = ComputeDeterministicParts(spec);
  if (!parts) return Fail(parts.error());
  auto sealing = SealCase(spec, *parts);
  if (!sealing) return Fail(sealing.error());
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
