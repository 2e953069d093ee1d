// UnsealShares, one test per row of the order of checks of
// docs/SERVICE_IDENTITY.md §4.4, in that order: each row's failure is shown
// on a record that would also fail every LATER row (where one can be built),
// so the test pins the order, not only the codes. The sealing side is
// seal_shares_test.cc.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "base/testing/hex.h"
#include "crypto/public/rsa_key.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::MakeRandom;
using testing::RecipientsOf;
using testing::SealedNode;
using testing::TestServiceIdentity;
using testing::TestServiceKey;
using testing::ToHex;

constexpr uint64_t kVersion = 42;
constexpr kv::Version kRecordVersion = 77;  // the entry that carried the record

// Seven nodes on seven machines with default-size (3072-bit) recovery keys
// bound to service key 1 (TEST KEY), built once: keygen dominates.
class SealedSharesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(7));
  }
  static void TearDownTestSuite() { delete nodes_; }

  static const SealedNode& node(size_t i) { return (*nodes_)[i]; }
  static const std::string& Id(uint8_t key) { return TestServiceIdentity(key).service_id; }

  // A genuine record of service 1 for the first `node_count` nodes.
  static v1::SignedSealedShares Seal(size_t node_count, uint64_t version = kVersion,
                                     uint8_t secret_tag = 1) {
    auto random = MakeRandom("shares");
    auto shares = SealShares(*random, TestServiceKey(1), version, MakeLedgerSecret(secret_tag),
                             RecipientsOf(*nodes_, node_count));
    EXPECT_TRUE(shares) << shares.error().ToString();
    return std::move(*shares);
  }

  static v1::SealedShares BodyOf(const v1::SignedSealedShares& envelope) {
    v1::SealedShares body;
    EXPECT_TRUE(body.ParseFromString(envelope.body()));
    return body;
  }

  // `body` signed by key `key`, as a host with that key would.
  static v1::SignedSealedShares SignedBy(uint8_t key, const v1::SealedShares& body) {
    auto envelope = SignSealedShares(TestServiceKey(key), body);
    EXPECT_TRUE(envelope) << envelope.error().ToString();
    return std::move(*envelope);
  }

  static kv::Bytes Value(const google::protobuf::MessageLite& message) {
    return *SerializeRecord(message);
  }

  static SealingResult<UnsealedLedgerSecret> Unseal(size_t i, std::span<const uint8_t> value,
                                                    std::string_view pin = "") {
    return UnsealShares(*node(i).provider, value, node(i).sealing_identity, kRecordVersion, pin);
  }

  // The error of node i on `value`, which must name the record's version.
  static void ExpectError(size_t i, std::span<const uint8_t> value, SealingErrorCode code,
                          const std::string& what, std::string_view pin = "") {
    auto result = Unseal(i, value, pin);
    ASSERT_FALSE(result) << what << ": expected " << SealingErrorCodeName(code);
    EXPECT_EQ(result.error().code, code) << what << ": " << result.error().ToString();
    EXPECT_EQ(result.error().message.rfind("sealing.shares at version 77: ", 0), 0u)
        << what << ": " << result.error().message;
  }
  static void ExpectError(size_t i, const v1::SignedSealedShares& envelope, SealingErrorCode code,
                          const std::string& what, std::string_view pin = "") {
    ExpectError(i, Value(envelope), code, what, pin);
  }

  static std::vector<SealedNode>* nodes_;
};
std::vector<SealedNode>* SealedSharesTest::nodes_ = nullptr;

class SealedSharesRoundTripTest : public SealedSharesTest,
                                  public ::testing::WithParamInterface<size_t> {};

