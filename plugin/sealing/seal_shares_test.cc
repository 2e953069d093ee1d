// SealShares and SignSealedShares: what the primary writes, what it refuses
// to write, and how it treats the service signer a host hands it. The
// unsealing order is sealed_shares_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/testing/hex.h"
#include "crypto/public/ecies.h"
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

// A signer a host might get wrong: signs as `identity` with `key`, or fails.
class FakeSigner final : public kv::ServiceSigner {
 public:
  FakeSigner(kv::ServiceIdentity identity, kv::Result<kv::Bytes> answer)
      : identity_(std::move(identity)), answer_(std::move(answer)) {}
  const kv::ServiceIdentity& identity() const override { return identity_; }
  kv::Result<kv::Bytes> Sign(std::string_view, kv::ByteView) const override { return answer_; }

 private:
  kv::ServiceIdentity identity_;
  kv::Result<kv::Bytes> answer_;
};

class SealSharesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(3));
  }
  static void TearDownTestSuite() { delete nodes_; }

  static const SealedNode& node(size_t i) { return (*nodes_)[i]; }

  static v1::SealedShares BodyOf(const v1::SignedSealedShares& envelope) {
    v1::SealedShares body;
    EXPECT_TRUE(body.ParseFromString(envelope.body()));
    return body;
  }

  static v1::SignedSealedShares Seal(size_t node_count, const std::string& seed = "shares") {
    auto random = MakeRandom(seed);
    auto shares = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(1),
                             RecipientsOf(*nodes_, node_count));
    EXPECT_TRUE(shares) << shares.error().ToString();
    return std::move(*shares);
  }

  static std::vector<SealedNode>* nodes_;
};
std::vector<SealedNode>* SealSharesTest::nodes_ = nullptr;

TEST_F(SealSharesTest, TheEnvelopeCarriesTheSignerAndTheBodyVerbatim) {
  const auto envelope = Seal(2);
  EXPECT_EQ(envelope.format_version(), kFormatVersion);
  EXPECT_EQ(envelope.signature_algorithm(), 2u);
  EXPECT_EQ(ToHex(kv::AsBytes(envelope.signer_public_key_der())),
            ToHex(TestServiceIdentity(1).public_key_der));
  EXPECT_LE(envelope.signature().size(), 72u);
  const auto body = BodyOf(envelope);
  EXPECT_EQ(body.format_version(), kFormatVersion);
  EXPECT_EQ(body.service_id(), TestServiceIdentity(1).service_id);
  // The body bytes are the deterministic serialisation SealShares signed.
  EXPECT_EQ(ToHex(kv::AsBytes(envelope.body())), ToHex(*SerializeRecord(body)));
  auto parsed = ParseSignedShares(*SerializeRecord(envelope));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->signer, TestServiceIdentity(1));
}

TEST_F(SealSharesTest, RecordCopiesRecoveryKeysAndIsSortedByIdentity) {
  auto random = MakeRandom("order");
  auto recipients = RecipientsOf(*nodes_, 3);
  std::reverse(recipients.begin(), recipients.end());
  auto shares = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(1), recipients);
  ASSERT_TRUE(shares);
  const auto body = BodyOf(*shares);
  for (int i = 0; i < 3; ++i) {
    const auto& share = body.shares(i);
    EXPECT_EQ(share.sealing_identity(), node(i).sealing_identity);
    EXPECT_EQ(share.node_id(), node(i).node_id);
    EXPECT_EQ(share.recovery_key().SerializeAsString(), node(i).recovery_key.SerializeAsString());
    EXPECT_EQ(share.encrypted_wrapping_key().size(), kEncryptedWrappingKeyBytes);
    EXPECT_EQ(share.encrypted_wrapping_key().size(), 125u);
  }
}

TEST_F(SealSharesTest, WrappedSecretIsReproducibleWithADeterministicRandomSource) {
  const auto a = BodyOf(Seal(2));
  const auto b = BodyOf(Seal(2));
  EXPECT_EQ(a.wrapped_ledger_secret().SerializeAsString(), b.wrapped_ledger_secret().SerializeAsString());
  // The ECIES ephemeral key comes from OpenSSL's DRBG: those bytes differ.
  EXPECT_NE(a.shares(0).encrypted_wrapping_key(), b.shares(0).encrypted_wrapping_key());
  // The IV is the second draw, after the 32-byte wrapping key.
  auto random = MakeRandom("shares");
  std::vector<uint8_t> draws(32 + 12);
  ASSERT_TRUE(random->Fill(draws));
  EXPECT_EQ(ToHex(kv::AsBytes(a.wrapped_ledger_secret().iv())), ToHex(std::span(draws).subspan(32)));
}

