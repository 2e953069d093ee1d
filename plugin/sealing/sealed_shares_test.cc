#include "plugin/public/sealed_shares.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/rsa_key.h"
#include "plugin/public/sealing_format.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::MakeRandom;
using testing::RecipientsOf;
using testing::SealedNode;
using testing::ToHex;

constexpr char kService[] = "service-1";
constexpr uint64_t kVersion = 42;

// Seven nodes on seven machines with default-size (3072-bit) recovery keys,
// built once: keygen dominates.
class SealedSharesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(7, crypto::kDefaultRsaBits));
  }
  static void TearDownTestSuite() { delete nodes_; }

  static const SealedNode& node(size_t i) { return (*nodes_)[i]; }

  static v1::SealedShares Seal(size_t node_count, uint64_t version = kVersion,
                               uint8_t secret_tag = 1) {
    auto random = MakeRandom("shares");
    auto shares = SealShares(*random, kService, version, MakeLedgerSecret(secret_tag),
                             RecipientsOf(*nodes_, node_count));
    EXPECT_TRUE(shares) << shares.error().ToString();
    return std::move(*shares);
  }

  static SealingResult<UnsealedLedgerSecret> Unseal(size_t i, const v1::SealedShares& shares) {
    return UnsealShares(*node(i).provider, shares, node(i).sealing_identity, kService, kVersion);
  }

  static void ExpectError(size_t i, const v1::SealedShares& shares, SealingErrorCode code) {
    auto result = Unseal(i, shares);
    ASSERT_FALSE(result) << "expected " << SealingErrorCodeName(code);
    EXPECT_EQ(result.error().code, code) << result.error().ToString();
  }

  static std::vector<SealedNode>* nodes_;
};
std::vector<SealedNode>* SealedSharesTest::nodes_ = nullptr;

class SealedSharesRoundTripTest : public SealedSharesTest,
                                  public ::testing::WithParamInterface<size_t> {};

TEST_P(SealedSharesRoundTripTest, EveryRecipientRecoversTheSecret) {
  const size_t node_count = GetParam();
  const auto shares = Seal(node_count);
  ASSERT_EQ(static_cast<size_t>(shares.shares_size()), node_count);
  EXPECT_EQ(shares.format_version(), kFormatVersion);
  EXPECT_EQ(shares.service_id(), kService);
  EXPECT_EQ(shares.ledger_secret_version(), kVersion);
  for (size_t i = 0; i < node_count; ++i) {
    auto secret = Unseal(i, shares);
    ASSERT_TRUE(secret) << i << ": " << secret.error().ToString();
    EXPECT_TRUE(secret->secret == MakeLedgerSecret(1)) << i;
    EXPECT_EQ(secret->ledger_secret_version, kVersion);
  }
  // A node that was not a recipient has nothing to unseal.
  if (node_count < nodes_->size())
    ExpectError(node_count, shares, SealingErrorCode::kIdentityNotFound);
}

INSTANTIATE_TEST_SUITE_P(NodeCounts, SealedSharesRoundTripTest, ::testing::Values(1, 3, 7));

TEST_F(SealedSharesTest, NoExpectationsMeansAnyServiceAndVersion) {
  const auto shares = Seal(1);
  auto secret = UnsealShares(*node(0).provider, shares, "node-0", std::nullopt, std::nullopt);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->ledger_secret_version, kVersion);
}

TEST_F(SealedSharesTest, RecordCopiesRecoveryKeysAndIsSortedByIdentity) {
  auto random = MakeRandom("order");
  auto recipients = RecipientsOf(*nodes_, 3);
  std::reverse(recipients.begin(), recipients.end());
  auto shares = SealShares(*random, kService, kVersion, MakeLedgerSecret(1), recipients);
  ASSERT_TRUE(shares);
  for (int i = 0; i < 3; ++i) {
    const auto& share = shares->shares(i);
    EXPECT_EQ(share.sealing_identity(), node(i).sealing_identity);
    EXPECT_EQ(share.node_id(), node(i).node_id);
    EXPECT_EQ(share.recovery_key().SerializeAsString(), node(i).recovery_key.SerializeAsString());
    EXPECT_EQ(share.encrypted_wrapping_key().size(), 384u);
  }
}

