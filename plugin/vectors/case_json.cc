#include "plugin/vectors/case_json.h"

#include <string>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/service_keys.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"

namespace ledgerseal::vectors {
namespace {

DerivationFields FieldsOf(const sealing::v1::DerivationParams& params) {
  return {params.derivation_version(), params.platform(), params.root_key_select(),
          params.guest_field_select(), params.vmpl(),     params.guest_svn(),
          params.tcb_version()};
}

Json Blob(const sealing::v1::AeadBlob& blob, std::span<const uint8_t> aad) {
  Json out;
  out["iv_hex"] = Hex(kv::AsBytes(blob.iv()));
  out["ciphertext_hex"] = Hex(kv::AsBytes(blob.ciphertext()));
  out["tag_hex"] = Hex(kv::AsBytes(blob.tag()));
  out["aad_hex"] = Hex(aad);
  return out;
}

// AAD_rk3 from the record's own (clear) fields, as an unsealer builds it.
Json SealedKeyBlob(const sealing::v1::SealedRecoveryKey& key) {
  const auto aad = EncodeRecoveryKeyAadV3(
      kv::AsBytes(key.public_key_der()), key.sealing_identity(), key.node_id(), FieldsOf(key.derivation()),
      kv::AsBytes(key.key_id()), key.service_identity_algorithm(), kv::AsBytes(key.service_identity_public_key_der()));
  Json out;
  out["key_id_hex"] = Hex(kv::AsBytes(key.key_id()));
  out["service_identity_algorithm"] = key.service_identity_algorithm();
  out["service_identity_public_key_der_hex"] = Hex(kv::AsBytes(key.service_identity_public_key_der()));
  out.update(Blob(key.sealed_private_key(), aad));
  return out;
}

void AddOutcome(const CaseSpec& spec, Json& out) {
  const auto error = ExpectedError(spec);
  out["expect"] = error ? "error" : "success";
  if (!error) return;
  out["error"] = std::string(sealing::SealingErrorCodeName(*error));
  out["failing_step"] = std::string(FailingStep(spec));
}

Result<void> AddPlatform(const DeterministicParts& parts, Json& out) {
  auto platform = VirtualPlatformToJson(parts.machine_secret, parts.launch_json);
  if (!platform) return Fail(platform.error());
  out["virtual_platform"] = std::move(*platform);
  out["platform"] = "virtual";
  out["derivation_version"] = sealing::kDerivationVersion;
  out["request"] = RequestToJson(parts.request);
  out["derived_key_hex"] = Hex(parts.derived_key);
  out["hkdf_info_hex"] = Hex(kv::AsBytes(sealing::kSealingKeyInfo));
  out["sealing_key_hex"] = Hex(parts.sealing_key);
  out["key_id_info_hex"] = Hex(kv::AsBytes(sealing::kKeyIdInfo));
  out["key_id_hex"] = Hex(parts.key_id);
  return {};
}

// The seeds of the two DeterministicRandomSource streams; which bytes each
// draw takes is in deterministic_parts.h and testdata/vectors/README.md.
void AddRandom(const CaseSpec& spec, Json& out) {
  Json random;
  random["recovery_key_seed_hex"] = Hex(kv::AsBytes(RecoveryKeySeedOf(spec)));
  random["shares_seed_hex"] = Hex(kv::AsBytes(SharesSeedOf(spec)));
  out["random"] = std::move(random);
}

Result<void> AddKeys(const SealedCase& sealed, std::span<const uint8_t> pkcs8_der, Json& out) {
  auto private_pem = DerToPem(kPrivateKeyPemLabel, pkcs8_der);
  auto public_pem = DerToPem(kPublicKeyPemLabel, kv::AsBytes(sealed.recovery_key.public_key_der()));
  if (!private_pem) return Fail(private_pem.error());
  if (!public_pem) return Fail(public_pem.error());
  out["recovery_private_key_pem"] = std::move(*private_pem);
  out["recovery_public_key_pem"] = std::move(*public_pem);
  out["sealed_recovery_key"] = SealedKeyBlob(sealed.recovery_key);
  return {};
}

void AddShares(const DeterministicParts& parts, const SealedCase& sealed, std::span<const uint8_t> wrapping_key,
               Json& out) {
  const auto& body = sealed.body;
  out["ledger_secret_hex"] = Hex(parts.ledger_secret);
  out["wrapping_key_hex"] = Hex(wrapping_key);
  out["wrapped_ledger_secret"] = Blob(
      body.wrapped_ledger_secret(), EncodeWrappedLedgerSecretAad(body.service_id(), body.ledger_secret_version()));
  out["encrypted_wrapping_key_hex"] = Hex(kv::AsBytes(body.shares(0).encrypted_wrapping_key()));
  out["ecies_info_hex"] = Hex(EncodeWrappingKeyLabel(sealed.sealing_identity, sealed.node_id, body.service_id(),
                                                     body.ledger_secret_version()));
}

// The envelope as a reader sees it (SERVICE_IDENTITY.md §4.1-§4.2). A format
// 1 value has no envelope: its body is the value, and nobody signed it. The
// body is not repeated on its own: it is the last item of the signed message
// (and field 2 of the value).
void AddSignature(const SealedCase& sealed, Json& out) {
  const bool format1 = sealed.envelope.format_version() == 0 && sealed.envelope.body().empty();
  const auto& e = sealed.envelope;
  const std::vector<uint8_t> body =
      format1 ? sealed.record : std::vector<uint8_t>(e.body().begin(), e.body().end());
  out["record_format_version"] = format1 ? sealed.body.format_version() : e.format_version();
  out["signature_algorithm"] = e.signature_algorithm();
  out["signer_public_key_der_hex"] = Hex(kv::AsBytes(e.signer_public_key_der()));
  out["signed_message_hex"] =
      Hex(EncodeSignedMessage(kv::kSealedSharesDomain, kv::AsBytes(e.signer_public_key_der()), body));
  out["signature_hex"] = Hex(kv::AsBytes(e.signature()));
}

Result<void> AddRecords(const SealedCase& sealed, Json& out) {
  auto key_record = sealing::SerializeRecord(sealed.recovery_key);
  if (!key_record) return Fail("serialising the key record");
  out["sealed_recovery_key_record_hex"] = Hex(*key_record);
  out["signed_shares_record_hex"] = Hex(sealed.record);
  return {};
}

}  // namespace

Result<Json> ServiceIdentityToJson(uint8_t n) {
  auto pem = DerToPem(kPrivateKeyPemLabel, testing::TestServiceKeyPkcs8(n));
  if (!pem) return Fail(pem.error());
  const kv::ServiceIdentity& identity = testing::TestServiceIdentity(n);
  Json out;
  out["private_key_pem"] = std::move(*pem);
  out["public_key_der_hex"] = Hex(identity.public_key_der);
  out["service_id"] = identity.service_id;
  return out;
}

Result<Json> CaseToJson(const CaseSpec& spec, const DeterministicParts& parts, const SealedCase& sealed,
                        std::span<const uint8_t> pkcs8_der, std::span<const uint8_t> wrapping_key) {
  Json out;
  out["id"] = std::string(spec.id);
  out["description"] = std::string(spec.description) + std::string(kTestKeyNote);
  AddOutcome(spec, out);
  out["policy"] = std::string(spec.policy);
  out["recovery_key_algorithm"] = std::string(kRecoveryKeyAlgorithmP256);
  if (auto s = AddPlatform(parts, out); !s) return Fail(s.error());
  AddRandom(spec, out);
  out["service_id"] = sealed.body.service_id();
  out["ledger_secret_version"] = U64Hex(sealed.body.ledger_secret_version());
  out["sealing_identity"] = sealed.sealing_identity;
  out["node_id"] = sealed.node_id;
  auto identity = ServiceIdentityToJson(sealed.bound_key);
  if (!identity) return Fail(identity.error());
  out["service_identity"] = std::move(*identity);
  out["expected_previous_service_id"] =
      spec.pin_key == 0 ? "" : testing::TestServiceIdentity(spec.pin_key).service_id;
  if (auto s = AddKeys(sealed, pkcs8_der, out); !s) return Fail(s.error());
  AddShares(parts, sealed, wrapping_key, out);
  AddSignature(sealed, out);
  if (auto s = AddRecords(sealed, out); !s) return Fail(s.error());
  return out;
}

}  // namespace ledgerseal::vectors
