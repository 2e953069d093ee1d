// The local-sealing transaction hook and the recovery members: installed at
// genesis only, changed only with a rotation, split for at every rotation
// (docs/RECOVERY_SHARES.md), with pre-sealed shares and the members' keys
// parsed once per stored value (docs/ARCHITECTURE.md, "Pre-sealing").
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/public/ecies.h"
#include "plugin/local_sealing/local_sealing_fixture.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::TestServiceKey;

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Two members' key pairs; `alice` alone (1 of 1) and `both` (2 of 2).
class MembersHookTest : public LocalSealingTest {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) keys_.push_back(*crypto::EcdhPrivateKey::Generate());
    alice_ = *recovery::MakeRecoveryConfig({{"alice", *keys_[0].PublicKeyDer()}}, 1);
    both_ = *recovery::MakeRecoveryConfig({{"alice", *keys_[0].PublicKeyDer()}, {"bob", *keys_[1].PublicKeyDer()}}, 2);
  }

  // Whether `tx` wrote a recovery.shares record that member `key` opens
  // for ledger secret `version`.
  bool HoldsShare(const kv::SnapshotTransaction& tx, size_t key, uint64_t version) const {
    const auto* record = tx.writes().Find(recovery::kRecoverySharesTable, kv::AsBytes(recovery::kRecoverySharesKey));
    if (record == nullptr || !record->has_value()) return false;
    auto share = recovery::DecryptMemberShare(**record, keys_[key]);
    return share.has_value() && share->ledger_secret_version == version;
  }

  const kv::Table members_{recovery::kRecoveryMembersTable, kv::Domain::kPublic};
  std::vector<crypto::EcdhPrivateKey> keys_;
  recovery::v1::RecoveryConfig alice_, both_;
};

// Recovery members come from the genesis node's configuration in the
// service's first commit only: a node configured later (by the host, which
// writes every configuration) never adds members to a running service.
TEST_F(MembersHookTest, RecoveryMembersAreInstalledAtGenesisOnlyAndChangeOnlyWithARotation) {
  auto member = crypto::EcdhPrivateKey::Generate();
  ASSERT_TRUE(member);
  auto config = recovery::MakeRecoveryConfig({{"alice", *member->PublicKeyDer()}}, 1);
  ASSERT_TRUE(config) << config.error().ToString();
  auto hook = NewSealingOnlyHook(nullptr, nullptr, *config);
  const kv::Table members{recovery::kRecoveryMembersTable, kv::Domain::kPublic};
  const kv::Table shares{recovery::kRecoverySharesTable, kv::Domain::kPublic};

  auto later = Rotation(&TestServiceKey(1));  // ledger secret 7 of a running service
  ASSERT_TRUE(hook->OnCommit(*later));
  EXPECT_FALSE(later->writes().Find(members.name, kv::AsBytes(recovery::kRecoveryMembersKey)));
  EXPECT_FALSE(later->writes().Find(shares.name, kv::AsBytes(recovery::kRecoverySharesKey)));

  auto genesis = Rotation(&TestServiceKey(1));
  genesis->mutable_commit_context().ledger_secret_version = 1;
  ASSERT_TRUE(hook->OnCommit(*genesis));
  EXPECT_TRUE(genesis->writes().Find(members.name, kv::AsBytes(recovery::kRecoveryMembersKey)));
  const auto* record = genesis->writes().Find(shares.name, kv::AsBytes(recovery::kRecoverySharesKey));
  ASSERT_TRUE(record && record->has_value());
  auto share = recovery::DecryptMemberShare(**record, *member);
  ASSERT_TRUE(share) << share.error().ToString();
  EXPECT_EQ(share->ledger_secret_version, 1u);

  auto unrotated = NewTransaction();
  auto& ctx = unrotated->mutable_commit_context();
  ctx.service_id = Id(1);
  ctx.ledger_secret = &rotation_secret_;
  ctx.ledger_secret_version = 7;
  ctx.service_signer = &TestServiceKey(1);
  ASSERT_TRUE(unrotated->Put(members, kv::AsBytes(recovery::kRecoveryMembersKey), recovery::SerializeRecoveryConfig(*config)));
  auto refused = hook->OnCommit(*unrotated);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("must rotate the ledger secret"), std::string::npos) << refused.error().message;
}