TEST_F(SealedSharesTest, WrappedSecretIsReproducibleWithADeterministicRandomSource) {
  const auto a = Seal(2);
  const auto b = Seal(2);
  EXPECT_EQ(a.wrapped_ledger_secret().SerializeAsString(),
            b.wrapped_ledger_secret().SerializeAsString());
  // OAEP draws from OpenSSL's DRBG: those bytes differ.
  EXPECT_NE(a.shares(0).encrypted_wrapping_key(), b.shares(0).encrypted_wrapping_key());
  // The IV is the second draw, after the 32-byte wrapping key.
  auto random = MakeRandom("shares");
  std::vector<uint8_t> draws(32 + 12);
  ASSERT_TRUE(random->Fill(draws));
  EXPECT_EQ(ToHex(kv::AsBytes(a.wrapped_ledger_secret().iv())),
            ToHex(std::span(draws).subspan(32)));
}

TEST_F(SealedSharesTest, EachCallUsesAFreshWrappingKey) {
  auto r1 = MakeRandom("one");
  auto r2 = MakeRandom("two");
  auto a = SealShares(*r1, kService, kVersion, MakeLedgerSecret(1), RecipientsOf(*nodes_, 1));
  auto b = SealShares(*r2, kService, kVersion, MakeLedgerSecret(1), RecipientsOf(*nodes_, 1));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->wrapped_ledger_secret().ciphertext(), b->wrapped_ledger_secret().ciphertext());
}

TEST_F(SealedSharesTest, SealRejectsInvalidInput) {
  auto random = MakeRandom("bad");
  const auto secret = MakeLedgerSecret(1);
  auto expect = [&](SealingResult<v1::SealedShares> result, SealingErrorCode code,
                    const char* what) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, code) << what << ": " << result.error().ToString();
  };
  const auto two = RecipientsOf(*nodes_, 2);
  expect(SealShares(*random, kService, kVersion, secret, std::span<const ShareRecipient>{}),
         SealingErrorCode::kInvalidArgument,
         "no recipients");
  std::vector<ShareRecipient> duplicate = {two[0], two[0]};
  expect(SealShares(*random, kService, kVersion, secret, duplicate),
         SealingErrorCode::kInvalidArgument, "duplicate identity");
  expect(SealShares(*random, "", kVersion, secret, two), SealingErrorCode::kInvalidArgument,
         "empty service");
  expect(SealShares(*random, "s\xff", kVersion, secret, two), SealingErrorCode::kInvalidArgument,
         "service not utf-8");
  expect(SealShares(*random, kService, kVersion, kv::SecretBytes(31), two),
         SealingErrorCode::kInvalidArgument, "short secret");
  auto mismatched = two;
  mismatched[0].node_id = "someone-else";
  expect(SealShares(*random, kService, kVersion, secret, mismatched),
         SealingErrorCode::kInvalidArgument, "recipient / recovery key mismatch");
  auto garbage_key = two;
  garbage_key[1].recovery_key.set_public_key_der("garbage");
  expect(SealShares(*random, kService, kVersion, secret, garbage_key), SealingErrorCode::kMalformed,
         "unparsable public key");
  auto future = two;
  future[1].recovery_key.set_format_version(2);
  expect(SealShares(*random, kService, kVersion, secret, future),
         SealingErrorCode::kUnknownFormatVersion, "future recovery key");
  EXPECT_EQ(random->drawn_bytes(), 0u) << "rejected calls draw nothing";
}

// A host prepares each node once and reuses it across rotations; the
// prepared path must produce the same record, byte for byte, as the
// unprepared one given the same random draws (OAEP padding aside).
TEST_F(SealedSharesTest, PreparedRecipientsSealTheSameRecord) {
  const auto recipients = RecipientsOf(*nodes_, 3);
  std::vector<PreparedRecipient> prepared;
  for (const ShareRecipient& r : recipients) {
    auto p = PreparedRecipient::Prepare(r);
    ASSERT_TRUE(p) << p.error().ToString();
    EXPECT_EQ(p->public_key().rsa_bits(), crypto::kDefaultRsaBits);
    prepared.push_back(std::move(*p));
  }
  std::ranges::reverse(prepared);  // order must not matter
  auto r1 = MakeRandom("same");
  auto r2 = MakeRandom("same");
  auto direct = SealShares(*r1, kService, kVersion, MakeLedgerSecret(5), recipients);
  auto reused = SealShares(*r2, kService, kVersion, MakeLedgerSecret(5), prepared);
  ASSERT_TRUE(direct && reused);
  EXPECT_EQ(ToHex(kv::AsBytes(direct->wrapped_ledger_secret().SerializeAsString())),
            ToHex(kv::AsBytes(reused->wrapped_ledger_secret().SerializeAsString())));
  ASSERT_EQ(reused->shares_size(), 3);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(reused->shares(static_cast<int>(i)).sealing_identity(), node(i).sealing_identity);
    auto secret = UnsealShares(*node(i).provider, *reused, node(i).sealing_identity, kService,
                               kVersion);
    ASSERT_TRUE(secret) << secret.error().ToString();
    EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(5).bytes()));
  }
}

