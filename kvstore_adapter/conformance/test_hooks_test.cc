// The conformance suite's test plugin on its own, without a host: what the
// escrow seals and writes, and what each recovery hook reads and returns.
#include "kvstore_adapter/conformance/test_hooks.h"

#include <gtest/gtest.h>

#include "kvstore_adapter/host_support/public/memory_state.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/host_support/public/vector_ledger_reader.h"

namespace ledgerseal::kv::conformance {
namespace {

SecretBytes Secret(uint8_t fill) { return SecretBytes(std::vector<uint8_t>(kLedgerSecretBytes, fill)); }

class TestHooksTest : public ::testing::Test {
 protected:
  // Runs the escrow's transaction hook with a context; returns its writes.
  Result<WriteSet> Commit(const SecretBytes* secret, uint64_t version, bool rotates, bool changed) {
    SnapshotTransaction tx(this, state_.Snapshot());
    CommitContext& ctx = tx.mutable_commit_context();
    ctx.service_id = "svc";
    ctx.ledger_secret = secret;
    ctx.ledger_secret_version = version;
    ctx.rotates_ledger_secret = rotates;
    ctx.trusted_nodes_changed = changed;
    if (auto s = escrow_.transaction_hook()->OnCommit(tx); !s) return std::unexpected(s.error());
    return tx.writes();
  }

  PublicEntry Entry(Version v, std::optional<std::string> marker = std::nullopt) {
    PublicEntry e{v, 1, {}};
    if (marker) {
      EXPECT_TRUE(e.public_writes.Put(kMarkerTable, AsBytes(kMarkerKey), AsBytes(*marker)));
    }
    return e;
  }

  MemoryState state_;
  EscrowPlugin escrow_;
};

TEST_F(TestHooksTest, EscrowSealsOnRotationsAndTrustedNodeChangesOnly) {
  const SecretBytes first = Secret(1);
  auto rotation = Commit(&first, 1, /*rotates=*/true, /*changed=*/false);
  ASSERT_TRUE(rotation) << rotation.error().ToString();
  const std::optional<Bytes>* marker = rotation->Find(kMarkerTable.name, AsBytes(kMarkerKey));
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(AsString(**marker), "secret_version=1;service_id=svc");
  ASSERT_TRUE(escrow_.Sealed(1).has_value());
  EXPECT_TRUE(*escrow_.Sealed(1) == first);

  auto ordinary = Commit(&first, 1, false, false);
  ASSERT_TRUE(ordinary);
  EXPECT_TRUE(ordinary->empty());
  auto change = Commit(&first, 1, false, /*changed=*/true);
  ASSERT_TRUE(change);
  EXPECT_TRUE(change->Touches(kMarkerTable.name));

  const std::vector<ObservedCommit> commits = escrow_.commits();
  ASSERT_EQ(commits.size(), 3u);
  EXPECT_TRUE(commits[0].sealed && commits[0].rotates);
  EXPECT_FALSE(commits[1].sealed);
  EXPECT_TRUE(commits[2].sealed && commits[2].trusted_nodes_changed);
  EXPECT_TRUE(*commits[1].secret == first);
}

TEST_F(TestHooksTest, EscrowRefusesAContextWithoutASecretButRecordsIt) {
  auto refused = Commit(nullptr, 0, true, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(escrow_.commit_count(), 1u);
  EXPECT_EQ(escrow_.commits()[0].secret, nullptr);
}

TEST_F(TestHooksTest, EscrowRecoveryReadsBackToTheNewestMarkerAndReturnsItsSecret) {
  const SecretBytes first = Secret(1), second = Secret(2);
  ASSERT_TRUE(Commit(&first, 1, true, false));
  ASSERT_TRUE(Commit(&second, 2, true, false));
  std::vector<PublicEntry> entries = {Entry(1, "secret_version=1;service_id=old"), Entry(2),
                                      Entry(3, "secret_version=2;service_id=old"), Entry(4), Entry(5)};
  VectorLedgerReader reader(entries);
  RecoveryContext ctx{{"n1", "seal-1", "new"}, "", "old", &reader};
  auto secret = escrow_.recovery_hook()->Unseal(ctx);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->ledger_secret_version, 2u);
  EXPECT_TRUE(secret->secret == second);
  EXPECT_EQ(secret->found_at_version, 3u);
  EXPECT_EQ(secret->method, kEscrowMethod);
  EXPECT_EQ(secret->previous_service_id, "old");
  const std::vector<UnsealCall> calls = escrow_.recovery_hook()->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].versions_read, (std::vector<Version>{5, 4, 3}));
  EXPECT_EQ(calls[0].reader_last_version, 5u);
  EXPECT_EQ(calls[0].commits_seen, 2u);
  EXPECT_EQ(calls[0].found_at, std::optional<Version>(3));
}

