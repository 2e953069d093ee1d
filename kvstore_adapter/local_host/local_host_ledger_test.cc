// LocalHost beyond the conformance suite: what its ledger reveals, how
// recovery refuses an altered ledger, the tables only the host writes, and
// the errors of its membership helpers.
#include <gtest/gtest.h>

#include <algorithm>

#include "kvstore_adapter/conformance/test_hooks.h"
#include "kvstore_adapter/local_host/public/local_host.h"

namespace ledgerseal::kv {
namespace {

using conformance::EscrowPlugin;

// The error code of a failed result; std::nullopt if it succeeded.
std::optional<ErrorCode> Code(const Result<Version>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

constexpr Table kPrivate{"app.private", Domain::kPrivate};
constexpr Table kPublic{"app.public", Domain::kPublic};

class LocalHostLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = LocalHost::Create({.node = {"n1", "seal-1", ""}, .join_payload = ToBytes("payload-1")});
    ASSERT_TRUE(host) << host.error().ToString();
    host_ = std::move(*host);
    ASSERT_TRUE(conformance::Hooks(escrow_, {})(*host_));
  }

  Result<Version> Write(const Table& table, std::string_view key, std::string_view value) {
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    if (auto s = (*tx)->Put(table, AsBytes(key), AsBytes(value)); !s) return std::unexpected(s.error());
    return host_->Commit(std::move(*tx));
  }

  Result<std::unique_ptr<LocalHost>> Recover(const LocalLedger& ledger, std::string node_id = "n1") {
    return LocalHost::Recover(ledger, {.node = {std::move(node_id), "seal-1", ""}},
                              conformance::Hooks(escrow_, {{"escrow", escrow_->recovery_hook()}}));
  }

  std::shared_ptr<EscrowPlugin> escrow_ = std::make_shared<EscrowPlugin>();
  std::unique_ptr<LocalHost> host_;
};

TEST_F(LocalHostLedgerTest, PrivateValuesAreNeverInTheClearInTheLedger) {
  ASSERT_TRUE(Write(kPrivate, "k", "private-value-1234"));
  ASSERT_TRUE(Write(kPublic, "k", "public-value-5678"));
  const LocalLedger ledger = host_->ledger();
  ASSERT_EQ(ledger.size(), 2u);  // the first write was the genesis
  const std::string needle = "private-value-1234";
  for (const LocalLedgerEntry& e : ledger) {
    EXPECT_FALSE(e.public_writes.Touches(kPrivate.name));
    EXPECT_EQ(e.ciphertext.find(needle), std::string::npos);
  }
  EXPECT_TRUE(ledger[1].public_writes.Touches(kPublic.name));
}

TEST_F(LocalHostLedgerTest, RecoveryRefusesAnAlteredLedgerAndCreatesNothing) {
  ASSERT_TRUE(Write(kPrivate, "k", "v"));
  ASSERT_TRUE(Write(kPublic, "k", "v"));
  const LocalLedger good = host_->ledger();

  LocalLedger public_altered = good;
  ASSERT_TRUE(public_altered[1].public_writes.Put(kPublic, AsBytes("k"), AsBytes("forged")));
  LocalLedger ciphertext_altered = good;
  ciphertext_altered[0].ciphertext[0] ^= 1;
  for (const LocalLedger* altered : {&public_altered, &ciphertext_altered}) {
    auto refused = Recover(*altered);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed) << refused.error().ToString();
    EXPECT_NE(refused.error().message.find("does not authenticate"), std::string::npos);
  }

  LocalLedger gap = good;
  gap.erase(gap.begin());  // versions no longer start at 1
  auto refused = Recover(gap);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption) << refused.error().ToString();
  auto empty = Recover({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kRecoveryFailed);

  // None of it committed anything; the intact ledger still recovers.
  EXPECT_TRUE(escrow_->recovery_hook()->recovered_calls().empty());
  auto recovered = Recover(good);
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ((*recovered)->state().Snapshot()->Get(kPublic.name, AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("v")));
}

