// Changes of the recovery members by request (ApplyMembersChange), and the
// tamper matrix of a recovery.shares record: every byte altered, no
// recovery.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/public/recovery_shares.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::recovery {
namespace {

using ::ledgerseal::testing::MakeLedgerSecret;
using ::ledgerseal::testing::MakeRandom;
using ::ledgerseal::testing::TestServiceIdentity;
using ::ledgerseal::testing::TestServiceKey;

kv::Bytes KeyDer() { return *(*crypto::EcdhPrivateKey::Generate()).PublicKeyDer(); }

v1::RecoveryConfig Current() {  // alice, bob, carol; 2 to recover
  auto config = MakeRecoveryConfig({{"alice", KeyDer()}, {"bob", KeyDer()}, {"carol", KeyDer()}}, 2);
  EXPECT_TRUE(config) << config.error().ToString();
  return *config;
}

kv::Bytes Add(const std::string& name, kv::Bytes key, uint32_t threshold = 0) {
  v1::RecoveryMembersChange change;
  change.mutable_add_member()->set_name(name);
  change.mutable_add_member()->set_public_key_der(key.data(), key.size());
  change.set_threshold(threshold);
  return SerializeMembersChange(change);
}

kv::Bytes Remove(const std::string& name, uint32_t threshold = 0) {
  v1::RecoveryMembersChange change;
  change.set_remove_member(name);
  change.set_threshold(threshold);
  return SerializeMembersChange(change);
}

kv::Bytes SetThreshold(uint32_t threshold) {
  v1::RecoveryMembersChange change;
  change.set_threshold(threshold);
  return SerializeMembersChange(change);
}

std::vector<std::string> Names(const v1::RecoveryConfig& c) {
  std::vector<std::string> out;
  for (const auto& m : c.members()) out.push_back(m.name());
  return out;
}

TEST(MembersChangeTest, AddRemoveAndSetThresholdGiveTheNewConfiguration) {
  const auto current = Current();
  auto added = ApplyMembersChange(&current, Add("dave", KeyDer(), 3));
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_EQ(Names(*added), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(added->threshold(), 3u);
  auto removed = ApplyMembersChange(&*added, Remove("alice"));
  ASSERT_TRUE(removed) << removed.error().ToString();
  EXPECT_EQ(Names(*removed), (std::vector<std::string>{"bob", "carol", "dave"}));
  EXPECT_EQ(removed->threshold(), 3u) << "unchanged when not given";
  auto lowered = ApplyMembersChange(&*removed, SetThreshold(1));
  ASSERT_TRUE(lowered) << lowered.error().ToString();
  EXPECT_EQ(lowered->threshold(), 1u);
}

TEST(MembersChangeTest, EveryRefusalNamesItsReason) {
  const auto current = Current();
  const struct {
    const v1::RecoveryConfig* on;
    kv::Bytes change;
    const char* says;
  } cases[] = {
      {nullptr, Add("dave", KeyDer()), "has no recovery members"},
      {&current, Add("bob", KeyDer()), "'bob' is already a member"},
      {&current, Add("dave", kv::ToBytes(current.members(0).public_key_der())), "reuses another's key"},
      {&current, Add("bad name", KeyDer()), "member name"},
      {&current, Remove("mallory"), "'mallory' is not a member"},
      {&current, Remove("alice", 3), "threshold 3 with 2 member(s)"},
      {&current, SetThreshold(2), "nothing to change"},
      {&current, SetThreshold(4), "threshold 4 with 3 member(s)"},
      {&current, SetThreshold(0), "nothing to change"},
  };
  for (const auto& c : cases) {
    auto r = ApplyMembersChange(c.on, c.change);
    ASSERT_FALSE(r) << c.says;
    EXPECT_EQ(r.error().code, SealingErrorCode::kInvalidArgument) << c.says;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
  auto one = MakeRecoveryConfig({{"alice", KeyDer()}}, 1);
  ASSERT_TRUE(one);
  auto last = ApplyMembersChange(&*one, Remove("alice"));
  ASSERT_FALSE(last);
  EXPECT_NE(last.error().message.find("would leave no member"), std::string::npos);
  const kv::Bytes garbage = kv::ToBytes(std::string("\xff\xff\xff", 3));
  EXPECT_EQ(ApplyMembersChange(&current, garbage).error().code, SealingErrorCode::kMalformed);
  v1::RecoveryMembersChange future;
  future.set_format_version(2);
  future.set_threshold(1);
  std::string bytes;
  future.SerializeToString(&bytes);
  EXPECT_EQ(ApplyMembersChange(&current, kv::ToBytes(bytes)).error().code, SealingErrorCode::kUnknownFormatVersion);
}

// Every single byte of a genuine record altered (XOR 0x01 and 0x80): never a
// recovery, whatever the shares — a typed error each time.
TEST(RecoverySharesTamperTest, NoAlteredByteOfTheRecordRecovers) {
  std::vector<crypto::EcdhPrivateKey> keys;
  for (int i = 0; i < 2; ++i) keys.push_back(*crypto::EcdhPrivateKey::Generate());
  auto config = MakeRecoveryConfig({{"alice", *keys[0].PublicKeyDer()}, {"bob", *keys[1].PublicKeyDer()}}, 2);
  ASSERT_TRUE(config);
  auto random = MakeRandom("tamper matrix");
  auto record = SealRecoveryShares(*random, TestServiceKey(1), 3, MakeLedgerSecret(9), *config);
  ASSERT_TRUE(record) << record.error().ToString();
  std::vector<MemberShareFile> shares;
  for (const auto& k : keys) shares.push_back(*DecryptMemberShare(*record, k));
  const std::string& pin = TestServiceIdentity(1).service_id;
  ASSERT_TRUE(RecoverFromMemberShares(*record, shares, pin));
  for (size_t at = 0; at < record->size(); ++at) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}}) {
      kv::Bytes altered = *record;
      altered[at] ^= flip;
      auto r = RecoverFromMemberShares(altered, shares, pin);
      EXPECT_FALSE(r) << "byte " << at << " ^ " << int(flip) << " still recovered";
    }
  }
}

}  // namespace
}  // namespace ledgerseal::recovery