TEST_F(SealSharesTest, EachCallUsesAFreshWrappingKey) {
  EXPECT_NE(BodyOf(Seal(1, "one")).wrapped_ledger_secret().ciphertext(),
            BodyOf(Seal(1, "two")).wrapped_ledger_secret().ciphertext());
}

TEST_F(SealSharesTest, SealRejectsInvalidInput) {
  auto random = MakeRandom("bad");
  const auto secret = MakeLedgerSecret(1);
  const kv::ServiceSigner& signer = TestServiceKey(1);
  auto expect = [&](SealingResult<v1::SignedSealedShares> result, SealingErrorCode code, const char* what) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, code) << what << ": " << result.error().ToString();
  };
  const auto two = RecipientsOf(*nodes_, 2);
  expect(SealShares(*random, signer, kVersion, secret, std::span<const ShareRecipient>{}),
         SealingErrorCode::kInvalidArgument, "no recipients");
  std::vector<ShareRecipient> duplicate = {two[0], two[0]};
  expect(SealShares(*random, signer, kVersion, secret, duplicate), SealingErrorCode::kInvalidArgument,
         "duplicate identity");
  expect(SealShares(*random, signer, kVersion, kv::SecretBytes(31), two), SealingErrorCode::kInvalidArgument,
         "short secret");
  auto mismatched = two;
  mismatched[0].node_id = "someone-else";
  expect(SealShares(*random, signer, kVersion, secret, mismatched), SealingErrorCode::kInvalidArgument,
         "recipient / recovery key mismatch");
  auto garbage_key = two;
  garbage_key[1].recovery_key.set_public_key_der("garbage");
  expect(SealShares(*random, signer, kVersion, secret, garbage_key), SealingErrorCode::kMalformed,
         "unparsable public key");
  auto future = two;
  future[1].recovery_key.set_format_version(4);
  expect(SealShares(*random, signer, kVersion, secret, future), SealingErrorCode::kUnknownFormatVersion,
         "future recovery key");
  auto unbound = two;
  unbound[1].recovery_key.set_format_version(1);
  expect(SealShares(*random, signer, kVersion, secret, unbound), SealingErrorCode::kUnknownFormatVersion,
         "format 1 recovery key (binds no service)");
  auto rsa = two;
  rsa[1].recovery_key.set_format_version(2);
  expect(SealShares(*random, signer, kVersion, secret, rsa), SealingErrorCode::kUnknownFormatVersion,
         "format 2 recovery key (RSA)");
  EXPECT_EQ(random->drawn_bytes(), 0u) << "rejected calls draw nothing";
}

// The primary skips such nodes before sealing (transaction_hook.cc); a
// caller that does not is told which node and which services.
TEST_F(SealSharesTest, ARecipientBoundToAnotherServiceIsRefused) {
  auto random = MakeRandom("bound elsewhere");
  auto recipients = RecipientsOf(*nodes_, 2);
  recipients[1].recovery_key = node(1).SealedFor(TestServiceIdentity(2));
  auto result = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(1), recipients);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, SealingErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message.find("'node-1'"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find(TestServiceIdentity(2).service_id), std::string::npos);
  EXPECT_NE(result.error().message.find(TestServiceIdentity(1).service_id), std::string::npos);
  // Signed by service 2 instead, it seals for node-1 only if node-0 is left out.
  auto for_two = SealShares(*random, TestServiceKey(2), kVersion, MakeLedgerSecret(1),
                            std::span(recipients).subspan(1));
  ASSERT_TRUE(for_two) << for_two.error().ToString();
}

TEST_F(SealSharesTest, ASignerThatFailsOrLiesIsRefused) {
  auto random = MakeRandom("signers");
  const auto recipients = RecipientsOf(*nodes_, 1);
  const auto secret = MakeLedgerSecret(1);
  FakeSigner refusing(TestServiceIdentity(1), kv::MakeError(kv::ErrorCode::kInvalidArgument, "no"));
  auto refused = SealShares(*random, refusing, kVersion, secret, recipients);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kInvalidArgument);
  FakeSigner broken(TestServiceIdentity(1), kv::MakeError(kv::ErrorCode::kInternal, "openssl"));
  auto failed = SealShares(*random, broken, kVersion, secret, recipients);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, SealingErrorCode::kCryptoError);
  FakeSigner empty(TestServiceIdentity(1), kv::Bytes{});
  auto unsigned_record = SealShares(*random, empty, kVersion, secret, recipients);
  ASSERT_FALSE(unsigned_record) << "an empty signature would write an unsigned record";
  EXPECT_EQ(unsigned_record.error().code, SealingErrorCode::kCryptoError);
  kv::ServiceIdentity mislabelled = TestServiceIdentity(1);
  mislabelled.service_id = TestServiceIdentity(2).service_id;
  FakeSigner liar(mislabelled, kv::Bytes{1, 2, 3});
  auto lie = SealShares(*random, liar, kVersion, secret, recipients);
  ASSERT_FALSE(lie);
  EXPECT_EQ(lie.error().code, SealingErrorCode::kInvalidArgument);
}

