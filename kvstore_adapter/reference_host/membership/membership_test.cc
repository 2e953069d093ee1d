#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv::membership {
namespace {

class MembershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = ::ledgerseal::testing::TestDir();
    auto store = Store::Open({.dir = dir, .encryption_key = &key_});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  std::unique_ptr<SnapshotTransaction> Begin() {
    return std::make_unique<SnapshotTransaction>(this, store_->Snapshot());
  }
  void Commit(Transaction& tx) {
    ASSERT_TRUE(store_->Apply(store_->applied_version() + 1, tx.writes()));
  }
  static pb::NodeInfo Node(std::string id, uint64_t raft_id, pb::NodeInfo::Status status) {
    pb::NodeInfo n;
    n.set_node_id(std::move(id));
    n.set_raft_id(raft_id);
    n.set_status(status);
    n.set_sealing_identity("seal-" + n.node_id());
    return n;
  }

  SecretBytes key_{std::vector<uint8_t>(32, 7)};
  std::unique_ptr<Store> store_;
};

TEST_F(MembershipTest, NodesAreListedInIdOrderWithPendingWrites) {
  auto tx = Begin();
  ASSERT_TRUE(PutNode(*tx, Node("n2", 2, pb::NodeInfo::TRUSTED)));
  ASSERT_TRUE(PutNode(*tx, Node("n1", 1, pb::NodeInfo::TRUSTED)));
  Commit(*tx);
  auto tx2 = Begin();
  ASSERT_TRUE(PutNode(*tx2, Node("n3", 7, pb::NodeInfo::PENDING)));
  auto nodes = ListNodes(*tx2);
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].node_id(), "n1");
  EXPECT_EQ((*nodes)[2].node_id(), "n3");
  EXPECT_EQ(*NextRaftId(*tx2), 8u);
  EXPECT_EQ(GetNode(*tx2, "n9").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(GetNode(*tx2, "n3")->raft_id(), 7u);
}

TEST_F(MembershipTest, RetiredNodesGetNoSecretsAndOnlyTrustedAreMembers) {
  std::vector<pb::NodeInfo> nodes = {Node("a", 1, pb::NodeInfo::TRUSTED),
                                     Node("b", 2, pb::NodeInfo::PENDING),
                                     Node("c", 3, pb::NodeInfo::RETIRED)};
  auto recipients = SecretRecipients(nodes);
  ASSERT_EQ(recipients.size(), 2u);
  EXPECT_EQ(recipients[1]->node_id(), "b");
  auto members = TrustedMembers(nodes);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].node_id, "a");
  EXPECT_EQ(members[0].sealing_identity, "seal-a");
}

TEST_F(MembershipTest, ServiceRecordRoundTripsAndCorruptRecordsAreTyped) {
  auto tx = Begin();
  EXPECT_FALSE(*GetService(*tx));
  pb::ServiceInfo info;
  info.set_service_id("svc-1");
  ASSERT_TRUE(PutService(*tx, info));
  EXPECT_EQ((*GetService(*tx))->service_id(), "svc-1");
  ASSERT_TRUE(tx->Put(kNodesTable, AsBytes("bad"), AsBytes("\xff\xff\xff")));
  auto nodes = ListNodes(*tx);
  ASSERT_FALSE(nodes);
  EXPECT_EQ(nodes.error().code, ErrorCode::kCorruption);
}

}  // namespace
}  // namespace ledgerseal::kv::membership
