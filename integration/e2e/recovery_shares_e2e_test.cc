// Issue 13, offline path: when every chip is gone, k of n recovery members
// recover the service from any node's ledger with their shares — real node
// processes, the `ledgerseal operator` and `recover` commands.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "integration/e2e/e2e_util.h"
#include "integration/e2e/sealing_cluster.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
using sealing_cluster::ReadAll;
using sealing_cluster::RunLedgerseal;

bool Says(const sealing_cluster::ToolRun& run, const std::string& text) {
  return run.output.find(text) != std::string::npos;
}

// `node`'s configuration for an offline recovery: pinned to `service_id`,
// without the INSECURE test secret file (the shares must do it alone).
fs::path RecoveryConfig(const cluster::ProcessCluster& c, const std::string& node, const std::string& service_id,
                        const fs::path& out) {
  auto doc = nlohmann::json::parse(ReadAll(c.node(node).config_path));
  doc.erase("insecure_test_secret_file");
  doc["expected_previous_service_identity"] = service_id;
  std::ofstream(out) << doc.dump(2);
  return out;
}

TEST(RecoverySharesE2E, WhenTheChipsAreGoneTwoOfThreeMembersRecoverTheServiceFromAnyLedger) {
  // TestClusterOptions makes the test's (fresh) directory: first.
  cluster::ClusterOptions o = TestClusterOptions();
  const fs::path root = o.root;
  o.root = root / "cluster";
  for (const char* name : {"alice", "bob", "carol"}) {
    auto keygen = RunLedgerseal("operator keygen --out " + (root / name).string());
    ASSERT_EQ(keygen.exit_code, 0) << keygen.output;
  }
  struct stat st {};
  ASSERT_EQ(::stat((root / "alice.key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a member's private key is for its owner only";
  const std::string alice_key = ReadAll(root / "alice.key.pem");
  auto again = RunLedgerseal("operator keygen --out " + (root / "alice").string());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(Says(again, "exists: a key is never overwritten")) << again.output;
  EXPECT_EQ(ReadAll(root / "alice.key.pem"), alice_key);

  std::string pin;  // set for the recovery: the node then runs without the test secret file
  o.customize = [&root, &pin](kv::NodeConfig& c) {
    if (!pin.empty()) {
      c.expected_previous_service_identity = pin;
      c.insecure_test_secret_file.reset();
    }
    c.recovery_shares.threshold = 2;
    for (const char* name : {"alice", "bob", "carol"}) {
      c.recovery_shares.members.emplace_back(name, root / (std::string(name) + ".pub.pem"));
    }
  };
  cluster::ProcessCluster c(o);
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  Acked acked;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(PutWithFailover(c, "app.private", "k" + std::to_string(i), "v", acked));
  auto rotated = RotateWithFailover(c, acked);
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  for (int i = 20; i < 40; ++i) ASSERT_TRUE(PutWithFailover(c, "app.private", "k" + std::to_string(i), "v", acked));
  // A client cannot overwrite the plugin's records (the newest one decides).
  for (const char* table : {"recovery.shares", "recovery.members"}) {
    rpc::v1::PutRequest forged;
    auto* w = forged.add_writes();
    w->set_table(table);
    w->set_key("latest");
    w->set_value("forged");
    auto refused = c.Client("n1").Put(forged);
    ASSERT_FALSE(refused) << table;
    EXPECT_NE(refused.error().message.find("is reserved"), std::string::npos) << refused.error().message;
  }
  auto status = c.Client("n1").GetStatus();
  ASSERT_TRUE(status) << status.error().ToString();
  const std::string service_id = status->service_id();
  sealing_cluster::QuiesceAndKillAll(c, acked);

  // Each member decrypts its share from any node's ledger, offline.
  for (const char* name : {"alice", "bob", "carol"}) {
    auto share = RunLedgerseal("operator decrypt-share --key " + (root / (std::string(name) + ".key.pem")).string() +
                               " --ledger " + c.data_dir("n2").string() + " --out " +
                               (root / (std::string(name) + ".share")).string());
    ASSERT_EQ(share.exit_code, 0) << share.output;
    EXPECT_TRUE(Says(share, "of member '" + std::string(name) + "' for ledger secret " +
                                std::to_string(*rotated) + " of service " + service_id))
        << share.output;
  }
  const fs::path config = RecoveryConfig(c, "n2", service_id, root / "recover.json");
  auto into = [&root](const char* name) { return " --into " + (root / name).string(); };
  const std::string alice = (root / "alice.share").string(), bob = (root / "bob.share").string(),
                    carol = (root / "carol.share").string();

  auto one = RunLedgerseal("recover --config " + config.string() + " --shares " + alice + into("r1"));
  EXPECT_EQ(one.exit_code, 1) << one.output;
  EXPECT_TRUE(Says(one, "1 of 2 shares needed")) << one.output;
  EXPECT_FALSE(fs::exists(root / "r1")) << "a failed recovery writes nothing";

  sealing_cluster::CorruptShareFile(bob, root / "bob-bad.share");
  auto bad = RunLedgerseal("recover --config " + config.string() + " --shares " + alice + "," +
                           (root / "bob-bad.share").string() + into("r2"));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(Says(bad, "rejected bob: the share does not match its commitment")) << bad.output;

  auto wrong_pin = RunLedgerseal("recover --config " +
                                 RecoveryConfig(c, "n2", std::string(32, '0'), root / "wrong.json").string() +
                                 " --shares " + alice + "," + bob + into("r3"));
  EXPECT_EQ(wrong_pin.exit_code, 1) << wrong_pin.output;
  EXPECT_TRUE(Says(wrong_pin, "wrong_service")) << wrong_pin.output;

  auto ok = RunLedgerseal("recover --config " + config.string() + " --shares " + alice + "," + carol + "," + alice +
                          into("r4"));
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(Says(ok, "recovered ledger secret " + std::to_string(*rotated) + " of service " + service_id +
                           " from the shares of 2 recovery member(s)"))
      << ok.output;

  // The same as a running service: n3 recovers with bob's and carol's
  // shares, serves every acknowledged write, and records how.
  pin = service_id;
  auto recovered = c.StartRecovery("n3", {"--shares", bob + "," + carol});
  ASSERT_TRUE(recovered) << recovered.error().ToString() << "\n" << c.LogTail("n3");
  auto verified = VerifyAcked(c, "n3", "app.private", acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  const auto audit = sealing_cluster::Inspect(c.data_dir("n3"));
  EXPECT_EQ(audit["last_recovery"]["method"], "recovery_shares") << audit.dump(2);
  EXPECT_EQ(audit["last_recovery"]["recovery_members"], nlohmann::json({"bob", "carol"})) << audit.dump(2);
  // The recovered service keeps the members and splits its own secret for them.
  EXPECT_EQ(audit["recovery_members"]["threshold"], 2) << audit.dump(2);
  EXPECT_EQ(audit["recovery_members"]["members"], nlohmann::json({"alice", "bob", "carol"}));
  EXPECT_EQ(audit["latest_recovery_shares"]["holders"], nlohmann::json({"alice", "bob", "carol"}));
  EXPECT_GT(audit["latest_recovery_shares"]["ledger_secret_version"].get<uint64_t>(), *rotated);
}

}  // namespace
}  // namespace ledgerseal::e2e
