#include "plugin/public/records.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include "base/testing/hex.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/sealing_format.h"

namespace ledgerseal::sealing {
namespace {

using testing::ToHex;

TEST(RecordsTest, LastRecoveryRoundTrips) {
  const auto record = MakeLastRecovery(v1::LOCAL_UNSEALING, 1234, "node-a", "service-0", 9);
  EXPECT_EQ(record.format_version(), kLastRecoveryFormatVersion);
  EXPECT_EQ(kLastRecoveryFormatVersion, 1u) << "LastRecovery did not change with format 2";
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
  key.set_service_identity_algorithm(2);
  key.set_service_identity_public_key_der("s");
  auto key_bytes = SerializeRecord(key);
  ASSERT_TRUE(key_bytes);
  EXPECT_EQ(ToHex(*key_bytes),
            "0801" "120161" "1a016e" "220170"
            "2a0f" "0801" "120176" "1801" "2002" "2803" "3004" "3805"  // 5: DerivationParams
            "32016b"                                                   // 6: key_id
            "3a03" "0a0169"                                            // 7: AeadBlob
            "4002"                                                     // 8: service_identity_algorithm
            "4a0173");                                                 // 9: service_identity_public_key_der

  v1::SignedSealedShares envelope;
  envelope.set_format_version(2);
  envelope.set_body("b");
  envelope.set_signature_algorithm(2);
  envelope.set_signer_public_key_der("p");
  envelope.set_signature("s");
  auto envelope_bytes = SerializeRecord(envelope);
  ASSERT_TRUE(envelope_bytes);
  EXPECT_EQ(ToHex(*envelope_bytes),
            "0802"       // 1: format_version = 2
            "120162"     // 2: body (bytes)
            "1802"       // 3: signature_algorithm = 2
            "220170"     // 4: signer_public_key_der
            "2a0173");   // 5: signature

  v1::FormatProbe probe;
  probe.set_format_version(2);
  EXPECT_EQ(ToHex(*SerializeRecord(probe)), "0802");
}

// clang-format on

TEST(RecordsTest, SerialisationIsDeterministic) {
  const auto record = MakeLastRecovery(v1::LOCAL_UNSEALING, 1, "a", "b", 2);
  EXPECT_EQ(*SerializeRecord(record), *SerializeRecord(record));
}

// A well-formed envelope around `body`, signed with garbage: parsing does not
// verify signatures (UnsealShares does).
v1::SignedSealedShares Envelope(const v1::SealedShares& body) {
  v1::SignedSealedShares envelope;
  envelope.set_format_version(3);
  envelope.set_body(body.SerializeAsString());
  envelope.set_signature_algorithm(2);
  const auto spki = testing::FromHex(
      "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
      "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  envelope.set_signer_public_key_der(std::string(kv::AsString(spki)));
  envelope.set_signature("not checked here");
  return envelope;
}

v1::SealedShares Body(uint32_t format_version) {
  v1::SealedShares body;
  body.set_format_version(format_version);
  body.set_service_id("5cd252fb0ce8932436faf8ccd1040981");
  return body;
}

SealingErrorCode ParseError(std::span<const uint8_t> bytes) {
  auto parsed = ParseSignedShares(bytes);
  EXPECT_FALSE(parsed);
  return parsed ? SealingErrorCode::kInvalidArgument : parsed.error().code;
}

TEST(RecordsTest, GarbageIsMalformed) {
  google::protobuf::LogSilencer silence;
  const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff};
  EXPECT_EQ(ParseError(garbage), SealingErrorCode::kMalformed);
  auto b = ParseSealedRecoveryKey(garbage);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, SealingErrorCode::kMalformed);
  // Invalid UTF-8 in a proto3 string field.
  const std::vector<uint8_t> bad_utf8 = {0x08, 0x02, 0x12, 0x01, 0x73, 0x1a, 0x01, 0xff};
  auto c = ParseSealedRecoveryKey(bad_utf8);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, SealingErrorCode::kMalformed);
}