TEST_P(SealedSharesRoundTripTest, EveryRecipientRecoversTheSecretAndItsService) {
  const size_t node_count = GetParam();
  const auto envelope = Seal(node_count);
  const auto body = BodyOf(envelope);
  ASSERT_EQ(static_cast<size_t>(body.shares_size()), node_count);
  EXPECT_EQ(envelope.format_version(), kFormatVersion);
  EXPECT_EQ(body.format_version(), kFormatVersion);
  EXPECT_EQ(body.service_id(), Id(1));
  EXPECT_EQ(body.ledger_secret_version(), kVersion);
  for (size_t i = 0; i < node_count; ++i) {
    auto secret = Unseal(i, Value(envelope), Id(1));
    ASSERT_TRUE(secret) << i << ": " << secret.error().ToString();
    EXPECT_TRUE(secret->secret == MakeLedgerSecret(1)) << i;
    EXPECT_EQ(secret->ledger_secret_version, kVersion);
    EXPECT_EQ(secret->service, TestServiceIdentity(1));
  }
  // A node that was not a recipient has nothing to unseal.
  if (node_count < nodes_->size()) {
    ExpectError(node_count, envelope, SealingErrorCode::kIdentityNotFound, "not a recipient");
  }
}

INSTANTIATE_TEST_SUITE_P(NodeCounts, SealedSharesRoundTripTest, ::testing::Values(1, 3, 7));

TEST_F(SealedSharesTest, TheSignatureCoversTheStoredBodyUnderTheSharesDomain) {
  const auto envelope = Seal(2);
  EXPECT_EQ(envelope.signature_algorithm(), 2u);
  EXPECT_EQ(kv::AsBytes(envelope.signer_public_key_der()).size(), 91u);
  EXPECT_TRUE(kv::VerifyServiceSignature(TestServiceIdentity(1), kv::kSealedSharesDomain,
                                         kv::AsBytes(envelope.body()), kv::AsBytes(envelope.signature())));
  EXPECT_FALSE(kv::VerifyServiceSignature(TestServiceIdentity(1), kv::kEndorsementDomain,
                                          kv::AsBytes(envelope.body()), kv::AsBytes(envelope.signature())));
}

TEST_F(SealedSharesTest, EmptySealingIdentityIsInvalid) {
  auto empty = UnsealShares(*node(0).provider, Value(Seal(1)), "", kRecordVersion, "");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, SealingErrorCode::kInvalidArgument);
}

// --- §4.4, in order --------------------------------------------------------

// 1. The probe parses; it is not format 1.
TEST_F(SealedSharesTest, Row1_ProbeParsesAndFormat1IsUnsigned) {
  ExpectError(0, kv::Bytes{0xff, 0xff, 0xff}, SealingErrorCode::kMalformed, "not a protobuf");
  // A genuine-looking format 1 record: the body as format 1 wrote it, alone.
  auto v1_record = BodyOf(Seal(1));
  v1_record.set_format_version(1);
  auto v1_result = Unseal(0, Value(v1_record));
  ASSERT_FALSE(v1_result);
  EXPECT_EQ(v1_result.error().code, SealingErrorCode::kUnsigned);
  EXPECT_NE(v1_result.error().message.find("forgeable from public data"), std::string::npos)
      << v1_result.error().message;
  EXPECT_EQ(v1_result.error().message.rfind("sealing.shares at version 77", 0), 0u);
}

// 2. format_version = 3 (format 2, RSA-OAEP recovery keys, is refused).
TEST_F(SealedSharesTest, Row2_UnknownFormatVersion) {
  for (uint32_t version : {0u, 2u, 4u}) {
    auto envelope = Seal(1);
    envelope.set_format_version(version);
    envelope.clear_signature();  // would be row 3
    ExpectError(0, envelope, SealingErrorCode::kUnknownFormatVersion, "format " + std::to_string(version));
  }
}

// 3. The envelope parses; its signature is not empty.
TEST_F(SealedSharesTest, Row3_EnvelopeWithoutSignatureIsUnsigned) {
  // The forgery of the issue, unsigned: a node's public recovery-key copy
  // and a chosen secret, wrapped and encrypted from public data.
  auto forged = Seal(1, kVersion, /*secret_tag=*/9);
  forged.clear_signature();
  forged.set_signature_algorithm(7);  // would be row 4
  ExpectError(0, forged, SealingErrorCode::kUnsigned, "unsigned forgery");
}

