// The plugin's hooks against in-memory ledgers and transactions: which record
// the recovery hook picks and what it costs, the failure policies, and what
// the transaction hook writes.
#include "plugin/local_sealing/public/local_sealing.h"

#include <gtest/gtest.h>

#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/host_support/public/vector_ledger_reader.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::SealedNode;
using testing::ToHex;

constexpr char kService[] = "svc";
const kv::Table kShares{kSharesTable, kv::Domain::kPublic};

// A store snapshot with nothing in it: transactions start empty.
class EmptySnapshot final : public kv::StateSnapshot {
 public:
  kv::Version version() const override { return 0; }
  kv::Result<std::optional<kv::Bytes>> Get(std::string_view, kv::ByteView) const override {
    return std::optional<kv::Bytes>();
  }
  kv::Status ForEach(std::string_view, const std::function<bool(kv::ByteView, kv::ByteView)>&) const override {
    return {};
  }
};

class LocalSealingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(3, 2048)); }
  static void TearDownTestSuite() { delete nodes_; }

  static std::unique_ptr<LocalSealing> PluginFor(size_t i, bool fail_on_error = true) {
    LocalSealingOptions o;
    o.node_id = (*nodes_)[i].node_id;
    o.sealing_identity = (*nodes_)[i].sealing_identity;
    o.fail_on_unseal_error = fail_on_error;
    // Not owned: the fixture's provider outlives the plugin.
    o.provider = std::shared_ptr<const snp::DerivedKeyProvider>(
        std::shared_ptr<void>(), (*nodes_)[i].provider.get());
    o.log = [](std::string_view) {};
    auto plugin = LocalSealing::Create(std::move(o));
    EXPECT_TRUE(plugin) << plugin.error().ToString();
    return std::move(*plugin);
  }

  static kv::Bytes SharesRecord(uint64_t secret_version, uint8_t secret_tag, size_t node_count = 3) {
    auto random = testing::MakeRandom("shares");
    auto shares = SealShares(*random, kService, secret_version, MakeLedgerSecret(secret_tag),
                             testing::RecipientsOf(*nodes_, node_count));
    EXPECT_TRUE(shares);
    return *SerializeRecord(*shares);
  }

  // `count` entries with an unrelated public write each.
  static void AddFiller(std::vector<kv::PublicEntry>& entries, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      kv::PublicEntry e;
      e.version = entries.size() + 1;
      (void)e.public_writes.Put({"app.public", kv::Domain::kPublic}, kv::AsBytes("k"), kv::AsBytes("v"));
      entries.push_back(std::move(e));
    }
  }
  static void AddShares(std::vector<kv::PublicEntry>& entries, const kv::Bytes& record) {
    kv::PublicEntry e;
    e.version = entries.size() + 1;
    (void)e.public_writes.Put(kShares, kv::AsBytes(kSharesKey), record);
    entries.push_back(std::move(e));
  }

  static kv::RecoveryContext Context(kv::LedgerReader& reader, size_t i) {
    kv::RecoveryContext ctx;
    ctx.node = {(*nodes_)[i].node_id, (*nodes_)[i].sealing_identity, "new"};
    ctx.ledger = &reader;
    return ctx;
  }

  static std::vector<SealedNode>* nodes_;
};
std::vector<SealedNode>* LocalSealingTest::nodes_ = nullptr;

TEST_F(LocalSealingTest, UnsealsTheNewestRecordAndReadsOnlyBackToIt) {
  std::vector<kv::PublicEntry> entries;
  AddFiller(entries, 100);
  AddShares(entries, SharesRecord(1, 1));
  AddFiller(entries, 20'000);
  AddShares(entries, SharesRecord(2, 2));
  AddFiller(entries, 10);
  kv::VectorLedgerReader reader(entries);
  auto plugin = PluginFor(1);
  auto secret = plugin->recovery_hook()->Unseal(Context(reader, 1));
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->ledger_secret_version, 2u);
  EXPECT_EQ(secret->found_at_version, 20'102u);
  EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(2).bytes()));
  EXPECT_EQ(reader.entries_read(), 11u) << "the cost must not grow with the ledger";
}

TEST_F(LocalSealingTest, DuplicateRecordsDoNotMatter) {
  std::vector<kv::PublicEntry> entries;
  const auto record = SharesRecord(4, 4);
  AddShares(entries, record);
  AddShares(entries, record);  // the same rotation's record replayed
  kv::VectorLedgerReader reader(entries);
  auto secret = PluginFor(0)->recovery_hook()->Unseal(Context(reader, 0));
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->found_at_version, 2u);
  EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(4).bytes()));
}

