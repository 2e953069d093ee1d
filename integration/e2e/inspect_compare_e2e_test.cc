// `ledgerseal inspect DIR DIR ...` after an outage (issue 14): it names the
// longest ledger as the one to recover from, says by how much a lagging
// node's ledger is behind, and that a ledger holding another history (a
// node recovered alone from its shorter ledger) diverged. Real node
// processes: a follower paused while the others write, then every node
// killed.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "integration/e2e/e2e_util.h"
#include "integration/e2e/sealing_cluster.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
namespace sc = sealing_cluster;

constexpr char kTable[] = "app.private";

TEST(InspectCompareE2E, NamesTheLongestLedgerAndWhyTheOthersAreWorse) {
  cluster::ProcessCluster c(TestClusterOptions());
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  Acked acked;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(PutWithFailover(c, kTable, "a" + std::to_string(i), "v", acked));
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  // n3 stops applying; n1 and n2 go on (a majority).
  c.Pause("n3");
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(PutWithFailover(c, kTable, "b" + std::to_string(i), "v", acked));
  c.KillAll();
  fs::copy(c.data_dir("n3"), c.data_dir("n3").parent_path() / "n3-copy", fs::copy_options::recursive);
  const fs::path n3_copy = c.data_dir("n3").parent_path() / "n3-copy";
  // n3 recovers alone from its shorter ledger: a new history from there.
  auto alone = c.StartRecovery("n3");
  ASSERT_TRUE(alone) << alone.error().ToString();
  c.KillAll();

  // With the fork among them: no choice (exit 1), the fork named.
  const auto out = sc::RunLedgerseal("inspect " + c.data_dir("n1").string() + " " + c.data_dir("n2").string() + " " +
                                     c.data_dir("n3").string() + " " + n3_copy.string() + " --json");
  ASSERT_EQ(out.exit_code, 1) << out.output;
  const auto doc = nlohmann::json::parse(out.output);
  EXPECT_EQ(doc["authenticated"], false);
  EXPECT_EQ(doc["conflict"], true);
  EXPECT_TRUE(doc["choice"].is_null()) << doc.dump(2);
  // n1 and n2 hold the same history; a follower may lack the leader's last
  // entries (acknowledged once a majority applied them): the longer wins.
  const auto& ledgers = doc["ledgers"];
  ASSERT_EQ(ledgers.size(), 4u);
  const bool n1_longer = ledgers[0]["last_version"] >= ledgers[1]["last_version"];
  const std::string longer = (n1_longer ? c.data_dir("n1") : c.data_dir("n2")).string();
  EXPECT_EQ(doc["longest"], longer) << doc.dump(2);
  EXPECT_EQ(ledgers[n1_longer ? 1 : 0]["diverged"], false) << doc.dump(2);
  EXPECT_LE(ledgers[n1_longer ? 1 : 0]["behind"].get<uint64_t>(), 2u) << doc.dump(2);
  EXPECT_EQ(ledgers[2]["diverged"], true) << "n3 recovered alone: another history: " << doc.dump(2);
  EXPECT_EQ(ledgers[3]["diverged"], false) << doc.dump(2);
  EXPECT_GE(ledgers[3]["behind"].get<uint64_t>(), 20u) << "n3 missed the 20 writes: " << doc.dump(2);

  const auto fork = sc::RunLedgerseal("inspect " + longer + " " + c.data_dir("n3").string());
  EXPECT_EQ(fork.exit_code, 1) << fork.output;
  EXPECT_NE(fork.output.find("NO CHOICE: these ledgers hold different histories"), std::string::npos) << fork.output;
  EXPECT_NE(fork.output.find(c.data_dir("n3").string() + ": holds another history"), std::string::npos)
      << fork.output;
  // Without the fork: the longest, and by how much the lagging copy is behind.
  const auto text = sc::RunLedgerseal("inspect " + longer + " " + n3_copy.string());
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("recover from " + longer), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("version(s) behind (a prefix of " + longer), std::string::npos) << text.output;
}

}  // namespace
}  // namespace ledgerseal::e2e