// 4. Algorithm 2, a P-256 signer, a format 2 body.
TEST_F(SealedSharesTest, Row4_EnvelopeShapeIsMalformed) {
  const auto good = Seal(2);
  std::vector<std::pair<const char*, std::function<void(v1::SignedSealedShares&)>>> edits = {
      {"algorithm Ed25519", [](auto& e) { e.set_signature_algorithm(1); }},
      {"algorithm P-384", [](auto& e) { e.set_signature_algorithm(3); }},
      {"signer not a key", [](auto& e) { e.set_signer_public_key_der("not a key"); }},
      {"no signer", [](auto& e) { e.clear_signer_public_key_der(); }},
      {"body not a SealedShares", [](auto& e) { e.set_body(std::string(4, '\xff')); }},
      {"body of format 1",
       [](auto& e) {
         v1::SealedShares body;
         ASSERT_TRUE(body.ParseFromString(e.body()));
         body.set_format_version(1);
         e.set_body(body.SerializeAsString());
       }},
  };
  for (const auto& [what, edit] : edits) {
    auto envelope = good;
    edit(envelope);
    ExpectError(0, envelope, SealingErrorCode::kMalformed, what);
  }
}

// 5. Sizes, the node's own share, the share against its copy: before any
// platform or key is used. Each record is re-signed by the genuine key, so
// nothing but the defect is wrong.
TEST_F(SealedSharesTest, Row5_StructureShareAndCopy) {
  const auto good = BodyOf(Seal(2));
  std::vector<std::tuple<const char*, std::function<void(v1::SealedShares&)>, SealingErrorCode>> edits = {
      {"no wrapped secret", [](auto& s) { s.clear_wrapped_ledger_secret(); }, SealingErrorCode::kMalformed},
      {"short IV", [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_iv()->pop_back(); },
       SealingErrorCode::kMalformed},
      {"long tag", [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_tag()->push_back('x'); },
       SealingErrorCode::kMalformed},
      {"short ciphertext", [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_ciphertext()->pop_back(); },
       SealingErrorCode::kMalformed},
      {"duplicate identity", [](auto& s) { *s.add_shares() = s.shares(0); }, SealingErrorCode::kMalformed},
      {"no share", [](auto& s) { s.mutable_shares()->DeleteSubrange(0, 1); }, SealingErrorCode::kIdentityNotFound},
      {"no copy", [](auto& s) { s.mutable_shares(0)->clear_recovery_key(); }, SealingErrorCode::kMalformed},
      {"node-1's copy", [](auto& s) { *s.mutable_shares(0)->mutable_recovery_key() = node(1).recovery_key; },
       SealingErrorCode::kTampered},
  };
  const int calls = node(0).provider->calls();
  for (const auto& [what, edit, code] : edits) {
    auto body = good;
    edit(body);
    ExpectError(0, SignedBy(1, body), code, what);
  }
  EXPECT_EQ(node(0).provider->calls(), calls) << "row 5 needs no platform";
}

// 6. The copy: format 2 with a valid binding, unsealed by the hardware under
// AAD_rk2. An altered clear binding breaks the AAD.
TEST_F(SealedSharesTest, Row6_TheCopyIsUnsealedUnderItsBinding) {
  const auto good = BodyOf(Seal(1));
  auto with_copy = [&](const std::function<void(v1::SealedRecoveryKey&)>& edit) {
    auto body = good;
    edit(*body.mutable_shares(0)->mutable_recovery_key());
    return body;
  };
  ExpectError(0, SignedBy(1, with_copy([](auto& k) { k.set_format_version(1); })),
              SealingErrorCode::kUnknownFormatVersion, "a format 1 copy");
  ExpectError(0, SignedBy(1, with_copy([](auto& k) { k.set_service_identity_algorithm(1); })),
              SealingErrorCode::kMalformed, "binding algorithm");
  ExpectError(0, SignedBy(1, with_copy([](auto& k) { k.clear_service_identity_public_key_der(); })),
              SealingErrorCode::kMalformed, "no binding");
  ExpectError(0, SignedBy(1, with_copy([](auto& k) { (*k.mutable_sealed_private_key()->mutable_tag())[0] ^= 1; })),
              SealingErrorCode::kTampered, "sealed key tag");
  // The clear binding rewritten to key 2, and the record re-signed by key 2
  // as a service 2 record: every claim agrees, but the AAD does not.
  auto rebound = with_copy([](auto& k) {
    k.set_service_identity_public_key_der(std::string(kv::AsString(TestServiceIdentity(2).public_key_der)));
  });
  rebound.set_service_id(Id(2));
  ExpectError(0, SignedBy(2, rebound), SealingErrorCode::kTampered, "clear binding altered and re-signed");
  // Another machine, and a platform that refuses.
  auto elsewhere = UnsealShares(*testing::MakeProvider("somewhere else"), Value(Seal(1)), "node-0",
                                kRecordVersion, "");
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, SealingErrorCode::kPlatformMismatch);
  EXPECT_NE(elsewhere.error().message.find("'node-0'"), std::string::npos);
  auto failing = testing::MakeProvider("m0");
  failing->FailWith(snp::DerivedKeyErrorCode::kIoctlFailed);
  auto refused = UnsealShares(*failing, Value(Seal(1)), "node-0", kRecordVersion, "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(refused.error().message.find("ioctl_failed"), std::string::npos);
}

