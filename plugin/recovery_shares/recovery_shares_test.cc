// Recovery shares end to end in memory: sealed by the service, decrypted by
// members, recombined from any k of them; every wrong input refused or
// rejected by name.
#include "plugin/public/recovery_shares.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/testing/hex.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::recovery {
namespace {

using ::ledgerseal::testing::MakeLedgerSecret;
using ::ledgerseal::testing::MakeRandom;
using ::ledgerseal::testing::TestServiceIdentity;
using ::ledgerseal::testing::TestServiceKey;
using ::ledgerseal::testing::ToHex;

constexpr uint64_t kVersion = 5;

class RecoverySharesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new std::vector<crypto::EcdhPrivateKey>();
    for (int i = 0; i < 4; ++i) keys_->push_back(*crypto::EcdhPrivateKey::Generate());
  }
  static void TearDownTestSuite() { delete keys_; }

  static Member MemberOf(const std::string& name, size_t key) { return {name, *(*keys_)[key].PublicKeyDer()}; }

  // alice, bob, carol (keys 0-2), 2 of 3.
  static v1::RecoveryConfig Config(uint32_t threshold = 2) {
    auto config = MakeRecoveryConfig({MemberOf("carol", 2), MemberOf("alice", 0), MemberOf("bob", 1)}, threshold);
    EXPECT_TRUE(config) << config.error().ToString();
    return *config;
  }

  static kv::Bytes Record(uint8_t service = 1, uint64_t version = kVersion, uint32_t threshold = 2) {
    auto random = MakeRandom("recovery shares");
    auto record = SealRecoveryShares(*random, TestServiceKey(service), version, MakeLedgerSecret(7), Config(threshold));
    EXPECT_TRUE(record) << record.error().ToString();
    return *record;
  }

  // Member `key`'s share of `record`, through its share file.
  static MemberShareFile ShareOf(const kv::Bytes& record, size_t key) {
    auto share = DecryptMemberShare(record, (*keys_)[key]);
    EXPECT_TRUE(share) << share.error().ToString();
    auto decoded = DecodeMemberShareFile(EncodeMemberShareFile(*share));
    EXPECT_TRUE(decoded) << decoded.error().ToString();
    return std::move(*decoded);
  }

  static std::vector<MemberShareFile> SharesOf(const kv::Bytes& record, std::initializer_list<size_t> keys) {
    std::vector<MemberShareFile> out;
    for (size_t k : keys) out.push_back(ShareOf(record, k));
    return out;
  }

  static std::vector<crypto::EcdhPrivateKey>* keys_;
};
std::vector<crypto::EcdhPrivateKey>* RecoverySharesTest::keys_ = nullptr;

const std::string& Service1() { return TestServiceIdentity(1).service_id; }

TEST_F(RecoverySharesTest, AnyThresholdOfMembersRecoversTheSecretAndFewerDoNot) {
  const kv::Bytes record = Record();
  const auto alice = ShareOf(record, 0);
  EXPECT_EQ(alice.member_name, "alice");
  EXPECT_EQ(alice.x, 1u);
  EXPECT_EQ(alice.service_id, Service1());
  EXPECT_EQ(alice.ledger_secret_version, kVersion);
  for (auto pair : {std::initializer_list<size_t>{0, 1}, {1, 2}, {2, 0}, {0, 1, 2}}) {
    auto shares = SharesOf(record, pair);
    auto recovered = RecoverFromMemberShares(record, shares, Service1());
    ASSERT_TRUE(recovered) << recovered.error().ToString();
    EXPECT_EQ(ToHex(recovered->secret.bytes()), ToHex(MakeLedgerSecret(7).bytes()));
    EXPECT_EQ(recovered->ledger_secret_version, kVersion);
    EXPECT_TRUE(recovered->rejected.empty());
  }
  auto one = SharesOf(record, {1});
  auto short_of = RecoverFromMemberShares(record, one, Service1());
  ASSERT_FALSE(short_of);
  EXPECT_EQ(short_of.error().code, SealingErrorCode::kInvalidArgument);
  EXPECT_NE(short_of.error().message.find("1 of 2 shares"), std::string::npos) << short_of.error().message;
  auto twice = SharesOf(record, {1, 1});
  auto same = RecoverFromMemberShares(record, twice, Service1());
  ASSERT_FALSE(same) << "the same member twice counts once";
  EXPECT_NE(same.error().message.find("1 of 2 shares"), std::string::npos);
}

