#include "kvstore_adapter/reference_host/node/public/node_config.h"

#include <gtest/gtest.h>

#include "base/testing/test_dir.h"

namespace ledgerseal::kv {
namespace {

constexpr std::string_view kMinimal = R"({
  "node_id": "n1", "raft_address": "127.0.0.1:7001", "rpc_address": "127.0.0.1:8001",
  "data_dir": "data/n1"
})";

std::string With(std::string_view extra) {
  std::string s(kMinimal);
  s.insert(s.rfind('}'), std::string(", ") + std::string(extra));
  return s;
}

std::string ErrorOf(std::string_view text) {
  auto c = ParseNodeConfig(text, "/etc/ls");
  EXPECT_FALSE(c) << "accepted: " << text;
  return c ? "" : c.error().message;
}

TEST(NodeConfigTest, MinimalConfigGetsDefaultsAndResolvesPaths) {
  auto c = ParseNodeConfig(kMinimal, "/etc/ls");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->data_dir, "/etc/ls/data/n1");
  EXPECT_FALSE(c->join_address);
  EXPECT_EQ(c->raft.election_timeout_ms, 1000u);
  EXPECT_FALSE(c->sealing.enable_local_sealing);
  EXPECT_EQ(c->sealing.policy, "measurement+tcb");
  EXPECT_EQ(c->sealing.on_failure, SealingFailurePolicy::kFail);
}

TEST(NodeConfigTest, FullConfigRoundTrips) {
  auto c = ParseNodeConfig(With(R"("join_address": "127.0.0.1:8000",
      "expected_previous_service_identity": "5cd252fb0ce8932436faf8ccd1040981",
      "expected_service_identity": "0123456789abcdef0123456789abcdef",
      "raft": {"election_timeout_ms": 300, "heartbeat_timeout_ms": 50, "snapshot_threshold": 64},
      "sealing": {"enable_local_sealing": true, "sealing_identity": "seal-1",
                  "previous_local_sealing_identity": "seal-0", "platform": "virtual",
                  "policy": "family+image+svn+tcb",
                  "on_failure": "fallback_recovery_shares",
                  "virtual_machine_secret_path": "secret.bin",
                  "virtual_launch": {"guest_svn": 3}},
      "recovery_coordination": {"peers": ["127.0.0.1:9002", "127.0.0.1:9003"], "deadline_s": 30,
                                "wait_for_all_s": 2})"), "/etc/ls");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->recovery_coordination.peers, (std::vector<std::string>{"127.0.0.1:9002", "127.0.0.1:9003"}));
  EXPECT_EQ(c->recovery_coordination.deadline_s, 30u);
  EXPECT_EQ(c->recovery_coordination.wait_for_all_s, 2u);
  EXPECT_EQ(*c->join_address, "127.0.0.1:8000");
  EXPECT_EQ(c->sealing.virtual_machine_secret_path, "/etc/ls/secret.bin");
  EXPECT_EQ(c->sealing.on_failure, SealingFailurePolicy::kFallbackRecoveryShares);
  EXPECT_EQ(c->expected_previous_service_identity, "5cd252fb0ce8932436faf8ccd1040981");
  EXPECT_EQ(c->expected_service_identity, "0123456789abcdef0123456789abcdef");
  auto again = ParseNodeConfig(NodeConfigToJson(*c), "/");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(NodeConfigToJson(*again), NodeConfigToJson(*c));
}

TEST(NodeConfigTest, EveryMistakeNamesItsKey) {
  EXPECT_EQ(ErrorOf("not json"), "the configuration is not valid JSON");
  EXPECT_EQ(ErrorOf("[1]"), "the configuration must be a JSON object");
  EXPECT_EQ(ErrorOf(R"({"raft_address": "a:1", "rpc_address": "a:2", "data_dir": "d"})"),
            "node_id: is required");
  EXPECT_EQ(ErrorOf(With(R"("nodeid": "typo")")), "nodeid: unknown key");
  EXPECT_EQ(ErrorOf(With(R"("raft": {"election_timeout": 5})")), "raft.election_timeout: unknown key");
  EXPECT_EQ(ErrorOf(With(R"("raft": {"election_timeout_ms": "fast"})")),
            "raft.election_timeout_ms: must be an integer in [50, 60000]");
  EXPECT_EQ(ErrorOf(With(R"("raft": {"election_timeout_ms": 100, "heartbeat_timeout_ms": 100})")),
            "raft.heartbeat_timeout_ms: must be below raft.election_timeout_ms");
  EXPECT_EQ(ErrorOf(With(R"("sealing": {"rsa_bits": 3072})")),
            "sealing.rsa_bits: no longer exists: recovery keys are ECDH P-256 keys since sealing format 3 "
            "(remove the key)");
  EXPECT_EQ(ErrorOf(With(R"("sealing": {"platform": "tdx"})")),
            "sealing.platform: must be \"sev-guest\" or \"virtual\"");
  EXPECT_EQ(ErrorOf(With(R"("sealing": {"enable_local_sealing": true})")),
            "sealing.sealing_identity: must be 1..64 characters of [a-z0-9_-]");
  EXPECT_EQ(ErrorOf(With(R"("sealing": {"on_failure": "ignore"})")),
            "sealing.on_failure: must be \"fail\" or \"fallback_recovery_shares\"");
  EXPECT_EQ(ErrorOf(With(R"("join_address": "nohost")")), "join_address: must be host:port");
  EXPECT_EQ(ErrorOf(With(R"("expected_previous_service_identity": "5CD252FB0CE8932436FAF8CCD1040981")")),
            "expected_previous_service_identity: must be a service id: 32 lowercase hex digits");
  EXPECT_EQ(ErrorOf(With(R"("expected_service_identity": "abc")")),
            "expected_service_identity: must be a service id: 32 lowercase hex digits");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"deadline_s": 5})")),
            "recovery_coordination.peers: must be an array of the other recovering nodes' rpc addresses");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"peers": ["a:1", "a:1"]})")),
            "recovery_coordination.peers[1]: a:1 is listed twice");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"peers": ["nohost"]})")),
            "recovery_coordination.peers[0]: must be host:port");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"peers": [], "deadline_s": 0})")),
            "recovery_coordination.deadline_s: must be an integer in [1, 604800]");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"peers": [], "wait_for_all": 1})")),
            "recovery_coordination.wait_for_all: unknown key");
  EXPECT_EQ(ErrorOf(With(R"("recovery_coordination": {"peers": ["127.0.0.1:8001"]})")),
            "recovery_coordination.peers[0]: is this node's own rpc_address");
  std::string bad_id(kMinimal);
  bad_id.replace(bad_id.find("\"n1\""), 4, "\"N 1\"");
  EXPECT_EQ(ErrorOf(bad_id), "node_id: must be 1..64 characters of [a-z0-9_-]");
  std::string bad_port(kMinimal);
  bad_port.replace(bad_port.find("7001"), 4, "70000");
  EXPECT_EQ(ErrorOf(bad_port), "raft_address: port must be a number in [0, 65535]");
}

