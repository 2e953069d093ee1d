// A real node in-process: genesis, a write, a clean stop, a recovery the
// node refuses (no recovery hook) and one it accepts (the INSECURE test
// secret file), each bounded and joined.
#include "kvstore_adapter/reference_host/conformance/in_process_node.h"

#include <gtest/gtest.h>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"

namespace ledgerseal::kv::conformance {
namespace {

namespace v1 = ::ledgerseal::rpc::v1;

NodeConfig ConfigFor(const std::filesystem::path& dir) {
  auto raft = cluster::FreeLoopbackPort();
  auto rpc = cluster::FreeLoopbackPort();
  EXPECT_TRUE(raft && rpc);
  NodeConfig c;
  c.node_id = "smoke";
  c.raft_address = "127.0.0.1:" + std::to_string(raft ? *raft : 0);
  c.rpc_address = "127.0.0.1:" + std::to_string(rpc ? *rpc : 0);
  c.data_dir = dir / "data";
  return c;
}

Result<Version> PutOne(InProcessNode& node) {
  v1::PutRequest put;
  v1::Write* w = put.add_writes();
  w->set_table("smoke.data");
  w->set_private_domain(true);
  w->set_key("k");
  w->set_value("v");
  auto done = node.client().Put(std::move(put));
  if (!done) return std::unexpected(done.error());
  return done->version();
}

TEST(InProcessNodeTest, StartsStopsAndRecovers) {
  const auto dir = ledgerseal::testing::TestDir();
  NodeConfig config = ConfigFor(dir);
  config.insecure_test_secret_file = dir / "secret";
  auto node = InProcessNode::Start(config, node::StartMode::kStart, std::make_unique<HookRegistry>(), {});
  ASSERT_TRUE(node) << node.error().ToString();
  EXPECT_FALSE((*node)->ready_status().service_id().empty());
  auto version = PutOne(**node);
  ASSERT_TRUE(version) << version.error().ToString();
  ASSERT_TRUE((*node)->Stop());

  // Without the secret file's hook no recovery hook produces a secret.
  NodeConfig refused = ConfigFor(dir);
  auto failed = InProcessNode::Start(refused, node::StartMode::kRecover, std::make_unique<HookRegistry>(), {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kRecoveryFailed) << failed.error().ToString();

  NodeConfig recovering = ConfigFor(dir);
  recovering.insecure_test_secret_file = dir / "secret";
  auto recovered =
      InProcessNode::Start(recovering, node::StartMode::kRecover, std::make_unique<HookRegistry>(), {});
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_NE((*recovered)->ready_status().service_id(), (*node)->ready_status().service_id());
  EXPECT_GT((*recovered)->ready_status().applied_version(), *version);
}

}  // namespace
}  // namespace ledgerseal::kv::conformance
