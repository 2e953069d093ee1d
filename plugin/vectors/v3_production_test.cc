// The production code on the format 3 vectors' records: the records carry
// exactly the documented fields, and UnsealShares / UnsealRecoveryKey /
// VerifyServiceRecord give the documented outcome — the ledger secret and
// its service, or exactly the documented error.
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/expect_records.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture_v3.h"

namespace ledgerseal::vectors {
namespace {

using sealing::SealingErrorCodeName;

void ExpectKeyRecord(const sealing::v1::SealedRecoveryKey& key, const VectorFields& v) {
  EXPECT_EQ(key.format_version(), 3u);
  EXPECT_EQ(key.sealing_identity(), v.sealing_identity);
  EXPECT_EQ(key.node_id(), v.node_id);
  auto public_der = PemToDer(kPublicKeyPemLabel, v.public_key_pem);
  ASSERT_TRUE(public_der) << public_der.error();
  EXPECT_EQ(Hex(ToBytes(key.public_key_der())), Hex(*public_der));
  const auto& d = key.derivation();
  EXPECT_EQ(d.guest_field_select(), v.request.guest_field_select);
  EXPECT_EQ(d.tcb_version(), v.request.tcb_version);
  EXPECT_EQ(Hex(ToBytes(key.key_id())), Hex(v.stored_key_id));
  EXPECT_EQ(key.service_identity_algorithm(), v.binding_algorithm);
  EXPECT_EQ(Hex(ToBytes(key.service_identity_public_key_der())), Hex(v.binding_public_key_der));
  ExpectBlob(key.sealed_private_key(), v.sealed_key);
}

void ExpectBody(const sealing::v1::SealedShares& body, const VectorFields& v) {
  EXPECT_EQ(body.service_id(), v.service_id);
  EXPECT_EQ(body.ledger_secret_version(), v.ledger_secret_version);
  ExpectBlob(body.wrapped_ledger_secret(), v.wrapped_secret);
  ASSERT_EQ(body.shares_size(), 1);
  const auto& share = body.shares(0);
  EXPECT_EQ(share.sealing_identity(), v.sealing_identity);
  EXPECT_EQ(share.node_id(), v.node_id);
  EXPECT_EQ(Hex(ToBytes(share.encrypted_wrapping_key())), Hex(v.encrypted_wrapping_key));
  EXPECT_EQ(Hex(*sealing::SerializeRecord(share.recovery_key())), Hex(v.key_record))
      << "the share's copy differs from the key record";
}

TEST_F(SealingVectorsV3Test, RecordsHoldTheDocumentedFieldsAndReserializeIdentically) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto key = sealing::ParseSealedRecoveryKey(v.key_record);
    ASSERT_TRUE(key) << key.error().ToString();
    ExpectKeyRecord(*key, v);
    EXPECT_EQ(Hex(*sealing::SerializeRecord(*key)), Hex(v.key_record));
    const Bytes body_bytes = BodyOfSignedMessage(v.signed_message);
    sealing::v1::SealedShares body;
    ASSERT_TRUE(body.ParseFromArray(body_bytes.data(), static_cast<int>(body_bytes.size())));
    ExpectBody(body, v);
    if (v.record_format_version == 1) {
      EXPECT_EQ(Hex(body_bytes), Hex(v.shares_record)) << "a format 1 value is its body";
      continue;
    }
    sealing::v1::SignedSealedShares envelope;
    ASSERT_TRUE(envelope.ParseFromArray(v.shares_record.data(), static_cast<int>(v.shares_record.size())));
    EXPECT_EQ(envelope.format_version(), v.record_format_version);
    EXPECT_EQ(Hex(ToBytes(envelope.body())), Hex(body_bytes));
    EXPECT_EQ(envelope.signature_algorithm(), v.signature_algorithm);
    EXPECT_EQ(Hex(ToBytes(envelope.signer_public_key_der())), Hex(v.signer_public_key_der));
    EXPECT_EQ(Hex(ToBytes(envelope.signature())), Hex(v.signature));
    EXPECT_EQ(Hex(*sealing::SerializeRecord(envelope)), Hex(v.shares_record));
  }
}