TEST_F(RecoverySharesTest, AWrongShareIsNamedAndNotCounted) {
  const kv::Bytes record = Record();
  auto shares = SharesOf(record, {0, 1, 2});
  shares[1].y.mutable_bytes()[3] ^= 0x10;  // bob's, corrupted
  auto recovered = RecoverFromMemberShares(record, shares, Service1());
  ASSERT_TRUE(recovered) << "two good shares are enough: " << recovered.error().ToString();
  EXPECT_EQ(recovered->used_members, (std::vector<std::string>{"alice", "carol"}));
  ASSERT_EQ(recovered->rejected.size(), 1u);
  EXPECT_EQ(recovered->rejected[0], "bob: the share does not match its commitment (wrong or corrupted)");

  auto two = SharesOf(record, {0, 1});
  two[0].y.mutable_bytes()[0] ^= 1;
  auto refused = RecoverFromMemberShares(record, two, Service1());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("rejected alice: the share does not match"), std::string::npos)
      << refused.error().message;
}

TEST_F(RecoverySharesTest, SharesOfAnotherSecretOrServiceAreRefusedByName) {
  const kv::Bytes record = Record();
  const kv::Bytes older = Record(1, kVersion - 1);
  auto mixed = SharesOf(record, {0});
  mixed.push_back(ShareOf(older, 1));
  auto r = RecoverFromMemberShares(record, mixed, Service1());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bob: a share of ledger secret 4, the record is of 5"), std::string::npos)
      << r.error().message;
  const kv::Bytes elsewhere = Record(2);
  auto foreign = SharesOf(record, {0});
  foreign.push_back(ShareOf(elsewhere, 1));
  r = RecoverFromMemberShares(record, foreign, Service1());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bob: a share of service " + TestServiceIdentity(2).service_id), std::string::npos);
}

// Shares are sealed to public keys: anyone can write a record members would
// decrypt. Only the pinned service's signature makes it authentic.
TEST_F(RecoverySharesTest, OnlyARecordSignedByThePinnedServiceIsRecovered) {
  const kv::Bytes forged = Record(2);  // members' real public keys, another service's signature
  auto shares = SharesOf(forged, {0, 1});
  auto r = RecoverFromMemberShares(forged, shares, Service1());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, SealingErrorCode::kWrongService);
  auto unpinned = RecoverFromMemberShares(forged, shares, "");
  ASSERT_FALSE(unpinned);
  EXPECT_EQ(unpinned.error().code, SealingErrorCode::kInvalidArgument);

  // A record of the right service altered after signing.
  kv::Bytes record = Record();
  auto good = SharesOf(record, {0, 1});
  v1::SignedRecoveryShares envelope;
  ASSERT_TRUE(envelope.ParseFromArray(record.data(), static_cast<int>(record.size())));
  v1::RecoveryShares body;
  ASSERT_TRUE(body.ParseFromString(envelope.body()));
  body.set_threshold(1);
  envelope.set_body(body.SerializeAsString());
  const std::string altered = envelope.SerializeAsString();
  r = RecoverFromMemberShares(kv::AsBytes(altered), good, Service1());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, SealingErrorCode::kBadSignature);
  envelope.clear_signature();
  const std::string unsigned_record = envelope.SerializeAsString();
  EXPECT_EQ(RecoverFromMemberShares(kv::AsBytes(unsigned_record), good, Service1()).error().code,
            SealingErrorCode::kUnsigned);
  EXPECT_EQ(RecoverFromMemberShares(kv::AsBytes(std::string("junk")), good, Service1()).error().code,
            SealingErrorCode::kMalformed);
}

// Made ahead of the rotation (off the commit path), finished with the secret.
TEST_F(RecoverySharesTest, PresealedSharesRecoverAndServeOnlyTheirVersionAndMembers) {
  auto random = MakeRandom("ahead");
  auto presealed = PresealedRecoveryShares::Make(*random, TestServiceIdentity(1), kVersion, Config());
  ASSERT_TRUE(presealed) << presealed.error().ToString();
  EXPECT_TRUE(presealed->SealedFor(Service1(), kVersion, Config()));
  EXPECT_FALSE(presealed->SealedFor(Service1(), kVersion + 1, Config()));
  EXPECT_FALSE(presealed->SealedFor(Service1(), kVersion, Config(3))) << "another threshold";
  EXPECT_FALSE(presealed->SealedFor(TestServiceIdentity(2).service_id, kVersion, Config()));
  auto record = SealPresealedRecoveryShares(TestServiceKey(1), kVersion, MakeLedgerSecret(7), std::move(*presealed));
  ASSERT_TRUE(record) << record.error().ToString();
  auto shares = SharesOf(*record, {0, 2});
  auto recovered = RecoverFromMemberShares(*record, shares, Service1());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ(ToHex(recovered->secret.bytes()), ToHex(MakeLedgerSecret(7).bytes()));

  auto other = PresealedRecoveryShares::Make(*random, TestServiceIdentity(1), kVersion, Config());
  ASSERT_TRUE(other);
  auto refused = SealPresealedRecoveryShares(TestServiceKey(1), kVersion + 1, MakeLedgerSecret(7), std::move(*other));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kInvalidArgument);
}

