#include "plugin/public/records.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include "kvstore_adapter/public/types.h"
#include "plugin/public/sealing_format.h"
#include "base/testing/hex.h"

namespace ledgerseal::sealing {
namespace {

using testing::ToHex;

TEST(RecordsTest, LastRecoveryRoundTrips) {
  const auto record = MakeLastRecovery(v1::LOCAL_UNSEALING, 1234, "node-a", "service-0", 9);
  EXPECT_EQ(record.format_version(), kFormatVersion);
  auto bytes = SerializeRecord(record);
  ASSERT_TRUE(bytes);
  auto parsed = ParseLastRecovery(*bytes);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->method(), v1::LOCAL_UNSEALING);
  EXPECT_EQ(parsed->recovered_at_version(), 1234u);
  EXPECT_EQ(parsed->recovering_sealing_identity(), "node-a");
  EXPECT_EQ(parsed->previous_service_id(), "service-0");
  EXPECT_EQ(parsed->ledger_secret_version(), 9u);
}

// Pins the field numbers and wire types documented in FORMAT.md.
// clang-format off
TEST(RecordsTest, WireEncodingMatchesTheDocumentedFieldNumbers) {
  const auto record = MakeLastRecovery(v1::RECOVERY_SHARES_FALLBACK, 5, "a", "s", 3);
  auto bytes = SerializeRecord(record);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ToHex(*bytes),
            "0801"      // 1: format_version = 1
            "1002"      // 2: method = RECOVERY_SHARES_FALLBACK
            "1805"      // 3: recovered_at_version = 5
            "220161"    // 4: recovering_sealing_identity = "a"
            "2a0173"    // 5: previous_service_id = "s"
            "3003");    // 6: ledger_secret_version = 3

  v1::SealedShares shares;
  shares.set_format_version(1);
  shares.set_service_id("s");
  shares.set_ledger_secret_version(2);
  shares.mutable_wrapped_ledger_secret()->set_iv("i");
  shares.mutable_wrapped_ledger_secret()->set_ciphertext("c");
  shares.mutable_wrapped_ledger_secret()->set_tag("t");
  auto* share = shares.add_shares();
  share->set_sealing_identity("a");
  share->set_node_id("n");
  share->set_encrypted_wrapping_key("w");
  share->mutable_recovery_key()->set_format_version(1);
  auto shares_bytes = SerializeRecord(shares);
  ASSERT_TRUE(shares_bytes);
  EXPECT_EQ(ToHex(*shares_bytes),
            "0801" "120173" "1802"
            "2209" "0a0169" "120163" "1a0174"                     // 4: AeadBlob{1 iv, 2 ct, 3 tag}
            "2a0d" "0a0161" "12016e" "1a0177" "2202" "0801");     // 5: NodeShare{1,2,3,4{1}}

  v1::SealedRecoveryKey key;
  key.set_format_version(1);
  key.set_sealing_identity("a");
  key.set_node_id("n");
  key.set_public_key_der("p");
  key.mutable_derivation()->set_derivation_version(1);
  key.mutable_derivation()->set_platform("v");
  key.mutable_derivation()->set_root_key_select(1);
  key.mutable_derivation()->set_guest_field_select(2);
  key.mutable_derivation()->set_vmpl(3);
  key.mutable_derivation()->set_guest_svn(4);
  key.mutable_derivation()->set_tcb_version(5);
  key.set_key_id("k");
  key.mutable_sealed_private_key()->set_iv("i");
  auto key_bytes = SerializeRecord(key);
  ASSERT_TRUE(key_bytes);
  EXPECT_EQ(ToHex(*key_bytes),
            "0801" "120161" "1a016e" "220170"
            "2a0f" "0801" "120176" "1801" "2002" "2803" "3004" "3805"  // 5: DerivationParams
            "32016b"                                                   // 6: key_id
            "3a03" "0a0169");                                          // 7: AeadBlob
}

// clang-format on

TEST(RecordsTest, SerialisationIsDeterministic) {
  const auto record = MakeLastRecovery(v1::LOCAL_UNSEALING, 1, "a", "b", 2);
  EXPECT_EQ(*SerializeRecord(record), *SerializeRecord(record));
}

TEST(RecordsTest, GarbageIsMalformed) {
  google::protobuf::LogSilencer silence;
  const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff};
  auto a = ParseSealedShares(garbage);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, SealingErrorCode::kMalformed);
  auto b = ParseSealedRecoveryKey(garbage);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, SealingErrorCode::kMalformed);
  // Invalid UTF-8 in a proto3 string field.
  const std::vector<uint8_t> bad_utf8 = {0x08, 0x01, 0x12, 0x01, 0xff};
  auto c = ParseSealedShares(bad_utf8);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, SealingErrorCode::kMalformed);
}

TEST(RecordsTest, FormatVersionIsChecked) {
  for (uint32_t version : {0u, 2u}) {
    v1::SealedShares shares;
    shares.set_format_version(version);
    auto parsed = ParseSealedShares(*SerializeRecord(shares));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, SealingErrorCode::kUnknownFormatVersion);
    v1::LastRecovery last;
    last.set_format_version(version);
    auto parsed_last = ParseLastRecovery(*SerializeRecord(last));
    ASSERT_FALSE(parsed_last);
    EXPECT_EQ(parsed_last.error().code, SealingErrorCode::kUnknownFormatVersion);
  }
  // An empty value parses as all defaults: format_version 0.
  auto empty = ParseSealedRecoveryKey({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, SealingErrorCode::kUnknownFormatVersion);
}

}  // namespace
}  // namespace ledgerseal::sealing
