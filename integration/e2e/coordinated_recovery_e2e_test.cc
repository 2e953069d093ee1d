// Coordinated recovery (issue 14; docs/REFERENCE_HOST.md, "Coordinated
// recovery"), with real node processes on loopback:
//  - an outage under load (two clients writing, rotations, a lagging
//    follower, every node SIGKILLed): all nodes restarted with --recover
//    pick the longest ledger among themselves, only its node opens, the
//    others join it, and every acknowledged write is served;
//  - recoverers partitioned from one another: the majority side opens, the
//    lone node gives up at its deadline and writes nothing;
//  - the operator's override: refused while a peer claims a longer ledger
//    (named), refused without it by the deadline, then accepted.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "integration/e2e/e2e_util.h"
#include "integration/e2e/sealing_cluster.h"
#include "kvstore_adapter/reference_host/cluster/public/writers.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
namespace sc = sealing_cluster;

constexpr char kTable[] = "app.private";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The node whose run logged that it opens; "" if none did.
std::string Opener(const cluster::ProcessCluster& c, const std::vector<std::string>& ids) {
  const std::vector<std::string> openers = c.CoordinatedOpeners(ids);
  EXPECT_LE(openers.size(), 1u) << openers[0] << " and " << openers[1] << " both opened";
  return openers.empty() ? "" : openers.back();
}