TEST_F(TestHooksTest, RecoveryHooksWithoutAMarkerOrThatNeverApply) {
  std::vector<PublicEntry> entries = {Entry(1), Entry(2), Entry(3)};
  VectorLedgerReader reader(entries);
  RecoveryContext ctx{{"n1", "", "new"}, "", "old", &reader};
  auto none = escrow_.recovery_hook()->Unseal(ctx);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);

  VectorLedgerReader fresh(entries);
  ctx.ledger = &fresh;
  NotFoundHook not_found(2);
  EXPECT_EQ(not_found.Unseal(ctx).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(not_found.unseal_calls().at(0).versions_read, (std::vector<Version>{3, 2}));

  FailingHook failing(ErrorCode::kCorruption);
  EXPECT_EQ(failing.Unseal(ctx).error().code, ErrorCode::kCorruption);
  EXPECT_EQ(failing.unseal_calls().size(), 1u);
}

TEST_F(TestHooksTest, WrongSecretHookReturnsAPlausibleButWrongSecret) {
  const SecretBytes first = Secret(1);
  ASSERT_TRUE(Commit(&first, 1, true, false));
  std::vector<PublicEntry> entries = {Entry(1, "secret_version=1;service_id=old"), Entry(2)};
  VectorLedgerReader reader(entries);
  WrongSecretHook wrong;
  auto secret = wrong.Unseal(RecoveryContext{{"n1", "", "new"}, "", "old", &reader});
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->ledger_secret_version, 1u);
  EXPECT_EQ(secret->found_at_version, 1u);
  EXPECT_EQ(secret->secret.size(), kLedgerSecretBytes);
  EXPECT_FALSE(secret->secret == first);
}

TEST_F(TestHooksTest, BadFoundAtHookReturnsTheRightSecretFoundOutsideTheLedger) {
  const SecretBytes first = Secret(1);
  ASSERT_TRUE(Commit(&first, 1, true, false));
  auto escrow = std::shared_ptr<const EscrowPlugin>(&escrow_, [](const EscrowPlugin*) {});  // not owned
  std::vector<PublicEntry> entries = {Entry(1), Entry(2, "secret_version=1;service_id=old"), Entry(3)};
  for (const auto claim : {BadFoundAtHook::Claim::kZero, BadFoundAtHook::Claim::kPastTheNewest}) {
    VectorLedgerReader reader(entries);
    BadFoundAtHook hook(escrow, claim);
    auto secret = hook.Unseal(RecoveryContext{{"n1", "", "new"}, "", "old", &reader});
    ASSERT_TRUE(secret) << secret.error().ToString();
    EXPECT_TRUE(secret->secret == first);
    EXPECT_EQ(secret->ledger_secret_version, 1u);
    EXPECT_EQ(secret->found_at_version, claim == BadFoundAtHook::Claim::kZero ? 0u : 4u);
    EXPECT_EQ(secret->previous_service_id, "old");
    ASSERT_EQ(hook.unseal_calls().size(), 1u);
    EXPECT_EQ(hook.unseal_calls()[0].found_at, std::optional<Version>(2));
  }
  // No marker: not this hook's ledger.
  std::vector<PublicEntry> unmarked = {Entry(1)};
  VectorLedgerReader reader(unmarked);
  BadFoundAtHook hook(escrow, BadFoundAtHook::Claim::kZero);
  EXPECT_EQ(hook.Unseal(RecoveryContext{{"n1", "", "new"}, "", "old", &reader}).error().code, ErrorCode::kNotFound);
}

TEST_F(TestHooksTest, AMalformedMarkerIsCorruption) {
  std::vector<PublicEntry> entries = {Entry(1, "secret_version=x;service_id=old")};
  VectorLedgerReader reader(entries);
  std::vector<Version> read;
  auto marker = FindNewestMarker(reader, read);
  ASSERT_FALSE(marker);
  EXPECT_EQ(marker.error().code, ErrorCode::kCorruption);
}

}  // namespace
}  // namespace ledgerseal::kv::conformance
