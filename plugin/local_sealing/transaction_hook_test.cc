// The plugin's transaction hook (what the primary writes, signed by the
// context's service signer, and what it refuses) and the join payload
// (NewJoinPayload: one key pair, sealed for each identity asked).
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "base/testing/hex.h"
#include "plugin/local_sealing/local_sealing_fixture.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::TestServiceIdentity;
using testing::TestServiceKey;
using testing::ToHex;

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class TransactionHookTest : public LocalSealingTest {
 protected:
  // An admission into service 1 (the test names the joining node), signed
  // by service 1's identity.
  std::unique_ptr<kv::SnapshotTransaction> Admission() {
    auto tx = NewTransaction();
    auto& ctx = tx->mutable_commit_context();
    ctx.service_id = Id(1);
    ctx.ledger_secret = &admission_secret_;
    ctx.service_signer = &TestServiceKey(1);
    return tx;
  }

  const kv::SecretBytes admission_secret_ = MakeLedgerSecret(1);
};

TEST_F(TransactionHookTest, RotationSealsForEveryTrustedNodeSignedByTheContextSigner) {
  std::vector<std::string> log;
  auto plugin = PluginFor(0, true, &log);
  auto tx = Rotation(&TestServiceKey(1));
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(*tx));
  const auto* value = tx->writes().Find(kSharesTable, kv::AsBytes(kSharesKey));
  ASSERT_TRUE(value && value->has_value());
  auto record = ParseSignedShares(**value);
  ASSERT_TRUE(record) << record.error().ToString();
  EXPECT_EQ(record->signer, TestServiceIdentity(1));
  EXPECT_EQ(record->body.service_id(), Id(1));
  EXPECT_EQ(record->body.shares_size(), 2) << "the node without a key is reported, not sealed for";
  EXPECT_TRUE(kv::VerifyServiceSignature(TestServiceIdentity(1), kv::kSealedSharesDomain,
                                         kv::AsBytes(record->envelope.body()),
                                         kv::AsBytes(record->envelope.signature())));
  auto unsealed = UnsealShares(*(*nodes_)[1].provider, **value, "node-1", 1, Id(1));
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(ToHex(unsealed->secret.bytes()), ToHex(rotation_secret_.bytes()));
  EXPECT_TRUE(tx->writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
  bool warned = false;
  for (const auto& line : log) warned |= Contains(line, "WARNING") && Contains(line, "n-nokey");
  EXPECT_TRUE(warned);
}