// 7. The signer and the body's service are T, the identity the copy is bound to.
TEST_F(SealedSharesTest, Row7_AnotherSignerOrServiceIsOtherService) {
  const auto genuine = BodyOf(Seal(1));
  // Signed by key 2 as signer 2, for service 2 (node-0's key is bound to 1);
  // also with a pin that would fail row 8.
  auto as_service_2 = genuine;
  as_service_2.set_service_id(Id(2));
  ExpectError(0, SignedBy(2, as_service_2), SealingErrorCode::kOtherService, "signer 2", Id(3));
  // Signed by the right key, but naming another service.
  ExpectError(0, SignedBy(1, as_service_2), SealingErrorCode::kOtherService, "service id is not the signer's");
  // The forgery signed by the forger's own key, naming the node's service.
  ExpectError(0, SignedBy(3, genuine), SealingErrorCode::kOtherService, "forger's signature");
  // node-0's copy swapped for its key sealed for an older service (2): the
  // genuine signer 1 is then not the identity the copy binds.
  auto swapped = genuine;
  *swapped.mutable_shares(0)->mutable_recovery_key() = node(0).SealedFor(TestServiceIdentity(2));
  ExpectError(0, SignedBy(1, swapped), SealingErrorCode::kOtherService, "copy bound to an older service");
}

// 8. The operator's pin, before any signature or decryption.
TEST_F(SealedSharesTest, Row8_PinMismatchIsWrongService) {
  auto body = BodyOf(Seal(1));
  (*body.mutable_wrapped_ledger_secret()->mutable_ciphertext())[0] ^= 1;  // would be row 10
  auto envelope = SignedBy(1, body);
  (*envelope.mutable_signature())[envelope.signature().size() / 2] ^= 1;  // would be row 9
  ExpectError(0, envelope, SealingErrorCode::kWrongService, "pin", Id(2));
  auto pinned = Unseal(0, Value(Seal(1)), Id(1));
  EXPECT_TRUE(pinned) << pinned.error().ToString();
}

// 9. The signature verifies under T.
TEST_F(SealedSharesTest, Row9_SignatureMustVerifyUnderTheTrustedIdentity) {
  const auto genuine = Seal(1);
  // Signer 1 claimed, key 2's signature of the same body.
  auto borrowed = genuine;
  borrowed.set_signature(SignedBy(2, BodyOf(genuine)).signature());
  ExpectError(0, borrowed, SealingErrorCode::kBadSignature, "key 2's signature");
  // A bit flip in the signed body, in a field only row 10 would catch.
  auto body = BodyOf(genuine);
  (*body.mutable_wrapped_ledger_secret()->mutable_ciphertext())[0] ^= 1;
  auto flipped = genuine;
  flipped.set_body(body.SerializeAsString());
  ExpectError(0, flipped, SealingErrorCode::kBadSignature, "body bit flip");
  // node-0's copy swapped for one bound to an older service (2), with the
  // signer and service relabelled to match it: every claim agrees with the
  // copy, but service 2 never signed this body.
  auto swapped = BodyOf(genuine);
  *swapped.mutable_shares(0)->mutable_recovery_key() = node(0).SealedFor(TestServiceIdentity(2));
  swapped.set_service_id(Id(2));
  auto relabelled = genuine;
  relabelled.set_body(swapped.SerializeAsString());
  relabelled.set_signer_public_key_der(std::string(kv::AsString(TestServiceIdentity(2).public_key_der)));
  ExpectError(0, relabelled, SealingErrorCode::kBadSignature, "copy swapped for an older binding");
  auto garbage = genuine;
  garbage.set_signature("garbage");
  ExpectError(0, garbage, SealingErrorCode::kBadSignature, "garbage signature");
}