// The probe decides what a sealing.shares value is, before anything else is
// parsed (SERVICE_IDENTITY.md §4.2).
TEST(RecordsTest, ProbeDispatchesOnTheFormatVersion) {
  google::protobuf::LogSilencer silence;
  // A format 1 value: refused as unsigned, with the reason.
  auto v1_value = ParseSignedShares(*SerializeRecord(Body(1)));
  ASSERT_FALSE(v1_value);
  EXPECT_EQ(v1_value.error().code, SealingErrorCode::kUnsigned);
  EXPECT_NE(v1_value.error().message.find("format 1, written before service identities"),
            std::string::npos)
      << v1_value.error().message;
  // Field 2 of format 1 is a string: a value whose field 2 is not UTF-8 is
  // still recognised as format 1 (the probe does not read field 2), not
  // misread as an envelope nor reported malformed.
  const std::vector<uint8_t> v1_not_utf8 = {0x08, 0x01, 0x12, 0x01, 0xff};
  EXPECT_EQ(ParseError(v1_not_utf8), SealingErrorCode::kUnsigned);
  // Format 3 (like 2): field 2 is bytes, so a body that is not UTF-8 is fine.
  v1::SealedShares binary_body = Body(3);
  binary_body.mutable_wrapped_ledger_secret()->set_iv(std::string("\xff\xfe", 2));
  ASSERT_NE(binary_body.SerializeAsString().find('\xff'), std::string::npos);
  auto v2_value = ParseSignedShares(*SerializeRecord(Envelope(binary_body)));
  ASSERT_TRUE(v2_value) << v2_value.error().ToString();
  EXPECT_EQ(v2_value->body.service_id(), "5cd252fb0ce8932436faf8ccd1040981");
  EXPECT_EQ(v2_value->signer.service_id, "5cd252fb0ce8932436faf8ccd1040981");
  EXPECT_EQ(v2_value->envelope.signature(), "not checked here");
  // Unknown versions, including none at all (an empty value).
  for (uint32_t version : {0u, 2u, 4u, 0xffffffffu}) {
    v1::FormatProbe probe;
    probe.set_format_version(version);
    EXPECT_EQ(ParseError(*SerializeRecord(probe)), SealingErrorCode::kUnknownFormatVersion) << version;
  }
  EXPECT_EQ(ParseError({}), SealingErrorCode::kUnknownFormatVersion);
}

TEST(RecordsTest, EnvelopeDefects) {
  google::protobuf::LogSilencer silence;
  auto envelope = Envelope(Body(3));
  envelope.clear_signature();
  EXPECT_EQ(ParseError(*SerializeRecord(envelope)), SealingErrorCode::kUnsigned);
  envelope = Envelope(Body(3));
  envelope.set_signature_algorithm(1);  // Ed25519: not a service identity algorithm
  EXPECT_EQ(ParseError(*SerializeRecord(envelope)), SealingErrorCode::kMalformed);
  envelope = Envelope(Body(3));
  envelope.set_signer_public_key_der("not a key");
  EXPECT_EQ(ParseError(*SerializeRecord(envelope)), SealingErrorCode::kMalformed);
  envelope = Envelope(Body(2));  // a format 2 body inside a format 3 envelope
  EXPECT_EQ(ParseError(*SerializeRecord(envelope)), SealingErrorCode::kMalformed);
  envelope = Envelope(Body(3));
  envelope.set_body(std::string(3, '\xff'));
  EXPECT_EQ(ParseError(*SerializeRecord(envelope)), SealingErrorCode::kMalformed);
}

TEST(RecordsTest, FormatVersionIsChecked) {
  for (uint32_t version : {0u, 2u}) {
    v1::LastRecovery last;
    last.set_format_version(version);
    auto parsed_last = ParseLastRecovery(*SerializeRecord(last));
    ASSERT_FALSE(parsed_last);
    EXPECT_EQ(parsed_last.error().code, SealingErrorCode::kUnknownFormatVersion);
  }
  for (uint32_t version : {0u, 2u, 4u}) {
    v1::SealedRecoveryKey key;
    key.set_format_version(version);
    auto parsed = ParseSealedRecoveryKey(*SerializeRecord(key));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, SealingErrorCode::kUnknownFormatVersion);
  }
  // A format 1 recovery key is refused, saying why.
  v1::SealedRecoveryKey old_key;
  old_key.set_format_version(1);
  auto refused = ParseSealedRecoveryKey(*SerializeRecord(old_key));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kUnknownFormatVersion);
  EXPECT_NE(refused.error().message.find("binds no service"), std::string::npos)
      << refused.error().message;
  // An empty value parses as all defaults: format_version 0.
  auto empty = ParseSealedRecoveryKey({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, SealingErrorCode::kUnknownFormatVersion);
}

}  // namespace
}  // namespace ledgerseal::sealing