TEST(NodeConfigTest, MissingFileIsNotFound) {
  auto c = LoadNodeConfig("/nonexistent/ledgerseal.json");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

TEST(NodeConfigTest, ADirectoryIsNotAConfigurationFile) {
  const auto dir = ::ledgerseal::testing::TestDir();
  auto c = LoadNodeConfig(dir);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message.find("is not a regular file"), std::string::npos) << c.error().message;
}

TEST(NodeConfigTest, RootKeyAndVmplAreReadAndChecked) {
  auto c = ParseNodeConfig(With(R"("sealing": {"root_key": "vlek", "vmpl": 1})"), "/etc/ls");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->sealing.root_key, "vlek");
  EXPECT_EQ(c->sealing.vmpl, 1u);
  auto again = ParseNodeConfig(NodeConfigToJson(*c), "/");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sealing.root_key, "vlek");
  EXPECT_EQ(again->sealing.vmpl, 1u);
  EXPECT_NE(ErrorOf(With(R"("sealing": {"root_key": "vmrk"})")).find("sealing.root_key"), std::string::npos);
  EXPECT_NE(ErrorOf(With(R"("sealing": {"vmpl": 4})")).find("sealing.vmpl"), std::string::npos);
}

TEST(NodeConfigTest, ADuplicateKeyIsRefusedNamingIt) {
  EXPECT_NE(ErrorOf(With(R"("node_id": "n2")")).find("\"node_id\" twice"), std::string::npos);
  EXPECT_NE(ErrorOf(With(R"("sealing": {"policy": "measurement+tcb", "policy": "raw:0x2a"})")).find("\"policy\" twice"),
            std::string::npos);
  // The same key in two different objects is fine.
  auto fine = ParseNodeConfig(With(R"("raft": {"election_timeout_ms": 1000}, "sealing": {"platform": "virtual"})"),
                              "/etc/ls");
  if (!fine) {
    EXPECT_EQ(fine.error().message.find("twice"), std::string::npos) << fine.error().message;
  }
}

TEST(NodeConfigTest, DeepNestingIsRefusedBeforeParsing) {
  // ~60,000 levels used to overflow the stack when the launch was serialised.
  const std::string deep = std::string(60'000, '[') + std::string(60'000, ']');
  EXPECT_NE(ErrorOf(With(R"("sealing": {"virtual_launch": {"x": )" + deep + "}}")).find("nests deeper than"),
            std::string::npos);
  // Brackets inside strings do not count.
  auto fine = ParseNodeConfig(With(R"("node_note": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")"), "/etc/ls");
  if (!fine) {
    EXPECT_EQ(fine.error().message.find("nests deeper"), std::string::npos) << fine.error().message;
  }
}

}  // namespace
}  // namespace ledgerseal::kv