// 10. Only now: the wrapping key and the secret. Records re-signed by the
// genuine key, so only the binding of the ciphertexts is wrong.
TEST_F(SealedSharesTest, Row10_DecryptionFailuresAreTampered) {
  const auto good = BodyOf(Seal(2));
  std::vector<std::tuple<const char*, std::function<void(v1::SealedShares&)>, SealingErrorCode>> edits = {
      {"wrapping key size", [](auto& s) { s.mutable_shares(0)->mutable_encrypted_wrapping_key()->pop_back(); },
       SealingErrorCode::kMalformed},
      {"wrapping key byte", [](auto& s) { (*s.mutable_shares(0)->mutable_encrypted_wrapping_key())[100] ^= 1; },
       SealingErrorCode::kTampered},
      {"node-1's wrapping key in node-0's share",
       [](auto& s) { s.mutable_shares(0)->set_encrypted_wrapping_key(s.shares(1).encrypted_wrapping_key()); },
       SealingErrorCode::kTampered},
      {"another secret version", [](auto& s) { s.set_ledger_secret_version(kVersion + 1); },
       SealingErrorCode::kTampered},
      {"wrapped secret ciphertext", [](auto& s) { (*s.mutable_wrapped_ledger_secret()->mutable_ciphertext())[0] ^= 1; },
       SealingErrorCode::kTampered},
      {"wrapped secret tag", [](auto& s) { (*s.mutable_wrapped_ledger_secret()->mutable_tag())[0] ^= 1; },
       SealingErrorCode::kTampered},
  };
  for (const auto& [what, edit, code] : edits) {
    auto body = good;
    edit(body);
    ExpectError(0, SignedBy(1, body), code, what);
  }
}

// --- around the rows -------------------------------------------------------

TEST_F(SealedSharesTest, MixingTwoGenuineRecordsFails) {
  const auto v42 = BodyOf(Seal(1, kVersion, 1));
  const auto v43 = BodyOf(Seal(1, kVersion + 1, 2));
  auto mixed = v43;
  mixed.mutable_shares(0)->set_encrypted_wrapping_key(v42.shares(0).encrypted_wrapping_key());
  ExpectError(0, SignedBy(1, mixed), SealingErrorCode::kTampered, "re-signed mix");
  auto unsigned_mix = Seal(1, kVersion + 1, 2);
  unsigned_mix.set_body(mixed.SerializeAsString());
  ExpectError(0, unsigned_mix, SealingErrorCode::kBadSignature, "mix under v43's signature");
}

TEST_F(SealedSharesTest, RetiredNodeLosesAccessAtTheNextReshuffle) {
  const auto before = Seal(3);
  ASSERT_TRUE(Unseal(2, Value(before)));
  const auto after = Seal(2);  // node-2 retired
  ExpectError(2, after, SealingErrorCode::kIdentityNotFound, "retired");
  ASSERT_TRUE(Unseal(0, Value(after)));
}

// A freshly made node receives a share of the documented size.
TEST(SealedSharesEciesTest, RoundTrip) {
  const auto nodes = testing::MakeSealedNodes(1);
  auto random = MakeRandom("size");
  auto shares = SealShares(*random, TestServiceKey(1), 1, MakeLedgerSecret(3), RecipientsOf(nodes, 1));
  ASSERT_TRUE(shares) << shares.error().ToString();
  v1::SealedShares body;
  ASSERT_TRUE(body.ParseFromString(shares->body()));
  EXPECT_EQ(body.shares(0).encrypted_wrapping_key().size(), kEncryptedWrappingKeyBytes);
  auto secret = UnsealShares(*nodes[0].provider, *SerializeRecord(*shares), "node-0", 1, "");
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_TRUE(secret->secret == MakeLedgerSecret(3));
}


}  // namespace
}  // namespace ledgerseal::sealing
