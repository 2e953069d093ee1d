// The production code on the vectors' serialized records: the records carry
// exactly the documented fields, and UnsealShares / UnsealRecoveryKey give
// the documented outcome — the ledger secret, or exactly the documented
// SealingErrorCode.
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

using sealing::SealingErrorCodeName;

Bytes ToBytes(const std::string& bytes) { return {bytes.begin(), bytes.end()}; }

void ExpectBlob(const sealing::v1::AeadBlob& blob, const BlobFields& fields) {
  EXPECT_EQ(Hex(ToBytes(blob.iv())), Hex(fields.iv));
  EXPECT_EQ(Hex(ToBytes(blob.ciphertext())), Hex(fields.ciphertext));
  EXPECT_EQ(Hex(ToBytes(blob.tag())), Hex(fields.tag));
}

void ExpectKeyRecord(const sealing::v1::SealedRecoveryKey& key, const VectorFields& v) {
  EXPECT_EQ(key.format_version(), 1u);
  EXPECT_EQ(key.sealing_identity(), v.sealing_identity);
  EXPECT_EQ(key.node_id(), v.node_id);
  auto public_der = PemToDer(kPublicKeyPemLabel, v.public_key_pem);
  ASSERT_TRUE(public_der) << public_der.error();
  EXPECT_EQ(Hex(ToBytes(key.public_key_der())), Hex(*public_der));
  const auto& d = key.derivation();
  EXPECT_EQ(d.derivation_version(), v.derivation_version);
  EXPECT_EQ(d.platform(), v.platform);
  EXPECT_EQ(d.root_key_select(), static_cast<uint32_t>(v.request.root_key));
  EXPECT_EQ(d.guest_field_select(), v.request.guest_field_select);
  EXPECT_EQ(d.vmpl(), v.request.vmpl);
  EXPECT_EQ(d.guest_svn(), v.request.guest_svn);
  EXPECT_EQ(d.tcb_version(), v.request.tcb_version);
  EXPECT_EQ(Hex(ToBytes(key.key_id())), Hex(v.stored_key_id));
  ExpectBlob(key.sealed_private_key(), v.sealed_key);
}

void ExpectSharesRecord(const sealing::v1::SealedShares& shares, const VectorFields& v) {
  EXPECT_EQ(shares.format_version(), 1u);
  EXPECT_EQ(shares.service_id(), v.service_id);
  EXPECT_EQ(shares.ledger_secret_version(), v.ledger_secret_version);
  ExpectBlob(shares.wrapped_ledger_secret(), v.wrapped_secret);
  ASSERT_EQ(shares.shares_size(), 1);
  const auto& share = shares.shares(0);
  EXPECT_EQ(share.sealing_identity(), v.sealing_identity);
  EXPECT_EQ(share.node_id(), v.node_id);
  EXPECT_EQ(Hex(ToBytes(share.encrypted_wrapping_key())), Hex(v.encrypted_wrapping_key));
  auto copy = sealing::SerializeRecord(share.recovery_key());
  ASSERT_TRUE(copy);
  EXPECT_EQ(Hex(*copy), Hex(v.key_record)) << "the share's copy differs from the key record";
}

TEST_F(SealingVectorsTest, RecordsHoldTheDocumentedFieldsAndReserializeIdentically) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto key = sealing::ParseSealedRecoveryKey(v.key_record);
    auto shares = sealing::ParseSealedShares(v.shares_record);
    ASSERT_TRUE(key) << key.error().ToString();
    ASSERT_TRUE(shares) << shares.error().ToString();
    ExpectKeyRecord(*key, v);
    ExpectSharesRecord(*shares, v);
    auto key_bytes = sealing::SerializeRecord(*key);
    auto shares_bytes = sealing::SerializeRecord(*shares);
    ASSERT_TRUE(key_bytes && shares_bytes);
    EXPECT_EQ(Hex(*key_bytes), Hex(v.key_record));
    EXPECT_EQ(Hex(*shares_bytes), Hex(v.shares_record));
  }
}

TEST_F(SealingVectorsTest, ProductionUnsealSharesGivesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    auto shares = sealing::ParseSealedShares(v.shares_record);
    ASSERT_TRUE(provider) << provider.error();
    ASSERT_TRUE(shares) << shares.error().ToString();
    auto result = sealing::UnsealShares(**provider, *shares, v.sealing_identity, v.service_id,
                                        v.ledger_secret_version);
    if (v.expects_success()) {
      ASSERT_TRUE(result) << result.error().ToString();
      EXPECT_EQ(Hex(result->secret.bytes()), Hex(v.ledger_secret));
      EXPECT_EQ(result->ledger_secret_version, v.ledger_secret_version);
    } else {
      ASSERT_FALSE(result) << "unsealed a vector that must fail";
      EXPECT_EQ(SealingErrorCodeName(result.error().code), v.error) << result.error().ToString();
    }
  }
}

// The key record alone: fails exactly when the vector fails before the
// private key is unsealed.
TEST_F(SealingVectorsTest, ProductionUnsealRecoveryKeyGivesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    auto key = sealing::ParseSealedRecoveryKey(v.key_record);
    ASSERT_TRUE(provider) << provider.error();
    ASSERT_TRUE(key) << key.error().ToString();
    auto private_key = sealing::UnsealRecoveryKey(**provider, *key);
    if (v.failing_step == kStepKeyId || v.failing_step == kStepSealedRecoveryKey) {
      ASSERT_FALSE(private_key);
      EXPECT_EQ(SealingErrorCodeName(private_key.error().code), v.error);
      continue;
    }
    ASSERT_TRUE(private_key) << private_key.error().ToString();
    auto pkcs8 = private_key->ToPkcs8Der();
    auto pem_der = PemToDer(kPrivateKeyPemLabel, v.private_key_pem);
    ASSERT_TRUE(pkcs8 && pem_der);
    EXPECT_EQ(Hex(pkcs8->bytes()), Hex(*pem_der));
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