// Pre-sealing (LocalSealingOptions::background): the ECIES half of the
// next record is made off the commit path, and used only by a record for
// exactly the service, version and nodes it was made for.
TEST_F(TransactionHookTest, TheNextRotationUsesSharesPresealedOffTheCommitPath) {
  std::vector<std::string> log;
  std::vector<std::function<void()>> posted;
  auto plugin = PluginFor(0, true, &log, [&posted](std::function<void()> task) { posted.push_back(std::move(task)); });
  auto& hook = *plugin->transaction_hook();
  // Runs what was posted on another thread, as a host's background does.
  auto run_posted = [&posted] {
    std::thread worker([&posted] {
      for (auto& task : posted) task();
    });
    worker.join();
    posted.clear();
  };
  auto sealed_at = [&](kv::SnapshotTransaction& tx, size_t node, uint64_t version, const kv::SecretBytes& secret) {
    const auto* value = tx.writes().Find(kSharesTable, kv::AsBytes(kSharesKey));
    ASSERT_TRUE(value && value->has_value());
    const auto& n = (*nodes_)[node];
    auto unsealed = UnsealShares(*n.provider, **value, n.sealing_identity, 1, Id(1));
    ASSERT_TRUE(unsealed) << unsealed.error().ToString();
    EXPECT_EQ(unsealed->ledger_secret_version, version);
    EXPECT_EQ(ToHex(unsealed->secret.bytes()), ToHex(secret.bytes()));
  };

  auto first = Rotation(&TestServiceKey(1));  // version 7
  ASSERT_TRUE(hook.OnCommit(*first));
  ASSERT_EQ(posted.size(), 1u) << "the next record's shares are posted after each record";
  EXPECT_FALSE(Contains(log.back(), "pre-sealed"));
  run_posted();

  const kv::SecretBytes eighth = MakeLedgerSecret(8);
  auto second = Rotation(&TestServiceKey(1));
  second->mutable_commit_context().ledger_secret = &eighth;
  second->mutable_commit_context().ledger_secret_version = 8;
  ASSERT_TRUE(hook.OnCommit(*second));
  EXPECT_TRUE(Contains(log.back(), "sealed ledger secret 8 for 2 trusted node(s) (pre-sealed)")) << log.back();
  sealed_at(*second, 0, 8, eighth);
  sealed_at(*second, 1, 8, eighth);

  // A rotation that comes before the background ran seals on its own.
  const kv::SecretBytes ninth = MakeLedgerSecret(10);
  auto third = Rotation(&TestServiceKey(1));
  third->mutable_commit_context().ledger_secret = &ninth;
  third->mutable_commit_context().ledger_secret_version = 9;
  ASSERT_TRUE(hook.OnCommit(*third));
  EXPECT_FALSE(Contains(log.back(), "pre-sealed")) << log.back();
  sealed_at(*third, 1, 9, ninth);
  ASSERT_EQ(posted.size(), 2u);
  run_posted();  // the stale request (version 9) finds a newer one and is dropped; version 10 is kept

  // A trust change keeps version 9 and drops node 1: the shares made for
  // version 10 and both nodes are not used.
  auto retire = Rotation(&TestServiceKey(1));
  auto& ctx = retire->mutable_commit_context();
  ctx.ledger_secret = &ninth;
  ctx.ledger_secret_version = 9;
  ctx.rotates_ledger_secret = false;
  ctx.trusted_nodes_changed = true;
  ctx.trusted_nodes = {Member((*nodes_)[0])};
  ASSERT_TRUE(hook.OnCommit(*retire));
  EXPECT_TRUE(Contains(log.back(), "sealed ledger secret 9 for 1 trusted node(s), signed")) << log.back();
  sealed_at(*retire, 0, 9, ninth);
  run_posted();

  // Nor are shares made for another service (a recovery starts a new one).
  auto elsewhere = Rotation(&TestServiceKey(1));
  elsewhere->mutable_commit_context().ledger_secret_version = 11;
  ASSERT_TRUE(hook.OnCommit(*elsewhere));
  EXPECT_FALSE(Contains(log.back(), "pre-sealed")) << "version 10 was asked, 11 sealed: " << log.back();
}

TEST_F(TransactionHookTest, NothingToSealWithoutARotationOrMembershipChange) {
  auto plugin = PluginFor(0);
  auto tx = NewTransaction();
  const auto secret = MakeLedgerSecret(1);
  tx->mutable_commit_context().ledger_secret = &secret;
  tx->mutable_commit_context().trusted_nodes = {Member((*nodes_)[0])};
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(*tx)) << "no signer needed for an ordinary commit";
  EXPECT_TRUE(tx->writes().empty());
}

// A host that forgets the signer, or hands one of another service, gets
// refusals, never an unsigned record.
TEST_F(TransactionHookTest, RefusesToSealWithoutTheRightSigner) {
  auto plugin = PluginFor(0);
  auto none = Rotation(nullptr);
  auto refused = plugin->transaction_hook()->OnCommit(*none);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(refused.error().message, "service signer")) << refused.error().message;
  EXPECT_TRUE(none->writes().empty());

  auto trust_change = Rotation(nullptr);
  trust_change->mutable_commit_context().rotates_ledger_secret = false;
  trust_change->mutable_commit_context().trusted_nodes_changed = true;
  auto refused_trust = plugin->transaction_hook()->OnCommit(*trust_change);
  ASSERT_FALSE(refused_trust);
  EXPECT_EQ(refused_trust.error().code, kv::ErrorCode::kInvalidArgument);

  auto other = Rotation(&TestServiceKey(2), /*key=*/1);  // service 1, signer 2
  auto mismatch = plugin->transaction_hook()->OnCommit(*other);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(mismatch.error().message, Id(1)) && Contains(mismatch.error().message, Id(2)))
      << mismatch.error().message;
  EXPECT_TRUE(other->writes().empty());
}

