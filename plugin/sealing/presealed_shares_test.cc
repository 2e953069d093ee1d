// PresealedShares and SealPresealedShares: the wrapping key sealed to the
// nodes before the secret exists (off the commit path), then the record
// finished at the rotation. The same record as SealShares from the same
// draws; refused for any other service, version or set of recipients.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/testing/hex.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
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

class PresealedSharesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(3));
    other_nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(1));
  }
  static void TearDownTestSuite() {
    delete nodes_;
    delete other_nodes_;
  }

  static std::vector<PreparedRecipient> Prepared(const std::vector<SealedNode>& nodes, size_t count) {
    std::vector<PreparedRecipient> out;
    for (const ShareRecipient& r : RecipientsOf(nodes, count)) {
      auto p = PreparedRecipient::Prepare(r);
      EXPECT_TRUE(p) << p.error().ToString();
      out.push_back(std::move(*p));
    }
    return out;
  }

  static PresealedShares Preseal(const std::vector<PreparedRecipient>& recipients, uint64_t version = kVersion,
                                 const std::string& seed = "preseal") {
    auto random = MakeRandom(seed);
    auto presealed = PresealedShares::Make(*random, TestServiceIdentity(1), version, recipients);
    EXPECT_TRUE(presealed) << presealed.error().ToString();
    return std::move(*presealed);
  }

  static v1::SealedShares BodyOf(const v1::SignedSealedShares& envelope) {
    v1::SealedShares body;
    EXPECT_TRUE(body.ParseFromString(envelope.body()));
    return body;
  }

  static std::vector<SealedNode>* nodes_;
  static std::vector<SealedNode>* other_nodes_;
};
std::vector<SealedNode>* PresealedSharesTest::nodes_ = nullptr;
std::vector<SealedNode>* PresealedSharesTest::other_nodes_ = nullptr;

TEST_F(PresealedSharesTest, TheFinishedRecordUnsealsOnEveryNodeAndMatchesSealSharesDraws) {
  const auto recipients = Prepared(*nodes_, 3);
  auto presealed = Preseal(recipients, kVersion, "same");
  auto finished = SealPresealedShares(TestServiceKey(1), kVersion, MakeLedgerSecret(5), std::move(presealed));
  ASSERT_TRUE(finished) << finished.error().ToString();
  auto random = MakeRandom("same");
  auto direct = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(5), recipients);
  ASSERT_TRUE(direct);
  // Same draws in the same order: the same wrapping key and IV, so the same
  // wrapped secret (the ECIES ephemeral keys come from OpenSSL's DRBG).
  EXPECT_EQ(ToHex(kv::AsBytes(BodyOf(*finished).wrapped_ledger_secret().SerializeAsString())),
            ToHex(kv::AsBytes(BodyOf(*direct).wrapped_ledger_secret().SerializeAsString())));
  const auto bytes = SerializeRecord(*finished);
  ASSERT_TRUE(bytes);
  for (size_t i = 0; i < 3; ++i) {
    const SealedNode& node = (*nodes_)[i];
    auto secret = UnsealShares(*node.provider, *bytes, node.sealing_identity, 1, TestServiceIdentity(1).service_id);
    ASSERT_TRUE(secret) << secret.error().ToString();
    EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(5).bytes()));
    EXPECT_EQ(secret->ledger_secret_version, kVersion);
  }
}

// Finish: wrapped and signed ahead, for one secret; the commit then gets
// the same kind of record, for that secret only, and the wrapping key is
// spent (a second Finish, or any other secret, is refused).
TEST_F(PresealedSharesTest, AFinishedRecordIsHandedOverForItsSecretOnly) {
  const auto recipients = Prepared(*nodes_, 3);
  auto presealed = Preseal(recipients, kVersion, "finish");
  const kv::SecretBytes secret = MakeLedgerSecret(6);
  ASSERT_TRUE(presealed.Finish(TestServiceKey(1), secret));
  EXPECT_TRUE(presealed.finished());
  EXPECT_TRUE(presealed.FinishedFor(secret));
  EXPECT_FALSE(presealed.FinishedFor(MakeLedgerSecret(7)));
  EXPECT_TRUE(presealed.SealedFor(TestServiceIdentity(1).service_id, kVersion, recipients))
      << "still matched against its service, version and recipients";
  auto again = presealed.Finish(TestServiceKey(1), secret);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, SealingErrorCode::kInvalidArgument);

  auto other = Preseal(recipients, kVersion, "finish-other");
  ASSERT_TRUE(other.Finish(TestServiceKey(1), secret));
  auto refused = SealPresealedShares(TestServiceKey(1), kVersion, MakeLedgerSecret(7), std::move(other));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kInvalidArgument);

  auto record = SealPresealedShares(TestServiceKey(1), kVersion, secret, std::move(presealed));
  ASSERT_TRUE(record) << record.error().ToString();
  const auto bytes = SerializeRecord(*record);
  ASSERT_TRUE(bytes);
  const SealedNode& node = (*nodes_)[2];
  auto unsealed = UnsealShares(*node.provider, *bytes, node.sealing_identity, 1, TestServiceIdentity(1).service_id);
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(ToHex(unsealed->secret.bytes()), ToHex(secret.bytes()));
}