// A host prepares each node once and reuses it across rotations; the
// prepared path must produce the same record, byte for byte, as the
// unprepared one given the same random draws (ECIES ephemeral keys aside).
TEST_F(SealSharesTest, PreparedRecipientsSealTheSameRecord) {
  const auto recipients = RecipientsOf(*nodes_, 3);
  std::vector<PreparedRecipient> prepared;
  for (const ShareRecipient& r : recipients) {
    auto p = PreparedRecipient::Prepare(r);
    ASSERT_TRUE(p) << p.error().ToString();
    EXPECT_EQ(p->public_key().ToDer()->size(), crypto::kP256SpkiBytes);
    EXPECT_EQ(p->service(), TestServiceIdentity(1));
    prepared.push_back(std::move(*p));
  }
  std::ranges::reverse(prepared);  // order must not matter
  auto r1 = MakeRandom("same");
  auto r2 = MakeRandom("same");
  auto direct = SealShares(*r1, TestServiceKey(1), kVersion, MakeLedgerSecret(5), recipients);
  auto reused = SealShares(*r2, TestServiceKey(1), kVersion, MakeLedgerSecret(5), prepared);
  ASSERT_TRUE(direct && reused);
  EXPECT_EQ(ToHex(kv::AsBytes(BodyOf(*direct).wrapped_ledger_secret().SerializeAsString())),
            ToHex(kv::AsBytes(BodyOf(*reused).wrapped_ledger_secret().SerializeAsString())));
  ASSERT_EQ(BodyOf(*reused).shares_size(), 3);
  for (size_t i = 0; i < 3; ++i) {
    auto secret = UnsealShares(*node(i).provider, *SerializeRecord(*reused), node(i).sealing_identity, 1, "");
    ASSERT_TRUE(secret) << secret.error().ToString();
    EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(5).bytes()));
  }
}

TEST_F(SealSharesTest, PrepareRejectsBadRecipients) {
  auto recipient = RecipientsOf(*nodes_, 1)[0];
  recipient.recovery_key.set_public_key_der("garbage");
  auto garbage = PreparedRecipient::Prepare(recipient);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, SealingErrorCode::kMalformed);
  EXPECT_NE(garbage.error().message.find("'node-0'"), std::string::npos);
  recipient = RecipientsOf(*nodes_, 1)[0];
  recipient.sealing_identity = "impostor";
  auto impostor = PreparedRecipient::Prepare(recipient);
  ASSERT_FALSE(impostor);
  EXPECT_EQ(impostor.error().code, SealingErrorCode::kInvalidArgument);
  recipient = RecipientsOf(*nodes_, 1)[0];
  recipient.recovery_key.set_service_identity_public_key_der("not a key");
  auto unbound = PreparedRecipient::Prepare(recipient);
  ASSERT_FALSE(unbound);
  EXPECT_EQ(unbound.error().code, SealingErrorCode::kMalformed);
}

TEST_F(SealSharesTest, ErrorNamesTheOffendingRecipient) {
  auto random = MakeRandom("bad");
  auto recipients = RecipientsOf(*nodes_, 3);
  recipients[2].recovery_key.mutable_sealed_private_key()->mutable_tag()->pop_back();
  auto result = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(1), recipients);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, SealingErrorCode::kMalformed);
  EXPECT_NE(result.error().message.find("'node-2'"), std::string::npos) << result.error().message;
}

TEST_F(SealSharesTest, SignSealedSharesSignsTheDeterministicEncoding) {
  const auto body = BodyOf(Seal(1));
  auto envelope = SignSealedShares(TestServiceKey(2), body);
  ASSERT_TRUE(envelope) << envelope.error().ToString();
  EXPECT_EQ(ToHex(kv::AsBytes(envelope->body())), ToHex(*SerializeRecord(body)));
  EXPECT_TRUE(kv::VerifyServiceSignature(TestServiceIdentity(2), kv::kSealedSharesDomain,
                                         kv::AsBytes(envelope->body()), kv::AsBytes(envelope->signature())));
}

}  // namespace
}  // namespace ledgerseal::sealing