// Unreachable for a host that follows SERVICE_IDENTITY.md §2, but if a
// trusted node's key is bound elsewhere it is left out, with a warning.
TEST_F(TransactionHookTest, SkipsATrustedNodeBoundToAnotherService) {
  std::vector<std::string> log;
  auto plugin = PluginFor(0, true, &log);
  auto tx = Rotation(&TestServiceKey(1));
  kv::NodeMember elsewhere = Member((*nodes_)[1]);
  elsewhere.join_payload = *SerializeRecord((*nodes_)[1].SealedFor(TestServiceIdentity(2)));
  tx->mutable_commit_context().trusted_nodes[1] = elsewhere;
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(*tx));
  auto record = ParseSignedShares(**tx->writes().Find(kSharesTable, kv::AsBytes(kSharesKey)));
  ASSERT_TRUE(record);
  ASSERT_EQ(record->body.shares_size(), 1);
  EXPECT_EQ(record->body.shares(0).sealing_identity(), "node-0");
  EXPECT_FALSE(tx->writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
  bool warned = false;
  for (const auto& line : log) warned |= Contains(line, "WARNING") && Contains(line, "n1") && Contains(line, Id(2));
  EXPECT_TRUE(warned);
}

TEST_F(TransactionHookTest, AJoinerPresentingAnotherNodesKeyIsRefused) {
  auto plugin = PluginFor(0);
  auto tx = Admission();
  auto& ctx = tx->mutable_commit_context();
  kv::NodeMember impostor = Member((*nodes_)[1]);
  impostor.node_id = "n-impostor";
  ctx.joining_node = impostor;
  auto refused = plugin->transaction_hook()->OnCommit(*tx);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(Contains(refused.error().message, "presented the recovery key"));
  ctx.joining_node = Member((*nodes_)[1]);
  ASSERT_TRUE(plugin->transaction_hook()->OnCommit(*tx));
  EXPECT_TRUE(tx->writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
}

// A joiner whose own genuine record claims the sealing identity a trusted
// node holds would take over that node's sealing.recovery_keys row.
TEST_F(TransactionHookTest, AJoinerClaimingATrustedNodesSealingIdentityIsRefused) {
  auto plugin = PluginFor(0);
  auto tx = Admission();
  auto& ctx = tx->mutable_commit_context();
  kv::NodeMember holder = Member((*nodes_)[1]);
  holder.node_id = "n-holder";  // a trusted node under another id with node 1's identity
  ctx.trusted_nodes = {holder};
  ctx.joining_node = Member((*nodes_)[1]);
  auto refused = plugin->transaction_hook()->OnCommit(*tx);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(refused.error().message, "which trusted node 'n-holder' holds")) << refused.error().message;
  EXPECT_FALSE(tx->writes().Find(kRecoveryKeysTable, kv::AsBytes("node-1")));
}

// SERVICE_IDENTITY.md §2 (4): the primary refuses a payload whose clear
// binding is not its own identity, naming both; and cannot check without a signer.
TEST_F(TransactionHookTest, AJoinerBoundToAnotherServiceIsRefused) {
  auto plugin = PluginFor(0);
  auto tx = Admission();
  auto& ctx = tx->mutable_commit_context();
  kv::NodeMember joiner = Member((*nodes_)[2]);
  joiner.join_payload = *SerializeRecord((*nodes_)[2].SealedFor(TestServiceIdentity(2)));
  ctx.joining_node = joiner;
  auto refused = plugin->transaction_hook()->OnCommit(*tx);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(refused.error().message, Id(1)) && Contains(refused.error().message, Id(2)))
      << refused.error().message;
  EXPECT_TRUE(tx->writes().empty());

  // A format 1 payload binds nothing: refused too.
  auto v1_key = (*nodes_)[2].recovery_key;
  v1_key.set_format_version(1);
  joiner.join_payload = *SerializeRecord(v1_key);
  ctx.joining_node = joiner;
  auto old = plugin->transaction_hook()->OnCommit(*tx);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(old.error().message, "binds no service")) << old.error().message;

  ctx.joining_node = Member((*nodes_)[2]);
  ctx.service_signer = nullptr;
  auto unsigned_join = plugin->transaction_hook()->OnCommit(*tx);
  ASSERT_FALSE(unsigned_join);
  EXPECT_EQ(unsigned_join.error().code, kv::ErrorCode::kInvalidArgument);
}

