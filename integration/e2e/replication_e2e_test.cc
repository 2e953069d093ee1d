// End to end: real `ledgerseal node` processes on loopback, SIGKILL, and
// recovery with the INSECURE test secret-file hook (the sealing plugin has
// its own end-to-end tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "base/testing/test_dir.h"
#include "integration/e2e/e2e_util.h"
#include "kvstore_adapter/testing/dir_scan.h"

namespace ledgerseal::e2e {
namespace {

constexpr char kTable[] = "app.private";
constexpr char kMarker[] = "E2E-PRIVATE-MARKER-";

cluster::ClusterOptions Options() {
  cluster::ClusterOptions o = TestClusterOptions();
  o.raft.snapshot_threshold = 256;  // exercise raft snapshots under load
  return o;
}

void StartThreeNodes(cluster::ProcessCluster& c) {
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
}

// Waits until `nodes` report the same applied version (entries may still be
// in flight after the last acknowledgement, e.g. a retried request).
::testing::AssertionResult WaitLevel(cluster::ProcessCluster& c, const std::vector<std::string>& nodes) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    std::set<uint64_t> versions;
    for (const auto& n : nodes) {
      auto status = c.Client(n).GetStatus();
      if (status) versions.insert(status->applied_version());
    }
    if (versions.size() == 1) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ::testing::AssertionFailure() << "nodes did not level out";
}

// Ledger files hold committed entries only, so two nodes agree when the
// shorter file set is a byte prefix of the longer (a node may be one append
// ahead while the other applies it).
::testing::AssertionResult SameCommittedRange(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (shorter.empty()) return ::testing::AssertionFailure() << "an empty ledger";
  if (longer.compare(0, shorter.size(), shorter) != 0) {
    return ::testing::AssertionFailure() << "ledgers differ within the committed range";
  }
  return ::testing::AssertionSuccess() << "equal for " << shorter.size() << " bytes";
}

std::string Value(int i) { return std::string(kMarker) + std::to_string(i); }

void ExpectNoPlaintext(const cluster::ProcessCluster& c, const std::string& node) {
  EXPECT_EQ(kv::testing::FilesContaining(c.data_dir(node), kMarker), std::vector<std::string>())
      << "private values reached " << node << "'s disk in plaintext";
  // Every file the node wrote is 0600 and every directory 0700 at most
  // (RocksDB's files too: the process runs with umask 077).
  EXPECT_EQ(kv::testing::EntriesOpenToOthers(c.data_dir(node)), std::vector<std::string>())
      << node << " left files or directories open to group or others";
}

TEST(ReplicationE2E, LoadSurvivesLeaderKillWithTwoRotations) {
  cluster::ProcessCluster c(Options());
  StartThreeNodes(c);
  Acked acked;
  std::string killed;
  for (int i = 0; i < 1000; ++i) {
    if (i == 300 || i == 700) {
      auto rotated = RotateWithFailover(c, acked);
      ASSERT_TRUE(rotated) << rotated.error().ToString();
    }
    if (i == 500) {  // mid-load: the leader dies without warning
      auto leader = c.LeaderId();
      ASSERT_TRUE(leader) << leader.error().ToString();
      killed = *leader;
      c.Kill(killed);
    }
    auto put = PutWithFailover(c, kTable, "k" + std::to_string(i), Value(i), acked);
    ASSERT_TRUE(put) << "tx " << i << ": " << put.error().ToString();
  }
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  const auto live = c.running();
  ASSERT_EQ(live.size(), 2u);
  for (const auto& node : live) {
    auto verified = VerifyAcked(c, node, kTable, acked);
    EXPECT_TRUE(verified) << verified.error().ToString();
  }
  // Same bytes for the committed range: once the live nodes are level their
  // files are equal; the killed leader's ledger is a prefix of theirs.
  ASSERT_TRUE(WaitLevel(c, live));
  const std::string a = LedgerBytes(c.data_dir(live[0])), b = LedgerBytes(c.data_dir(live[1]));
  EXPECT_TRUE(SameCommittedRange(a, b));
  const std::string dead = LedgerBytes(c.data_dir(killed));
  EXPECT_GT(dead.size(), 0u);
  EXPECT_EQ(a.compare(0, dead.size(), dead), 0) << "the killed leader's ledger diverges";
  for (const char* node : {"n1", "n2", "n3"}) ExpectNoPlaintext(c, node);
}

TEST(ReplicationE2E, KillAllThenRecoverFromLedgerAndJoinANewNode) {
  cluster::ProcessCluster c(Options());
  StartThreeNodes(c);
  Acked acked;
  for (int i = 0; i < 200; ++i) {
    if (i == 100) {
      ASSERT_TRUE(RotateWithFailover(c, acked));
    }
    ASSERT_TRUE(PutWithFailover(c, kTable, "k" + std::to_string(i), Value(i), acked));
  }
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  auto before = c.Client("n2").GetStatus();
  ASSERT_TRUE(before);
  c.KillAll();

  auto recovered = c.StartRecovery("n2");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto after = c.Client("n2").GetStatus();
  ASSERT_TRUE(after);
  EXPECT_NE(after->service_id(), before->service_id()) << "recovery starts a new service";
  EXPECT_GT(after->ledger_secret_version(), before->ledger_secret_version());
  auto verified = VerifyAcked(c, "n2", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();

  auto joined = c.StartJoiner("n4", "n2");
  ASSERT_TRUE(joined) << joined.error().ToString();
  ASSERT_TRUE(PutWithFailover(c, kTable, "after-recovery", Value(9999), acked));
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  verified = VerifyAcked(c, "n4", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  ASSERT_TRUE(WaitLevel(c, {"n2", "n4"}));
  EXPECT_TRUE(SameCommittedRange(LedgerBytes(c.data_dir("n2")), LedgerBytes(c.data_dir("n4"))));
  for (const char* node : {"n1", "n2", "n3", "n4"}) ExpectNoPlaintext(c, node);
}

TEST(ReplicationE2E, ANodeDoesNotRestartAsItselfAndSaysWhy) {
  cluster::ProcessCluster c(Options());
  ASSERT_TRUE(c.StartGenesis("n1"));
  c.Kill("n1");
  auto again = c.StartGenesis("n1");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("--recover"), std::string::npos) << again.error().message;
}

// Retiring waits for the retired node to apply its retirement, but not for
// a node that is gone: a dead node is retired at once, and the service goes
// on with the other two voters.
TEST(ReplicationE2E, RetiringADeadNodeDoesNotWaitForIt) {
  cluster::ProcessCluster c(Options());
  StartThreeNodes(c);
  auto n3 = c.Client("n3").GetStatus();
  ASSERT_TRUE(n3);
  c.Kill("n3");
  const auto start = std::chrono::steady_clock::now();
  auto retired = c.Client("n1").Retire("n3");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(retired) << retired.error().ToString();
  EXPECT_LT(elapsed, std::chrono::seconds(3)) << "waited for a node that is down";
  auto put = c.Client("n2").Put([] {
    rpc::v1::PutRequest put;
    auto* w = put.add_writes();
    w->set_table(kTable);
    w->set_key("after-retire");
    w->set_value("v");
    return put;
  }());
  ASSERT_TRUE(put) << put.error().ToString();
  // The published voters lag Raft by up to one loop iteration.
  std::vector<uint64_t> voters;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto status = c.Client("n1").GetStatus();
    ASSERT_TRUE(status);
    voters.assign(status->voter_raft_ids().begin(), status->voter_raft_ids().end());
    if (voters.size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(voters.size(), 2u);
  EXPECT_EQ(std::count(voters.begin(), voters.end(), n3->raft_id()), 0);
}

}  // namespace
}  // namespace ledgerseal::e2e