TEST_F(SealedSharesTest, PrepareRejectsBadRecipients) {
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
}

TEST_F(SealedSharesTest, ErrorNamesTheOffendingRecipient) {
  auto random = MakeRandom("bad");
  auto recipients = RecipientsOf(*nodes_, 3);
  recipients[2].recovery_key.mutable_sealed_private_key()->mutable_tag()->pop_back();
  auto result = SealShares(*random, kService, kVersion, MakeLedgerSecret(1), recipients);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, SealingErrorCode::kMalformed);
  EXPECT_NE(result.error().message.find("'node-2'"), std::string::npos) << result.error().message;
}

TEST_F(SealedSharesTest, ExpectationsAreChecked) {
  const auto shares = Seal(1);
  auto wrong_service = UnsealShares(*node(0).provider, shares, "node-0", "service-2", kVersion);
  ASSERT_FALSE(wrong_service);
  EXPECT_EQ(wrong_service.error().code, SealingErrorCode::kWrongService);
  auto wrong_version = UnsealShares(*node(0).provider, shares, "node-0", kService, kVersion + 1);
  ASSERT_FALSE(wrong_version);
  EXPECT_EQ(wrong_version.error().code, SealingErrorCode::kWrongSecretVersion);
}

TEST_F(SealedSharesTest, MissingIdentityIsReportedWithThePresentOnes) {
  const auto shares = Seal(2);
  auto result = UnsealShares(*node(0).provider, shares, "node-9", kService, kVersion);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, SealingErrorCode::kIdentityNotFound);
  EXPECT_NE(result.error().message.find("'node-9'"), std::string::npos);
  EXPECT_NE(result.error().message.find("'node-1'"), std::string::npos);
  auto empty = UnsealShares(*node(0).provider, shares, "", kService, kVersion);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, SealingErrorCode::kInvalidArgument);
}

TEST_F(SealedSharesTest, RetiredNodeLosesAccessAtTheNextReshuffle) {
  const auto before = Seal(3);
  ASSERT_TRUE(Unseal(2, before));
  const auto after = Seal(2);  // node-2 retired
  ExpectError(2, after, SealingErrorCode::kIdentityNotFound);
  ASSERT_TRUE(Unseal(0, after));
}

TEST_F(SealedSharesTest, ShareMovedToAnotherIdentityFails) {
  const auto shares = Seal(2);
  // node-1's encrypted wrapping key placed in node-0's entry.
  auto moved = shares;
  moved.mutable_shares(0)->set_encrypted_wrapping_key(shares.shares(1).encrypted_wrapping_key());
  ExpectError(0, moved, SealingErrorCode::kTampered);
  // node-0's whole entry relabelled as node-1 (recovery key copy included):
  // node-1 cannot use node-0's recovery key, whose AAD binds "node-0".
  auto relabelled = shares;
  relabelled.mutable_shares()->DeleteSubrange(1, 1);
  relabelled.mutable_shares(0)->set_sealing_identity("node-1");
  relabelled.mutable_shares(0)->set_node_id("n1");
  relabelled.mutable_shares(0)->mutable_recovery_key()->set_sealing_identity("node-1");
  relabelled.mutable_shares(0)->mutable_recovery_key()->set_node_id("n1");
  ExpectError(1, relabelled, SealingErrorCode::kPlatformMismatch);
  ExpectError(0, relabelled, SealingErrorCode::kIdentityNotFound);
  // Relabelled on node-0's own machine: the key id matches, the AAD does not.
  auto as_self = UnsealShares(*node(0).provider, relabelled, "node-1", kService, kVersion);
  ASSERT_FALSE(as_self);
  EXPECT_EQ(as_self.error().code, SealingErrorCode::kTampered) << as_self.error().ToString();
}

TEST_F(SealedSharesTest, ShareIdentityMustMatchItsRecoveryKeyCopy) {
  auto shares = Seal(2);
  *shares.mutable_shares(0)->mutable_recovery_key() = node(1).recovery_key;
  ExpectError(0, shares, SealingErrorCode::kTampered);
}

TEST_F(SealedSharesTest, ChangedServiceOrVersionFails) {
  const auto shares = Seal(1);
  auto other_service = shares;
  other_service.set_service_id("service-2");
  auto r1 = UnsealShares(*node(0).provider, other_service, "node-0", "service-2", kVersion);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, SealingErrorCode::kTampered) << r1.error().ToString();
  auto other_version = shares;
  other_version.set_ledger_secret_version(kVersion + 1);
  auto r2 = UnsealShares(*node(0).provider, other_version, "node-0", kService, kVersion + 1);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, SealingErrorCode::kTampered) << r2.error().ToString();
}