// The hook keeps the members it checked last (their keys parsed once); any
// other stored value is checked afresh, and a refused one is refused every
// time, whatever was kept before.
TEST_F(MembersHookTest, EveryRotationSplitsForTheMembersStoredThen) {
  auto hook = NewSealingOnlyHook(nullptr, nullptr, std::nullopt);
  // A rotation at `version` whose transaction stores `value` as the members.
  auto rotate = [&](uint64_t version, const kv::Bytes& value) {
    auto tx = Rotation(&TestServiceKey(1));
    tx->mutable_commit_context().ledger_secret_version = version;
    EXPECT_TRUE(tx->Put(members_, kv::AsBytes(recovery::kRecoveryMembersKey), value));
    return std::make_pair(hook->OnCommit(*tx), std::move(tx));
  };

  auto [first, tx7] = rotate(7, recovery::SerializeRecoveryConfig(alice_));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(HoldsShare(*tx7, 0, 7));
  EXPECT_FALSE(HoldsShare(*tx7, 1, 7));

  auto [second, tx8] = rotate(8, recovery::SerializeRecoveryConfig(both_));
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE(HoldsShare(*tx8, 0, 8));
  EXPECT_TRUE(HoldsShare(*tx8, 1, 8)) << "bob was added: the kept members must not be used";

  auto [third, tx9] = rotate(9, kv::ToBytes("not a configuration"));
  ASSERT_FALSE(third);
  EXPECT_TRUE(Contains(third.error().message, "recovery.members")) << third.error().message;

  auto [fourth, tx10] = rotate(10, recovery::SerializeRecoveryConfig(alice_));
  ASSERT_TRUE(fourth) << fourth.error().ToString();
  EXPECT_TRUE(HoldsShare(*tx10, 0, 10));
  EXPECT_FALSE(HoldsShare(*tx10, 1, 10)) << "bob was removed";
}

// Pre-sealed recovery shares: made off the commit path for the next version
// and exactly the members stored, used by the next rotation only if both
// still hold.
TEST_F(MembersHookTest, TheNextRotationUsesRecoverySharesPresealedForTheSameMembers) {
  std::vector<std::string> log;
  std::vector<std::function<void()>> posted;
  auto hook = NewSealingOnlyHook([&log](std::string_view line) { log.emplace_back(line); },
                                 [&posted](std::function<void()> task) { posted.push_back(std::move(task)); });
  // Runs what was posted on another thread, as a host's background does.
  auto run_posted = [&posted] {
    std::thread worker([&posted] {
      for (auto& task : posted) task();
    });
    worker.join();
    posted.clear();
  };
  auto rotate = [&](uint64_t version, const recovery::v1::RecoveryConfig& config) {
    auto tx = Rotation(&TestServiceKey(1));
    tx->mutable_commit_context().ledger_secret_version = version;
    EXPECT_TRUE(tx->Put(members_, kv::AsBytes(recovery::kRecoveryMembersKey), recovery::SerializeRecoveryConfig(config)));
    EXPECT_TRUE(hook->OnCommit(*tx));
    return tx;
  };
  auto split_line = [&log]() -> std::string {
    for (auto it = log.rbegin(); it != log.rend(); ++it) {
      if (Contains(*it, "split ledger secret")) return *it;
    }
    return "";
  };

  auto tx7 = rotate(7, alice_);
  EXPECT_FALSE(Contains(split_line(), "pre-sealed")) << split_line();
  run_posted();
  auto tx8 = rotate(8, alice_);
  EXPECT_TRUE(Contains(split_line(), "split ledger secret 8 for 1 recovery member(s), 1 to recover (pre-sealed)"))
      << split_line();
  EXPECT_TRUE(HoldsShare(*tx8, 0, 8));
  run_posted();
  // Made for alice alone and version 9: not used once bob was added.
  auto tx9 = rotate(9, both_);
  EXPECT_FALSE(Contains(split_line(), "pre-sealed")) << split_line();
  EXPECT_TRUE(HoldsShare(*tx9, 0, 9));
  EXPECT_TRUE(HoldsShare(*tx9, 1, 9));
}

}  // namespace
}  // namespace ledgerseal::sealing
