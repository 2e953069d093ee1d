// Records signed ahead (CommitContext::next_rotation; docs/ARCHITECTURE.md,
// "Pre-sealing"): a host that draws its next ledger secret early lets the
// background wrap and sign both the sealed shares and the members' recovery
// shares, and the rotation that puts exactly that secret in force only takes
// them; a rotation under any other secret seals afresh. Either way the
// records unseal to the secret in force.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/testing/hex.h"
#include "crypto/public/ecies.h"
#include "plugin/local_sealing/local_sealing_fixture.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::TestServiceKey;
using testing::ToHex;

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class SignedAheadTest : public LocalSealingTest {
 protected:
  void SetUp() override {
    member_key_ = std::make_unique<crypto::EcdhPrivateKey>(*crypto::EcdhPrivateKey::Generate());
    members_ = *recovery::MakeRecoveryConfig({{"alice", *member_key_->PublicKeyDer()}}, 1);
    hook_ = NewSealingOnlyHook([this](std::string_view line) { log_.emplace_back(line); },
                               [this](std::function<void()> task) { posted_.push_back(std::move(task)); });
  }

  // Runs what was posted on another thread, as a host's background does.
  void RunPosted() {
    std::thread worker([this] {
      for (auto& task : posted_) task();
    });
    worker.join();
    posted_.clear();
  }

  // A rotation of service 1 to `secret` (version `version`) for nodes 0 and
  // 1 and the members, offering `next` as the host's next secret.
  std::unique_ptr<kv::SnapshotTransaction> Rotate(uint64_t version, const kv::SecretBytes& secret,
                                                  std::shared_ptr<const kv::SecretBytes> next) {
    auto tx = Rotation(&TestServiceKey(1));
    auto& ctx = tx->mutable_commit_context();
    ctx.ledger_secret = &secret;
    ctx.ledger_secret_version = version;
    if (next) {
      // The test key lives as long as the test binary: not owned.
      ctx.next_rotation = kv::CommitContext::NextRotation{
          .ledger_secret_version = version + 1,
          .ledger_secret = std::move(next),
          .signer = std::shared_ptr<const kv::ServiceSigner>(std::shared_ptr<void>(), &TestServiceKey(1))};
    }
    EXPECT_TRUE(tx->Put(kv::Table{recovery::kRecoveryMembersTable, kv::Domain::kPublic},
                        kv::AsBytes(recovery::kRecoveryMembersKey), recovery::SerializeRecoveryConfig(members_)));
    auto s = hook_->OnCommit(*tx);
    EXPECT_TRUE(s) << s.error().ToString();
    return tx;
  }

  std::string LastLine(std::string_view starting) const {
    for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
      if (Contains(*it, starting)) return *it;
    }
    return "";
  }

  // Both records of `tx` give `secret`: each node unseals its share, and
  // the member's share recovers it from recovery.shares.
  void ExpectBothRecordsGive(const kv::SnapshotTransaction& tx, uint64_t version, const kv::SecretBytes& secret) {
    const auto* shares = tx.writes().Find(kSharesTable, kv::AsBytes(kSharesKey));
    ASSERT_TRUE(shares && shares->has_value());
    for (size_t i = 0; i < 2; ++i) {
      const auto& n = (*nodes_)[i];
      auto unsealed = UnsealShares(*n.provider, **shares, n.sealing_identity, 1, Id(1));
      ASSERT_TRUE(unsealed) << unsealed.error().ToString();
      EXPECT_EQ(unsealed->ledger_secret_version, version);
      EXPECT_EQ(ToHex(unsealed->secret.bytes()), ToHex(secret.bytes()));
    }
    const auto* record = tx.writes().Find(recovery::kRecoverySharesTable, kv::AsBytes(recovery::kRecoverySharesKey));
    ASSERT_TRUE(record && record->has_value());
    auto share = recovery::DecryptMemberShare(**record, *member_key_);
    ASSERT_TRUE(share) << share.error().ToString();
    std::vector<recovery::MemberShareFile> held;
    held.push_back(std::move(*share));
    auto recovered = recovery::RecoverFromMemberShares(**record, held, Id(1));
    ASSERT_TRUE(recovered) << recovered.error().ToString();
    EXPECT_EQ(recovered->ledger_secret_version, version);
    EXPECT_EQ(ToHex(recovered->secret.bytes()), ToHex(secret.bytes()));
  }

  std::unique_ptr<crypto::EcdhPrivateKey> member_key_;
  recovery::v1::RecoveryConfig members_;
  std::vector<std::string> log_;
  std::vector<std::function<void()>> posted_;
  std::shared_ptr<kv::TransactionHook> hook_;
};

TEST_F(SignedAheadTest, TheRotationToTheDrawnSecretTakesBothRecordsSignedAhead) {
  const kv::SecretBytes seventh = MakeLedgerSecret(7);
  auto eighth = std::make_shared<const kv::SecretBytes>(MakeLedgerSecret(8));
  Rotate(7, seventh, eighth);
  EXPECT_FALSE(Contains(LastLine("sealed ledger secret 7"), "pre-sealed")) << LastLine("sealed");
  ASSERT_EQ(posted_.size(), 2u) << "the next sealed shares and recovery shares";
  RunPosted();

  auto tx8 = Rotate(8, *eighth, std::make_shared<const kv::SecretBytes>(MakeLedgerSecret(9)));
  EXPECT_TRUE(Contains(LastLine("sealed ledger secret 8"), "(pre-sealed and signed)")) << LastLine("sealed");
  EXPECT_TRUE(Contains(LastLine("split ledger secret 8"), "(pre-sealed and signed)")) << LastLine("split");
  ExpectBothRecordsGive(*tx8, 8, *eighth);
}

// The host put another secret in force than the one it offered (another
// leader rotated, or it drew anew): the records signed ahead wrap the wrong
// secret and their wrapping keys are spent, so both are made afresh.
TEST_F(SignedAheadTest, ARotationToAnotherSecretSealsAfresh) {
  const kv::SecretBytes seventh = MakeLedgerSecret(7);
  Rotate(7, seventh, std::make_shared<const kv::SecretBytes>(MakeLedgerSecret(8)));
  RunPosted();

  const kv::SecretBytes other = MakeLedgerSecret(80);
  auto tx8 = Rotate(8, other, nullptr);
  EXPECT_FALSE(Contains(LastLine("sealed ledger secret 8"), "pre-sealed")) << LastLine("sealed");
  EXPECT_FALSE(Contains(LastLine("split ledger secret 8"), "pre-sealed")) << LastLine("split");
  ExpectBothRecordsGive(*tx8, 8, other);
}

// Without a drawn secret the background still seals ahead (the public-key
// work), and the commit wraps and signs.
TEST_F(SignedAheadTest, WithoutADrawnSecretTheCommitSigns) {
  const kv::SecretBytes seventh = MakeLedgerSecret(7);
  Rotate(7, seventh, nullptr);
  RunPosted();
  const kv::SecretBytes eighth = MakeLedgerSecret(8);
  auto tx8 = Rotate(8, eighth, nullptr);
  EXPECT_TRUE(Contains(LastLine("sealed ledger secret 8"), "(pre-sealed),")) << LastLine("sealed");
  EXPECT_TRUE(Contains(LastLine("split ledger secret 8"), "(pre-sealed)")) << LastLine("split");
  EXPECT_FALSE(Contains(LastLine("split ledger secret 8"), "signed)")) << LastLine("split");
  ExpectBothRecordsGive(*tx8, 8, eighth);
}

}  // namespace
}  // namespace ledgerseal::sealing