TEST_F(SealedSharesTest, MixingTwoRecordsFails) {
  const auto v42 = Seal(1, kVersion, 1);
  const auto v43 = Seal(1, kVersion + 1, 2);
  // The wrapped secret of v43 with the encrypted wrapping key of v42.
  auto mixed = v43;
  mixed.mutable_shares(0)->set_encrypted_wrapping_key(v42.shares(0).encrypted_wrapping_key());
  auto r = UnsealShares(*node(0).provider, mixed, "node-0", kService, kVersion + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, SealingErrorCode::kTampered);
  // v42 relabelled as version 43, wrapped secret and share together.
  auto relabelled = v42;
  relabelled.set_ledger_secret_version(kVersion + 1);
  auto r2 = UnsealShares(*node(0).provider, relabelled, "node-0", kService, kVersion + 1);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, SealingErrorCode::kTampered);
}

TEST_F(SealedSharesTest, OtherPlatformIsPlatformMismatch) {
  const auto shares = Seal(1);
  auto other = testing::MakeProvider("somewhere else");
  auto r = UnsealShares(*other, shares, "node-0", kService, kVersion);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, SealingErrorCode::kPlatformMismatch);
  EXPECT_NE(r.error().message.find("'node-0'"), std::string::npos);
}

TEST_F(SealedSharesTest, ProviderErrorIsPlatformError) {
  const auto shares = Seal(1);
  auto failing = testing::MakeProvider("m0");
  failing->FailWith(snp::DerivedKeyErrorCode::kIoctlFailed);
  auto r = UnsealShares(*failing, shares, "node-0", kService, kVersion);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(r.error().message.find("ioctl_failed"), std::string::npos);
}

TEST_F(SealedSharesTest, VersionsAreChecked) {
  auto shares = Seal(1);
  shares.set_format_version(0);
  ExpectError(0, shares, SealingErrorCode::kUnknownFormatVersion);
  shares = Seal(1);
  shares.mutable_shares(0)->mutable_recovery_key()->mutable_derivation()->set_derivation_version(7);
  ExpectError(0, shares, SealingErrorCode::kUnknownDerivationVersion);
  shares = Seal(1);
  shares.mutable_shares(0)->mutable_recovery_key()->set_format_version(9);
  ExpectError(0, shares, SealingErrorCode::kUnknownFormatVersion);
}

TEST_F(SealedSharesTest, StructuralDefectsAreMalformed) {
  const auto good = Seal(2);
  std::vector<std::function<void(v1::SealedShares&)>> edits = {
      [](auto& s) { s.clear_wrapped_ledger_secret(); },
      [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_iv()->pop_back(); },
      [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_tag()->push_back('x'); },
      [](auto& s) { s.mutable_wrapped_ledger_secret()->mutable_ciphertext()->pop_back(); },
      [](auto& s) { s.mutable_shares(0)->mutable_encrypted_wrapping_key()->pop_back(); },
      [](auto& s) { s.mutable_shares(0)->clear_recovery_key(); },
      [](auto& s) { *s.add_shares() = s.shares(0); },  // duplicate identity
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto shares = good;
    edits[i](shares);
    auto r = Unseal(0, shares);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, SealingErrorCode::kMalformed) << i << ": " << r.error().ToString();
  }
}

// One node per RSA size: recovery keys of any supported size can receive shares.
class SealedSharesRsaSizeTest : public ::testing::TestWithParam<size_t> {};

TEST_P(SealedSharesRsaSizeTest, RoundTrip) {
  const auto nodes = testing::MakeSealedNodes(1, GetParam());
  auto random = MakeRandom("size");
  auto shares = SealShares(*random, kService, 1, MakeLedgerSecret(3), RecipientsOf(nodes, 1));
  ASSERT_TRUE(shares) << shares.error().ToString();
  EXPECT_EQ(shares->shares(0).encrypted_wrapping_key().size(), GetParam() / 8);
  auto secret = UnsealShares(*nodes[0].provider, *shares, "node-0", kService, 1);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_TRUE(secret->secret == MakeLedgerSecret(3));
}

INSTANTIATE_TEST_SUITE_P(RsaSizes, SealedSharesRsaSizeTest, ::testing::Values(2048, 3072, 4096));

}  // namespace
}  // namespace ledgerseal::sealing
