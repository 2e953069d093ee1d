// Every format 3 vector checked from its documented fields alone, without
// the plugin's sealing code or kvstore_adapter's service identity: the
// unsealing chain in the order of docs/SERVICE_IDENTITY.md §4.4 (crypto
// wrappers, and this package's encoder of the layouts), the signatures, and
// the endorsement chain of §5.
#include "crypto/public/signature.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/independent_unseal.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/vectors_fixture_v3.h"

namespace ledgerseal::vectors {
namespace {

constexpr std::string_view kEndorsementDomain = "ledgerseal service endorsement v1";

bool Verifies(const Bytes& spki, const Bytes& message, const Bytes& signature) {
  auto key = crypto::VerifyingKey::FromDer(crypto::SignatureAlgorithm::kEcdsaP256Sha256, spki);
  return key && key->Verify(message, signature).has_value();
}

TEST_F(SealingVectorsV3Test, IndependentUnsealingReachesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto outcome = RunIndependentChainV3(v);
    ASSERT_TRUE(outcome) << outcome.error();
    EXPECT_EQ(outcome->failing_step, v.failing_step);
    if (v.expects_success()) {
      EXPECT_EQ(Hex(outcome->ledger_secret), Hex(v.ledger_secret));
    }
  }
}

// Every AAD, label and signed message, including those an error case never
// reaches, is the documented encoding of the case's own fields.
TEST_F(SealingVectorsV3Test, EveryAadLabelAndMessageFollowsTheDocumentedLayout) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto public_der = PemToDer(kPublicKeyPemLabel, v.public_key_pem);
    ASSERT_TRUE(public_der) << public_der.error();
    EXPECT_EQ(Hex(EncodeRecoveryKeyAadV3(*public_der, v.sealing_identity, v.node_id, DerivationFieldsOf(v),
                                         v.stored_key_id, v.binding_algorithm, v.binding_public_key_der)),
              Hex(v.sealed_key.aad));
    EXPECT_EQ(Hex(EncodeWrappedLedgerSecretAad(v.service_id, v.ledger_secret_version)), Hex(v.wrapped_secret.aad));
    EXPECT_EQ(Hex(EncodeWrappingKeyLabel(v.sealing_identity, v.node_id, v.service_id, v.ledger_secret_version)),
              Hex(v.wrapping_key_label));
    const Bytes body = BodyOfSignedMessage(v.signed_message);
    ASSERT_FALSE(body.empty());
    EXPECT_EQ(Hex(EncodeSignedMessage("ledgerseal sealed shares v2", v.signer_public_key_der, body)),
              Hex(v.signed_message));
  }
}

// Which signatures verify under the key the envelope names: all but the
// bad_signature cases (the other_service ones are genuine signatures of
// another key; the unsigned ones have none).
TEST_F(SealingVectorsV3Test, SignaturesVerifyUnderTheSignerExactlyWhenDocumented) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    if (v.signature.empty()) {
      EXPECT_EQ(v.error, "unsigned");
      continue;
    }
    EXPECT_EQ(Verifies(v.signer_public_key_der, v.signed_message, v.signature), v.error != "bad_signature");
  }
}

// SERVICE_IDENTITY.md §5, checked without kv::VerifyServiceRecord.
std::string IndependentEndorsementOutcome(const EndorsementFields& e) {
  const ServiceRecordFields& p = e.previous;
  const ServiceRecordFields& r = e.record;
  if (r.service_id != ServiceIdOfSpki(r.identity_public_key_der) || r.created_at_version != e.version ||
      r.previous_service_id != p.service_id || r.recovery_count != p.recovery_count + 1 ||
      r.recovered_to_version + 1 != e.version || r.recovered_tail_digest != e.tail_digest ||
      !Verifies(p.identity_public_key_der, e.signed_message, e.signature)) {
    return "broken_endorsement";
  }
  return "";
}

TEST_F(SealingVectorsV3Test, EndorsementsCheckedIndependently) {
  for (const EndorsementFields& e : endorsements_) {
    SCOPED_TRACE(e.id);
    const auto body = EncodeEndorsementBody(e.record.identity_algorithm, e.record.identity_public_key_der,
                                            e.record.recovery_count, e.record.created_at_version,
                                            e.record.recovered_to_version, e.record.recovered_tail_digest);
    EXPECT_EQ(Hex(body), Hex(e.endorsement_body));
    EXPECT_EQ(Hex(EncodeSignedMessage(kEndorsementDomain, e.previous.identity_public_key_der, body)),
              Hex(e.signed_message));
    EXPECT_EQ(Hex(e.signature), Hex(e.record.endorsement));
    EXPECT_EQ(Hex(e.previous.identity_public_key_der), Hex(e.previous_service_identity.public_key_der));
    EXPECT_EQ(Hex(e.record.identity_public_key_der), Hex(e.service_identity.public_key_der));
    EXPECT_EQ(IndependentEndorsementOutcome(e), e.error);
  }
}

// The success case is SERVICE_IDENTITY.md §8's M_end, byte for byte.
TEST_F(SealingVectorsV3Test, TheEndorsementIsTheWorkedExampleOfTheDesign) {
  const EndorsementFields& e = endorsements_.front();
  ASSERT_TRUE(e.expects_success());
  const std::string spki_prefix = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
  EXPECT_EQ(e.signed_message.size(), 252u);
  EXPECT_EQ(Hex(e.signed_message),
            "00000021" "6c65646765727365616c207365727669636520656e646f7273656d656e74207631"
            "00000020" "5cd252fb0ce8932436faf8ccd1040981b89ee4ad6b9fe9e2a2b7e71aacb27cd3"
            "000000af"
            "00000004" "00000002"
            "0000005b" + spki_prefix +
            "04" "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"
                 "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1"
            "00000008" "0000000000000001"
            "00000008" "0000000000000065"
            "00000008" "0000000000000064"
            "00000020" + std::string(64, '0'));
}

}  // namespace
}  // namespace ledgerseal::vectors