TEST_F(PresealedSharesTest, SealedForIsExactlyItsServiceVersionAndRecipients) {
  const auto recipients = Prepared(*nodes_, 3);
  const auto presealed = Preseal(recipients);
  const std::string service = TestServiceIdentity(1).service_id;
  auto reversed = recipients;
  std::ranges::reverse(reversed);
  EXPECT_TRUE(presealed.SealedFor(service, kVersion, recipients));
  EXPECT_TRUE(presealed.SealedFor(service, kVersion, reversed)) << "order does not matter";
  EXPECT_FALSE(presealed.SealedFor(service, kVersion + 1, recipients));
  EXPECT_FALSE(presealed.SealedFor(TestServiceIdentity(2).service_id, kVersion, recipients));
  EXPECT_FALSE(presealed.SealedFor(service, kVersion, Prepared(*nodes_, 2))) << "a node retired";
  // The same identity with another recovery-key record (a node that was
  // replaced, or resealed its key): the old share could not serve it.
  auto replaced = recipients;
  replaced[0] = Prepared(*other_nodes_, 1)[0];
  ASSERT_EQ(replaced[0].recipient().sealing_identity, recipients[0].recipient().sealing_identity);
  EXPECT_FALSE(presealed.SealedFor(service, kVersion, replaced));
}

TEST_F(PresealedSharesTest, ShareForAnotherVersionOrServiceAreRefused) {
  const auto recipients = Prepared(*nodes_, 2);
  auto wrong_version =
      SealPresealedShares(TestServiceKey(1), kVersion + 1, MakeLedgerSecret(5), Preseal(recipients));
  ASSERT_FALSE(wrong_version);
  EXPECT_EQ(wrong_version.error().code, SealingErrorCode::kInvalidArgument);
  EXPECT_NE(wrong_version.error().message.find("version 42"), std::string::npos) << wrong_version.error().message;
  auto wrong_service = SealPresealedShares(TestServiceKey(2), kVersion, MakeLedgerSecret(5), Preseal(recipients));
  ASSERT_FALSE(wrong_service);
  EXPECT_EQ(wrong_service.error().code, SealingErrorCode::kInvalidArgument);
  auto short_secret =
      SealPresealedShares(TestServiceKey(1), kVersion, kv::SecretBytes(16), Preseal(recipients));
  ASSERT_FALSE(short_secret);
  EXPECT_EQ(short_secret.error().code, SealingErrorCode::kInvalidArgument);
}

TEST_F(PresealedSharesTest, MakeRefusesWhatSealSharesRefuses) {
  auto random = MakeRandom("bad");
  auto none = PresealedShares::Make(*random, TestServiceIdentity(1), kVersion, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, SealingErrorCode::kInvalidArgument);
  auto twice = Prepared(*nodes_, 1);
  twice.push_back(twice[0]);
  auto duplicate = PresealedShares::Make(*random, TestServiceIdentity(1), kVersion, twice);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, SealingErrorCode::kInvalidArgument);
  kv::ServiceIdentity lying = TestServiceIdentity(1);
  lying.service_id = TestServiceIdentity(2).service_id;
  auto lie = PresealedShares::Make(*random, lying, kVersion, Prepared(*nodes_, 1));
  ASSERT_FALSE(lie);
  EXPECT_EQ(lie.error().code, SealingErrorCode::kInvalidArgument);
  // Recipients bound to service 1 cannot be pre-sealed for service 2.
  auto elsewhere = PresealedShares::Make(*random, TestServiceIdentity(2), kVersion, Prepared(*nodes_, 1));
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, SealingErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::sealing