TEST_F(LocalHostLedgerTest, RecoveryRefusesASecretOfTheWrongSizeOrAReusedServiceId) {
  // A hook returning 16 bytes, through a host-agnostic wrapper.
  class ShortSecretHook final : public conformance::RecordingRecoveryHook {
   public:
    Result<RecoveredSecret> Unseal(const RecoveryContext&) override {
      RecoveredSecret s;
      s.ledger_secret_version = 1;
      s.secret = SecretBytes(16);
      s.found_at_version = 1;
      return s;
    }
  };
  ASSERT_TRUE(host_->Genesis());
  const LocalLedger ledger = host_->ledger();
  auto refused = LocalHost::Recover(ledger, {.node = {"n1", "seal-1", ""}},
                                    conformance::Hooks(escrow_, {{"short", std::make_shared<ShortSecretHook>()}}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(refused.error().message.find("16 bytes"), std::string::npos) << refused.error().ToString();

  auto same_id = LocalHost::Recover(ledger, {.node = {"n1", "seal-1", host_->node().service_id}},
                                    conformance::Hooks(escrow_, {{"escrow", escrow_->recovery_hook()}}));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LocalHostLedgerTest, OnlyTheHostWritesItsTables) {
  ASSERT_TRUE(host_->Genesis());
  for (const Table& table : {Table{"local_host.secret_chain", Domain::kPublic},
                             Table{"local_host.service", Domain::kPublic},
                             Table{"local_host.nodes", Domain::kPublic}}) {
    auto written = Write(table, "k", "v");
    ASSERT_FALSE(written) << table.name;
    EXPECT_EQ(written.error().code, ErrorCode::kInvalidArgument) << table.name;
  }
  // A joining node whose pending record the transaction does not write.
  auto tx = host_->BeginTransaction();
  ASSERT_TRUE((*tx)->Put(kPrivate, AsBytes("k"), AsBytes("v")));
  auto joined = host_->Commit(std::move(*tx), CommitOptions{.joining_node = NodeMember{"n9", "", {}}});
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LocalHostLedgerTest, MembershipHelpersRefuseWhatTheStateDoesNotAllow) {
  ASSERT_TRUE(host_->Genesis());
  EXPECT_EQ(Code(host_->Genesis()), ErrorCode::kInvalidArgument);  // the service has started
  EXPECT_EQ(Code(host_->TrustNode("n2")), ErrorCode::kNotFound);
  ASSERT_TRUE(host_->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  EXPECT_EQ(Code(host_->AdmitNode({"n2", "seal-2", {}})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->AdmitNode({"n1", "seal-1", {}})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->RetireNode("n2")), ErrorCode::kInvalidArgument);  // pending, not trusted
  ASSERT_TRUE(host_->TrustNode("n2"));
  EXPECT_EQ(Code(host_->TrustNode("n2")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->RetireNode("n1")), ErrorCode::kInvalidArgument);  // the host's own node
  ASSERT_TRUE(host_->RetireNode("n2"));
}

TEST_F(LocalHostLedgerTest, TheRecoveredServiceRetiresTheOldNodesAndTrustsOnlyItself) {
  ASSERT_TRUE(host_->Genesis());
  ASSERT_TRUE(host_->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  ASSERT_TRUE(host_->TrustNode("n2"));
  const size_t before = escrow_->commit_count();
  auto recovered = Recover(host_->ledger(), "n3");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  const conformance::ObservedCommit first = escrow_->commits().at(before);
  EXPECT_TRUE(first.recovery);
  EXPECT_TRUE(first.trusted_nodes_changed);
  ASSERT_EQ(first.trusted_nodes.size(), 1u);
  EXPECT_EQ(first.trusted_nodes[0].node_id, "n3");
  EXPECT_EQ(Code((*recovered)->AdmitNode({"n2", "", {}})), ErrorCode::kInvalidArgument);  // kept, retired
  EXPECT_EQ(Code((*recovered)->TrustNode("n1")), ErrorCode::kInvalidArgument);  // retired, not pending
}

}  // namespace
}  // namespace ledgerseal::kv