// Finished ahead (the host's next secret known): handed over for that
// secret only; the wrapping key is spent.
TEST_F(RecoverySharesTest, AFinishedRecordIsHandedOverForItsSecretOnly) {
  auto random = MakeRandom("finish");
  auto presealed = PresealedRecoveryShares::Make(*random, TestServiceIdentity(1), kVersion, Config());
  ASSERT_TRUE(presealed) << presealed.error().ToString();
  ASSERT_TRUE(presealed->Finish(TestServiceKey(1), MakeLedgerSecret(7)));
  EXPECT_TRUE(presealed->finished());
  EXPECT_TRUE(presealed->FinishedFor(MakeLedgerSecret(7)));
  EXPECT_FALSE(presealed->FinishedFor(MakeLedgerSecret(8)));
  EXPECT_TRUE(presealed->SealedFor(Service1(), kVersion, Config()));
  EXPECT_EQ(presealed->Finish(TestServiceKey(1), MakeLedgerSecret(7)).error().code, SealingErrorCode::kInvalidArgument);

  auto other = PresealedRecoveryShares::Make(*random, TestServiceIdentity(1), kVersion, Config());
  ASSERT_TRUE(other && other->Finish(TestServiceKey(1), MakeLedgerSecret(7)));
  auto refused = SealPresealedRecoveryShares(TestServiceKey(1), kVersion, MakeLedgerSecret(8), std::move(*other));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kInvalidArgument);

  auto record = SealPresealedRecoveryShares(TestServiceKey(1), kVersion, MakeLedgerSecret(7), std::move(*presealed));
  ASSERT_TRUE(record) << record.error().ToString();
  auto shares = SharesOf(*record, {1, 2});
  auto recovered = RecoverFromMemberShares(*record, shares, Service1());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ(ToHex(recovered->secret.bytes()), ToHex(MakeLedgerSecret(7).bytes()));
}

// A prepared configuration (kept by the hook between rotations) is the
// stored value, byte for byte, with each member's key parsed; from the same
// draws it makes the same record as the configuration itself.
TEST_F(RecoverySharesTest, APreparedConfigurationMakesTheSameRecord) {
  const kv::Bytes value = SerializeRecoveryConfig(Config());
  auto prepared = PreparedRecoveryConfig::Parse(value);
  ASSERT_TRUE(prepared) << prepared.error().ToString();
  EXPECT_EQ((*prepared)->value(), value);
  ASSERT_EQ((*prepared)->config().members_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(*(*prepared)->member_key(i).ToDer(), kv::ToBytes((*prepared)->config().members(i).public_key_der()))
        << (*prepared)->config().members(i).name();
  }
  auto of = PreparedRecoveryConfig::Of(Config());
  ASSERT_TRUE(of) << of.error().ToString();
  EXPECT_EQ((*of)->value(), value);

  auto from_prepared = PresealedRecoveryShares::Make(*MakeRandom("same"), TestServiceIdentity(1), kVersion, **prepared);
  auto from_config = PresealedRecoveryShares::Make(*MakeRandom("same"), TestServiceIdentity(1), kVersion, Config());
  ASSERT_TRUE(from_prepared && from_config);
  EXPECT_TRUE(from_prepared->SealedFor(Service1(), kVersion, Config()));
  auto a = SealPresealedRecoveryShares(TestServiceKey(1), kVersion, MakeLedgerSecret(7), std::move(*from_prepared));
  auto b = SealPresealedRecoveryShares(TestServiceKey(1), kVersion, MakeLedgerSecret(7), std::move(*from_config));
  ASSERT_TRUE(a && b);
  // The signatures, the split (libgfshare's coefficients), and so the
  // commitments and ECIES ciphertexts differ (they draw from their own
  // generators); the rest — members, keys, x, the wrapped secret from the
  // same draws of `random` — must not.
  auto body_of = [](const kv::Bytes& record) {
    v1::SignedRecoveryShares envelope;
    EXPECT_TRUE(envelope.ParseFromArray(record.data(), static_cast<int>(record.size())));
    v1::RecoveryShares body;
    EXPECT_TRUE(body.ParseFromString(envelope.body()));
    EXPECT_EQ(body.shares_size(), 3);
    for (auto& share : *body.mutable_shares()) {
      EXPECT_FALSE(share.encrypted_share().empty());
      share.clear_encrypted_share();
      share.clear_share_commitment();
    }
    return body.SerializeAsString();
  };
  EXPECT_EQ(body_of(*a), body_of(*b));
  auto shares = SharesOf(*a, {1, 2});
  auto recovered = RecoverFromMemberShares(*a, shares, Service1());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ(ToHex(recovered->secret.bytes()), ToHex(MakeLedgerSecret(7).bytes()));
}