TEST_F(LocalSealingTest, FailPolicyStopsRecoveryFallbackLetsTheNextHookRun) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(1, 1, /*node_count=*/2));  // node 2 not a recipient
  kv::VectorLedgerReader strict_reader(entries);
  auto strict = PluginFor(2)->recovery_hook()->Unseal(Context(strict_reader, 2));
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code, kv::ErrorCode::kRecoveryFailed);
  EXPECT_NE(strict.error().message.find("identity_not_found"), std::string::npos) << strict.error().message;
  kv::VectorLedgerReader lenient_reader(entries);
  auto lenient = PluginFor(2, /*fail_on_error=*/false)->recovery_hook()->Unseal(Context(lenient_reader, 2));
  ASSERT_FALSE(lenient);
  EXPECT_EQ(lenient.error().code, kv::ErrorCode::kNotFound);

  std::vector<kv::PublicEntry> none;
  AddFiller(none, 5);
  kv::VectorLedgerReader empty_reader(none);
  auto nothing = PluginFor(0)->recovery_hook()->Unseal(Context(empty_reader, 0));
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, kv::ErrorCode::kRecoveryFailed) << "fail policy: no silent skip";
}

TEST_F(LocalSealingTest, OnRecoveredRecordsHowTheSecretWasObtained) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(3, 3));
  kv::VectorLedgerReader reader(entries);
  auto plugin = PluginFor(0);
  auto secret = plugin->recovery_hook()->Unseal(Context(reader, 0));
  ASSERT_TRUE(secret);
  kv::SnapshotTransaction tx(this, std::make_unique<EmptySnapshot>());
  ASSERT_TRUE(plugin->recovery_hook()->OnRecovered(tx, *secret));
  const auto* value = tx.writes().Find(kLastRecoveryTable, kv::AsBytes(kLastRecoveryKey));
  ASSERT_TRUE(value && value->has_value());
  auto record = ParseLastRecovery(**value);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->method(), v1::LOCAL_UNSEALING);
  EXPECT_EQ(record->recovered_at_version(), 1u);
  EXPECT_EQ(record->ledger_secret_version(), 3u);
  EXPECT_EQ(record->recovering_sealing_identity(), "node-0");
  EXPECT_EQ(record->previous_service_id(), kService);
}

kv::NodeMember Member(const SealedNode& n) {
  return {n.node_id, n.sealing_identity, *SerializeRecord(n.recovery_key)};
}

TEST_F(LocalSealingTest, RotationSealsForEveryTrustedNodeWithAKey) {
  auto plugin = PluginFor(0);
  kv::SnapshotTransaction tx(this, std::make_unique<EmptySnapshot>());
  const auto secret = MakeLedgerSecret(9);
  auto& ctx = tx.mutable_commit_context();
  ctx.service_id = kService;
  ctx.ledger_secret = &secret;
  ctx.ledger_secret_version = 7;
  ctx.rotates_ledger_secret = true;
  ctx.trusted_nodes = {Member((*nodes_)[0]), Member((*nodes_)[1]), {"n-nokey", "", {}}};
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(tx));
  const auto* value = tx.writes().Find(kSharesTable, kv::AsBytes(kSharesKey));
  ASSERT_TRUE(value && value->has_value());
  auto shares = ParseSealedShares(**value);
  ASSERT_TRUE(shares);
  EXPECT_EQ(shares->shares_size(), 2) << "the node without a key is reported, not sealed for";
  auto unsealed = UnsealShares(*(*nodes_)[1].provider, *shares, "node-1", kService, 7);
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(ToHex(unsealed->secret.bytes()), ToHex(secret.bytes()));
  EXPECT_TRUE(tx.writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
}

TEST_F(LocalSealingTest, NothingToSealWithoutARotationOrMembershipChange) {
  auto plugin = PluginFor(0);
  kv::SnapshotTransaction tx(this, std::make_unique<EmptySnapshot>());
  const auto secret = MakeLedgerSecret(1);
  tx.mutable_commit_context().ledger_secret = &secret;
  tx.mutable_commit_context().trusted_nodes = {Member((*nodes_)[0])};
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(tx));
  EXPECT_TRUE(tx.writes().empty());
}

TEST_F(LocalSealingTest, AJoinerPresentingAnotherNodesKeyIsRefused) {
  auto plugin = PluginFor(0);
  kv::SnapshotTransaction tx(this, std::make_unique<EmptySnapshot>());
  const auto secret = MakeLedgerSecret(1);
  auto& ctx = tx.mutable_commit_context();
  ctx.ledger_secret = &secret;
  kv::NodeMember impostor = Member((*nodes_)[1]);
  impostor.node_id = "n-impostor";
  ctx.joining_node = impostor;
  auto refused = plugin->transaction_hook()->OnCommit(tx);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("presented the recovery key"), std::string::npos);
  ctx.joining_node = Member((*nodes_)[1]);
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(tx));
  EXPECT_TRUE(tx.writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
}

}  // namespace
}  // namespace ledgerseal::sealing