// --- NewJoinPayload -----------------------------------------------------------------

TEST_F(TransactionHookTest, JoinPayloadIsBoundToTheIdentityAskedAndKeepsOneKeyPair) {
  auto plugin = PluginFor(0);
  auto first = plugin->NewJoinPayload(TestServiceIdentity(1));
  ASSERT_TRUE(first) << first.error().ToString();
  auto second = plugin->NewJoinPayload(TestServiceIdentity(2));  // after a recovery
  ASSERT_TRUE(second) << second.error().ToString();
  auto a = ParseSealedRecoveryKey(*first);
  auto b = ParseSealedRecoveryKey(*second);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->format_version(), kFormatVersion);
  EXPECT_EQ(a->sealing_identity(), "node-0");
  EXPECT_EQ(a->public_key_der(), b->public_key_der()) << "resealed, not regenerated";
  auto unsealed = UnsealRecoveryKey(*(*nodes_)[0].provider, *b);
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(unsealed->service, TestServiceIdentity(2));
  EXPECT_EQ(unsealed->private_key.PublicKeyDer()->size(), crypto::kP256SpkiBytes);
  // Another plugin object is another key pair (kept in memory only).
  auto other = PluginFor(0)->NewJoinPayload(TestServiceIdentity(1));
  ASSERT_TRUE(other);
  EXPECT_NE(ParseSealedRecoveryKey(*other)->public_key_der(), a->public_key_der());
}

TEST_F(TransactionHookTest, JoinPayloadRefusesAnUncheckedIdentity) {
  auto plugin = PluginFor(0);
  kv::ServiceIdentity wrong_id = TestServiceIdentity(1);
  wrong_id.service_id = Id(2);
  auto refused = plugin->NewJoinPayload(wrong_id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kv::ErrorCode::kInvalidArgument);
  auto empty = plugin->NewJoinPayload(kv::ServiceIdentity{});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, kv::ErrorCode::kInvalidArgument);
}

TEST_F(TransactionHookTest, ConcurrentJoinPayloadsShareOneKeyPair) {
  auto plugin = PluginFor(0);
  std::vector<kv::Result<kv::Bytes>> results(4, kv::Bytes{});
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = plugin->NewJoinPayload(TestServiceIdentity(1 + i % 2)); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> public_keys;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().ToString();
    public_keys.insert(ParseSealedRecoveryKey(*r)->public_key_der());
  }
  EXPECT_EQ(public_keys.size(), 1u);
}

// The payload is what the hook accepts from a joiner of that service.
TEST_F(TransactionHookTest, AJoinPayloadIsAcceptedByAPrimaryOfItsService) {
  auto joiner = PluginFor(2);
  auto payload = joiner->NewJoinPayload(TestServiceIdentity(1));
  ASSERT_TRUE(payload);
  auto tx = Admission();
  auto& ctx = tx->mutable_commit_context();
  ctx.joining_node = kv::NodeMember{"n2", "node-2", *payload};
  ASSERT_TRUE(PluginFor(0)->transaction_hook()->OnCommit(*tx));
  EXPECT_TRUE(tx->writes().Find(kRecoveryKeysTable, kv::AsBytes("node-2")));
}

}  // namespace
}  // namespace ledgerseal::sealing
