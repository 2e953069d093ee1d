// The format 1 vectors (sealing_v1.json, frozen input) against the format 3
// production code: their records still carry exactly the documented fields,
// and every one of them is refused — a format 1 sealing.shares value as
// `unsigned`, a format 1 sealed recovery key as binding no service — because
// format 1 binds no service and cannot be told apart from a forgery made
// from public data (docs/SERVICE_IDENTITY.md §8).
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/expect_records.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

using sealing::SealingErrorCode;
using sealing::SealingErrorCodeName;

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
  EXPECT_TRUE(key.service_identity_public_key_der().empty()) << "format 1 binds no service";
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

// The layouts did not change (format 2 only added fields and messages), so
// this build's generated classes still read the format 1 bytes exactly.
TEST_F(SealingVectorsTest, RecordsHoldTheDocumentedFieldsAndReserializeIdentically) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    sealing::v1::SealedRecoveryKey key;
    sealing::v1::SealedShares shares;
    ASSERT_TRUE(key.ParseFromArray(v.key_record.data(), static_cast<int>(v.key_record.size())));
    ASSERT_TRUE(shares.ParseFromArray(v.shares_record.data(), static_cast<int>(v.shares_record.size())));
    ExpectKeyRecord(key, v);
    ExpectSharesRecord(shares, v);
    EXPECT_EQ(Hex(*sealing::SerializeRecord(key)), Hex(v.key_record));
    EXPECT_EQ(Hex(*sealing::SerializeRecord(shares)), Hex(v.shares_record));
  }
}

TEST_F(SealingVectorsTest, ProductionUnsealSharesRefusesEveryFormat1RecordAsUnsigned) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    ASSERT_TRUE(provider) << provider.error();
    auto result = sealing::UnsealShares(**provider, v.shares_record, v.sealing_identity, 1, "");
    ASSERT_FALSE(result) << "unsealed a format 1 record";
    EXPECT_EQ(result.error().code, SealingErrorCode::kUnsigned) << result.error().ToString();
    EXPECT_NE(result.error().message.find("forgeable from public data"), std::string::npos);
  }
}

TEST_F(SealingVectorsTest, ProductionRefusesEveryFormat1RecoveryKey) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    ASSERT_TRUE(provider) << provider.error();
    auto parsed = sealing::ParseSealedRecoveryKey(v.key_record);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, SealingErrorCode::kUnknownFormatVersion);
    EXPECT_NE(parsed.error().message.find("binds no service"), std::string::npos) << parsed.error().message;
    sealing::v1::SealedRecoveryKey key;
    ASSERT_TRUE(key.ParseFromArray(v.key_record.data(), static_cast<int>(v.key_record.size())));
    auto unsealed = sealing::UnsealRecoveryKey(**provider, key);
    ASSERT_FALSE(unsealed);
    EXPECT_EQ(SealingErrorCodeName(unsealed.error().code), "unknown_format_version");
    EXPECT_NE(unsealed.error().message.find("binds no service"), std::string::npos);
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