// What ParseRecoveryConfig refuses, a prepared configuration refuses alike.
TEST_F(RecoverySharesTest, APreparedConfigurationRefusesWhatParsingRefuses) {
  EXPECT_EQ(PreparedRecoveryConfig::Parse(kv::AsBytes(std::string("junk"))).error().code,
            SealingErrorCode::kMalformed);
  v1::RecoveryConfig bad_key = Config();
  bad_key.mutable_members(1)->set_public_key_der(std::string(91, '\x04'));
  auto refused = PreparedRecoveryConfig::Parse(SerializeRecoveryConfig(bad_key));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("member 'bob'"), std::string::npos) << refused.error().message;
  EXPECT_EQ(PreparedRecoveryConfig::Of(bad_key).error().code, SealingErrorCode::kInvalidArgument);
  v1::RecoveryConfig future = Config();
  future.set_format_version(kRecoverySharesFormatVersion + 1);
  EXPECT_EQ(PreparedRecoveryConfig::Parse(SerializeRecoveryConfig(future)).error().code,
            SealingErrorCode::kUnknownFormatVersion);
}

TEST_F(RecoverySharesTest, AKeyThatHoldsNoShareIsToldSo) {
  const kv::Bytes record = Record();
  auto stranger = DecryptMemberShare(record, (*keys_)[3]);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, SealingErrorCode::kIdentityNotFound);
}

TEST_F(RecoverySharesTest, BadMemberSetsAreRefusedByName) {
  auto check = [](std::vector<Member> members, uint32_t k, const std::string& part) {
    auto config = MakeRecoveryConfig(std::move(members), k);
    ASSERT_FALSE(config) << part;
    EXPECT_EQ(config.error().code, SealingErrorCode::kInvalidArgument);
    EXPECT_NE(config.error().message.find(part), std::string::npos) << config.error().message;
  };
  check({}, 1, "no members");
  check({MemberOf("a", 0), MemberOf("b", 1)}, 3, "threshold 3 with 2 members");
  check({MemberOf("a", 0), MemberOf("b", 1)}, 0, "threshold 0");
  check({MemberOf("a", 0), MemberOf("a", 1)}, 1, "listed twice");
  check({MemberOf("a b", 0)}, 1, "member name 'a b'");
  check({MemberOf("a", 0), MemberOf("b", 0)}, 1, "reuses another's key");
  check({Member{"a", kv::Bytes(91, 4)}}, 1, "member 'a'");
}

TEST_F(RecoverySharesTest, ShareFilesRoundTripAndRefuseWhatTheyDoNotKnow) {
  const auto share = ShareOf(Record(), 2);
  const std::string text = EncodeMemberShareFile(share);
  EXPECT_NE(text.find("\"member\": \"carol\""), std::string::npos) << text;
  auto dup = DecodeMemberShareFile(R"({"format":"ledgerseal recovery share v1","member":"a","member":"b"})");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("\"member\" twice"), std::string::npos);
  auto other = DecodeMemberShareFile(R"({"format":"something else"})");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, SealingErrorCode::kUnknownFormatVersion);
  std::string short_share = text;
  short_share.replace(short_share.find("\"share\": \"") + 10, 2, "");
  EXPECT_EQ(DecodeMemberShareFile(short_share).error().code, SealingErrorCode::kMalformed);
  EXPECT_EQ(DecodeMemberShareFile("not json").error().code, SealingErrorCode::kMalformed);
}

}  // namespace
}  // namespace ledgerseal::recovery