TEST_F(SealingVectorsV3Test, ProductionUnsealSharesGivesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    ASSERT_TRUE(provider) << provider.error();
    auto result = sealing::UnsealShares(**provider, v.shares_record, v.sealing_identity, 1,
                                        v.expected_previous_service_id);
    if (v.expects_success()) {
      ASSERT_TRUE(result) << result.error().ToString();
      EXPECT_EQ(Hex(result->secret.bytes()), Hex(v.ledger_secret));
      EXPECT_EQ(result->ledger_secret_version, v.ledger_secret_version);
      EXPECT_EQ(Hex(result->service.public_key_der), Hex(v.service_identity.public_key_der));
      EXPECT_EQ(result->service.service_id, v.service_identity.service_id);
    } else {
      ASSERT_FALSE(result) << "unsealed a vector that must fail";
      EXPECT_EQ(SealingErrorCodeName(result.error().code), v.error) << result.error().ToString();
    }
  }
}

// The key record alone: fails exactly when the vector fails before the
// private key is unsealed; otherwise returns the key and its binding.
TEST_F(SealingVectorsV3Test, ProductionUnsealRecoveryKeyGivesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    auto key = sealing::ParseSealedRecoveryKey(v.key_record);
    ASSERT_TRUE(provider) << provider.error();
    ASSERT_TRUE(key) << key.error().ToString();
    auto unsealed = sealing::UnsealRecoveryKey(**provider, *key);
    if (v.failing_step == kStepKeyId || v.failing_step == kStepSealedRecoveryKey) {
      ASSERT_FALSE(unsealed);
      EXPECT_EQ(SealingErrorCodeName(unsealed.error().code), v.error);
      continue;
    }
    ASSERT_TRUE(unsealed) << unsealed.error().ToString();
    auto pkcs8 = unsealed->private_key.ToPkcs8Der();
    auto pem_der = PemToDer(kPrivateKeyPemLabel, v.private_key_pem);
    ASSERT_TRUE(pkcs8 && pem_der);
    EXPECT_EQ(Hex(pkcs8->bytes()), Hex(*pem_der));
    EXPECT_EQ(Hex(unsealed->service.public_key_der), Hex(v.service_identity.public_key_der));
  }
}

kv::ServiceRecord RecordOf(const ServiceRecordFields& f) {
  kv::ServiceRecord r;
  r.service_id = f.service_id;
  r.created_at_version = f.created_at_version;
  r.previous_service_id = f.previous_service_id;
  r.recovery_count = f.recovery_count;
  r.identity_algorithm = f.identity_algorithm;
  r.identity_public_key_der = f.identity_public_key_der;
  r.recovered_to_version = f.recovered_to_version;
  r.recovered_tail_digest = f.recovered_tail_digest;
  r.endorsement = f.endorsement;
  return r;
}

TEST_F(SealingVectorsV3Test, ProductionVerifyServiceRecordGivesTheDocumentedOutcome) {
  for (const EndorsementFields& e : endorsements_) {
    SCOPED_TRACE(e.id);
    const kv::ServiceRecord previous = RecordOf(e.previous);
    EXPECT_TRUE(kv::VerifyServiceRecord(nullptr, previous, e.previous.created_at_version, {}))
        << "the predecessor is a genesis record";
    auto verified = kv::VerifyServiceRecord(&previous, RecordOf(e.record), e.version, e.tail_digest);
    if (e.expects_success()) {
      EXPECT_TRUE(verified) << verified.error().ToString();
    } else {
      ASSERT_FALSE(verified);
      EXPECT_TRUE(verified.error().message.starts_with(e.error + " at version " + std::to_string(e.version)))
          << verified.error().message;
    }
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