// `id` exits with code 1 within 30 s, its log holding each of `needles`.
void ExpectRefused(cluster::ProcessCluster& c, const std::string& id, const std::vector<std::string>& needles) {
  auto code = c.AwaitExit(id, 30'000);
  ASSERT_TRUE(code) << code.error().ToString();
  EXPECT_EQ(*code, 1) << id;
  const std::string log = c.RunLog(id);
  for (const auto& needle : needles) {
    EXPECT_NE(log.find(needle), std::string::npos) << id << " did not log '" << needle << "':\n" << log;
  }
}

// Three trusted nodes; `applied` writes that every node applies, then, if
// `lagging` > 0, n3 paused while `lagging` more are written; then every
// node is SIGKILLed. Call in ASSERT_NO_FATAL_FAILURE.
void WriteThenKillAll(cluster::ProcessCluster& c, Acked& acked, int applied, int lagging = 0) {
  ASSERT_TRUE(StartTrustedNodes(c, 3));
  for (int i = 0; i < applied; ++i) ASSERT_TRUE(PutWithFailover(c, kTable, "a" + std::to_string(i), "v", acked));
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  if (lagging > 0) c.Pause("n3");
  for (int i = 0; i < lagging; ++i) ASSERT_TRUE(PutWithFailover(c, kTable, "b" + std::to_string(i), "v", acked));
  c.KillAll();
}

std::string ServiceOf(cluster::ProcessCluster& c, const std::string& id) {
  auto status = c.Client(id).GetStatus();
  return status ? status->service_id() : "unreachable: " + status.error().ToString();
}

TEST(CoordinatedRecoveryE2E, AfterAnOutageUnderLoadTheLongestOpensAndTheOthersJoin) {
  sc::Platforms platforms;
  cluster::ProcessCluster c(sc::SealingOptions(&platforms));
  ASSERT_NO_FATAL_FAILURE(sc::StartNodes(c, {"n1", "n2", "n3"}));
  const std::string old_service = ServiceOf(c, "n1");
  Acked acked;
  {
    cluster::Writers load(c.node("n1").config.rpc_address, kTable, /*count=*/2);
    rpc::RpcClient rotator(c.node("n1").config.rpc_address);
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(rotator.Rotate());
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      if (i == 1) c.Pause("n3");  // n3 falls behind while the others go on
    }
    c.KillAll();  // SIGKILL, n3 still paused
    load.Stop();
    acked = load.all_acked();
    ASSERT_GT(acked.values.size(), 20u);
  }
  const auto compared = sc::RunLedgerseal("inspect " + c.data_dir("n1").string() + " " +
                                          c.data_dir("n2").string() + " " + c.data_dir("n3").string() + " --json");
  ASSERT_EQ(compared.exit_code, 0) << compared.output;
  const std::string longest = nlohmann::json::parse(compared.output)["longest"];

  const std::vector<std::string> ids = {"n1", "n2", "n3"};
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = ids, .wait_for_all_s = 5}));
  // Clients write to the opener as soon as it serves, while the others are
  // still moving their ledgers aside and joining it.
  std::string opener;
  for (int i = 0; i < 1200 && opener.empty(); ++i) {
    opener = Opener(c, ids);
    if (opener.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(opener.empty()) << "nobody opened within 120 s";
  ASSERT_TRUE(c.AwaitReady(opener)) << opener << ":\n" << c.LogTail(opener, 40);
  Acked during_join;
  {
    cluster::Writers load(c.node(opener).config.rpc_address, kTable, /*count=*/2, /*value_bytes=*/16, "join-");
    for (const auto& id : ids) ASSERT_TRUE(c.AwaitReady(id)) << id << ":\n" << c.LogTail(id, 40);
    load.Stop();
    during_join = load.all_acked();
  }
  ASSERT_GT(during_join.values.size(), 0u);
  ASSERT_TRUE(c.WaitApplied(during_join.max_version));
  EXPECT_EQ(Opener(c, ids), opener);
  EXPECT_EQ(c.data_dir(opener).string(), longest) << "the node with the longest ledger opens";
  const std::string new_service = ServiceOf(c, opener);
  EXPECT_NE(new_service, old_service);
  for (const auto& id : ids) {
    const std::string log = c.RunLog(id);
    // Each voted for the opener, or followed it before it had to vote.
    EXPECT_EQ(Count(log, "recovery coordination: voted for "), Count(log, "recovery coordination: voted for " + opener))
        << id << ":\n" << log;
    if (id == opener) continue;
    EXPECT_NE(log.find("joining it"), std::string::npos) << id << ":\n" << log;
    EXPECT_EQ(ServiceOf(c, id), new_service) << id << " joined the one recovered service";
    // Nothing deleted: its own ledger is kept aside.
    EXPECT_TRUE(fs::exists(c.data_dir(id) / "before-recovery-1" / "ledger")) << id;
  }
  auto verified = VerifyAcked(c, opener, kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  for (const auto& id : ids) {
    auto joined = VerifyAcked(c, id, kTable, during_join);
    EXPECT_TRUE(joined) << id << ": " << joined.error().ToString();
  }
  // The recovery transaction records the decision; inspect checks every
  // claim's signature with the previous identity.
  const auto audit = sc::Inspect(c.data_dir(opener));
  const auto& decision = audit["service_chain"].back()["recovery_decision"];
  EXPECT_EQ(decision["opened_by"], opener) << audit.dump(2);
  EXPECT_EQ(decision["verified"], true) << audit.dump(2);
  EXPECT_GE(decision["claims"].size(), 2u) << audit.dump(2);
  for (const auto& claim : decision["claims"]) EXPECT_EQ(claim["signature_verified"], true) << audit.dump(2);
}

// n3 cannot reach n1 or n2, nor they n3: n1 and n2 (a majority) recover
// the service; n3 never opens a second one and writes nothing.
TEST(CoordinatedRecoveryE2E, PartitionedRecoverersDoNotBothOpen) {
  cluster::ProcessCluster c(TestClusterOptions());
  Acked acked;
  ASSERT_NO_FATAL_FAILURE(WriteThenKillAll(c, acked, 20));
  const auto n3_before = sc::Snapshot(c.data_dir("n3"));
  const std::vector<std::string> ids = {"n1", "n2", "n3"};
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = ids,
                                          .unreachable = {{"n1", {"n3"}}, {"n2", {"n3"}}, {"n3", {"n1", "n2"}}},
                                          .deadline_s = 8,
                                          .wait_for_all_s = 1}));
  // While it waits, n3 says so to `client status`.
  std::string progress;
  for (int i = 0; i < 100 && progress.find("coordinated recovery") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto status = c.Client("n3").GetStatus();
    if (status && status->recovering()) progress = status->recovery_progress();
  }
  EXPECT_NE(progress.find("coordinated recovery: n1 no claim, n2 no claim, n3 version"), std::string::npos)
      << progress;
  ASSERT_TRUE(c.AwaitReady("n1")) << c.LogTail("n1", 40);
  ASSERT_TRUE(c.AwaitReady("n2")) << c.LogTail("n2", 40);
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, "n3", {"no majority"}));
  EXPECT_EQ(sc::Snapshot(c.data_dir("n3")), n3_before) << "the minority wrote nothing";
  const std::string opener = Opener(c, {"n1", "n2", "n3"});
  ASSERT_TRUE(opener == "n1" || opener == "n2") << opener;
  EXPECT_EQ(ServiceOf(c, "n1"), ServiceOf(c, "n2"));
  auto verified = VerifyAcked(c, opener, kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

// The override: with a peer that claims a longer ledger it is refused,
// naming the peer; a node without a majority gives up at its deadline;
// the override on the longest node then opens, every acknowledged write
// intact.
TEST(CoordinatedRecoveryE2E, TheOverrideIsRefusedWhileAPeerIsLongerThenOpens) {
  cluster::ProcessCluster c(TestClusterOptions());
  Acked acked;
  ASSERT_NO_FATAL_FAILURE(WriteThenKillAll(c, acked, 5, /*lagging=*/20));
  const auto n1_before = sc::Snapshot(c.data_dir("n1"));
  const auto n3_before = sc::Snapshot(c.data_dir("n3"));

  // n2 is lost; n3 (behind) tries to open alone while n1 waits for votes.
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = {"n1", "n3"},
                                          .absent = {"n2"},
                                          .deadline_s = 6,
                                          .wait_for_all_s = 1,
                                          .extra_args = {{"n3", {"--open-without-majority"}}}}));
  ASSERT_NO_FATAL_FAILURE(
      ExpectRefused(c, "n3", {"longer_ledger: n1 at " + c.node("n1").config.rpc_address + " holds version"}));
  EXPECT_EQ(sc::Snapshot(c.data_dir("n3")), n3_before);
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, "n1", {"no majority", "--open-without-majority"}));
  EXPECT_EQ(sc::Snapshot(c.data_dir("n1")), n1_before);

  // The operator decides n2 and n3 are lost for good.
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = {"n1"},
                                          .absent = {"n2", "n3"},
                                          .deadline_s = 6,
                                          .wait_for_all_s = 1,
                                          .extra_args = {{"n1", {"--open-without-majority"}}}}));
  ASSERT_TRUE(c.AwaitReady("n1")) << c.LogTail("n1", 40);
  EXPECT_NE(c.RunLog("n1").find("opening WITHOUT a majority"), std::string::npos) << c.RunLog("n1");
  auto verified = VerifyAcked(c, "n1", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

// n1 recovered the service alone (a new service) and died before anyone
// joined it. The nodes restarted together must not recover the old service
// a second time: n2 and n3 learn from n1's claim (its chain of service
// records, the successor endorsed by the old identity) that it was
// recovered already, and stop, writing nothing; n1 alone has no majority
// either (its ledger names only itself, the operator restarted three). The
// same after n1 recovered its own service once more.
TEST(CoordinatedRecoveryE2E, AServiceRecoveredOnceIsNotRecoveredAgainFromItsPredecessor) {
  cluster::ProcessCluster c(TestClusterOptions());
  Acked acked;
  ASSERT_NO_FATAL_FAILURE(WriteThenKillAll(c, acked, 10));
  ASSERT_TRUE(c.StartRecovery("n1"));  // alone: a successor service
  const std::string successor = ServiceOf(c, "n1");
  c.KillAll();
  const auto n2_before = sc::Snapshot(c.data_dir("n2"));
  const auto n3_before = sc::Snapshot(c.data_dir("n3"));
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = {"n1", "n2", "n3"}, .deadline_s = 5, .wait_for_all_s = 1}));
  for (const std::string id : {"n2", "n3"}) {
    ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, id, {"already_recovered: this service", "n1 holds service " + successor}));
  }
  EXPECT_EQ(sc::Snapshot(c.data_dir("n2")), n2_before);
  EXPECT_EQ(sc::Snapshot(c.data_dir("n3")), n3_before);
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, "n1", {"no majority"}));

  // n1 recovers its service again, alone: the old service's successor is
  // now two links back in n1's chain, and still stops n2 and n3.
  ASSERT_TRUE(c.StartRecovery("n1"));
  const std::string grandchild = ServiceOf(c, "n1");
  c.KillAll();
  ASSERT_TRUE(c.StartCoordinatedRecovery({.nodes = {"n1", "n2", "n3"}, .deadline_s = 5, .wait_for_all_s = 1}));
  for (const std::string id : {"n2", "n3"}) {
    ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, id, {"into service " + successor, "n1 holds service " + grandchild}));
  }
  EXPECT_EQ(sc::Snapshot(c.data_dir("n2")), n2_before);
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(c, "n1", {"no majority"}));
}

}  // namespace
}  // namespace ledgerseal::e2e
