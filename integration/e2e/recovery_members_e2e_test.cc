// Issue 13: recovery members and the threshold changed by request
// (`ledgerseal client add-member / remove-member / set-threshold`), each one
// rotation that re-splits the new secret for the new members, while two
// clients keep writing; a refused change commits nothing; a removed member
// holds no share of later secrets and the new threshold is what recovery
// needs. Real node processes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "integration/e2e/e2e_util.h"
#include "integration/e2e/sealing_cluster.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
namespace sc = sealing_cluster;

constexpr char kTable[] = "app.private";

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RecoveryMembersE2E, MembersAndThresholdChangeByRequestWhileClientsWrite) {
  cluster::ClusterOptions o = TestClusterOptions();
  const fs::path keys = o.root / "members";
  fs::create_directories(keys);
  for (const char* name : {"alice", "bob", "carol", "dave"}) {
    auto keygen = sc::RunLedgerseal("operator keygen --out " + (keys / name).string());
    ASSERT_EQ(keygen.exit_code, 0) << keygen.output;
  }
  std::string pin;
  o.customize = [&keys, &pin](kv::NodeConfig& c) {
    c.recovery_shares.threshold = 2;
    for (const char* name : {"alice", "bob", "carol"}) {
      c.recovery_shares.members.emplace_back(name, keys / (std::string(name) + ".pub.pem"));
    }
    if (!pin.empty()) {
      c.expected_previous_service_identity = pin;
      c.insecure_test_secret_file.reset();
    }
  };
  cluster::ProcessCluster c(o);
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  // Every request goes to a follower: the leader runs it.
  const std::string client = "client --node " + c.node("n2").config.rpc_address + " ";

  cluster::Writers writers(c.node("n1").config.rpc_address, kTable, 2);
  for (int i = 0; i < 500 && writers.acked() < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(writers.acked(), 20u) << "the writers are not writing";

  auto add = sc::RunLedgerseal(client + "add-member dave --key " + (keys / "dave.pub.pem").string() +
                               " --threshold 3");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  EXPECT_TRUE(Has(add.output, "recovery members alice bob carol dave (3 to recover)")) << add.output;
  auto remove = sc::RunLedgerseal(client + "remove-member alice");
  ASSERT_EQ(remove.exit_code, 0) << remove.output;
  EXPECT_TRUE(Has(remove.output, "recovery members bob carol dave (3 to recover)")) << remove.output;

  // Refused changes commit nothing (not even their rotation).
  const auto before = c.Client("n1").GetStatus();
  ASSERT_TRUE(before);
  auto too_high = sc::RunLedgerseal(client + "remove-member bob --threshold 5");
  EXPECT_EQ(too_high.exit_code, 1) << too_high.output;
  EXPECT_TRUE(Has(too_high.output, "threshold 5 with 2 member(s)")) << too_high.output;
  auto twice = sc::RunLedgerseal(client + "add-member carol --key " + (keys / "carol.pub.pem").string());
  EXPECT_EQ(twice.exit_code, 1) << twice.output;
  EXPECT_TRUE(Has(twice.output, "'carol' is already a member")) << twice.output;
  auto nobody = sc::RunLedgerseal(client + "remove-member mallory");
  EXPECT_EQ(nobody.exit_code, 1) << nobody.output;
  EXPECT_TRUE(Has(nobody.output, "'mallory' is not a member")) << nobody.output;
  const auto after = c.Client("n1").GetStatus();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->ledger_secret_version(), before->ledger_secret_version()) << "a refused change rotated";

  auto lower = sc::RunLedgerseal(client + "set-threshold 2");
  ASSERT_EQ(lower.exit_code, 0) << lower.output;
  EXPECT_TRUE(Has(lower.output, "recovery members bob carol dave (2 to recover)")) << lower.output;

  writers.Stop();
  EXPECT_EQ(writers.errors(), std::vector<std::string>()) << "no write fails while the members change";
  Acked acked = writers.all_acked();
  const auto status = c.Client("n1").GetStatus();
  ASSERT_TRUE(status);
  const std::string service_id = status->service_id();
  sc::QuiesceAndKillAll(c, acked);

  // alice was removed: the newest record holds no share for her.
  auto alice = sc::RunLedgerseal("operator decrypt-share --key " + (keys / "alice.key.pem").string() + " --ledger " +
                                 c.data_dir("n3").string());
  EXPECT_EQ(alice.exit_code, 1) << alice.output;
  EXPECT_TRUE(Has(alice.output, "identity_not_found")) << alice.output;
  for (const char* name : {"carol", "dave"}) {
    auto share = sc::RunLedgerseal("operator decrypt-share --key " + (keys / (std::string(name) + ".key.pem")).string() +
                                   " --ledger " + c.data_dir("n3").string() + " --out " +
                                   (keys / (std::string(name) + ".share")).string());
    ASSERT_EQ(share.exit_code, 0) << share.output;
  }
  // Two of bob, carol and dave recover the service (the threshold is 2 now).
  pin = service_id;
  auto recovered = c.StartRecovery(
      "n3", {"--shares", (keys / "carol.share").string() + "," + (keys / "dave.share").string()});
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto verified = VerifyAcked(c, "n3", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  const auto audit = sc::Inspect(c.data_dir("n3"));
  EXPECT_EQ(audit["recovery_members"]["members"], nlohmann::json({"bob", "carol", "dave"})) << audit.dump(2);
  EXPECT_EQ(audit["recovery_members"]["threshold"], 2);
  EXPECT_EQ(audit["last_recovery"]["recovery_members"], nlohmann::json({"carol", "dave"})) << audit.dump(2);
}

}  // namespace
}  // namespace ledgerseal::e2e
