// The reference host under load (real `ledgerseal node` processes on
// loopback): rotations and membership changes take their turn in the
// primary's commit queue among client writes, so none fails with ABORTED
// and none needs a retry by the client. Prints the rotation latencies idle
// and under load (BENCHMARKS.md, "Rotation latency under load").
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/e2e/e2e_util.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace ledgerseal::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTable[] = "app.private";
constexpr int kWriters = 2;
constexpr int kRotations = 20;

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Rotates kRotations times at the leader with no retry; every one must
// succeed. Returns the latencies in ms.
std::vector<double> RotateAll(cluster::ProcessCluster& c, std::vector<std::string>& failures) {
  std::vector<double> ms;
  for (int i = 0; i < kRotations; ++i) {
    const auto start = Clock::now();
    auto rotated = c.Client("n1").Rotate();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!rotated) failures.push_back("rotation " + std::to_string(i) + ": " + rotated.error().ToString());
  }
  return ms;
}

TEST(LoadE2E, RotationsTrustAndRetireSucceedWhileTwoClientsWrite) {
  cluster::ProcessCluster c(TestClusterOptions());
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  // Admitted before the load (a join under load is a separate case).
  auto joined = c.StartJoiner("n4", "n1");
  ASSERT_TRUE(joined) << joined.error().ToString() << "\n" << c.LogTail("n4");

  std::vector<std::string> failures;
  const std::vector<double> idle = RotateAll(c, failures);

  cluster::Writers writers(c.node("n1").config.rpc_address, kTable, kWriters);
  for (int i = 0; i < 500 && writers.acked() < 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(writers.acked(), 50u) << "the writers are not writing";
  const size_t before = writers.acked();
  const std::vector<double> loaded = RotateAll(c, failures);
  auto trusted = c.Client("n1").Trust("n4");
  if (!trusted) failures.push_back("trust: " + trusted.error().ToString());
  auto retired = c.Client("n1").Retire("n4");
  if (!retired) failures.push_back("retire: " + retired.error().ToString());
  const size_t during = writers.acked() - before;
  writers.Stop();

  EXPECT_EQ(failures, std::vector<std::string>()) << "every rotation and membership change succeeds at once";
  EXPECT_EQ(writers.errors(), std::vector<std::string>()) << "no write fails either";
  EXPECT_GT(during, 20u) << "the writers kept writing while the changes committed";
  for (const char* node : {"n1", "n2", "n3"}) {
    auto verified = VerifyAcked(c, node, kTable, writers.all_acked());
    EXPECT_TRUE(verified) << node << ": " << verified.error().ToString();
  }
  std::printf("rotation latency, %d rotations each: idle median %.1f ms p99 %.1f ms; with %d writers "
              "median %.1f ms p99 %.1f ms (%zu writes acknowledged meanwhile)\n",
              kRotations, Percentile(idle, 0.5), Percentile(idle, 0.99), kWriters, Percentile(loaded, 0.5),
              Percentile(loaded, 0.99), during);
}

cluster::ClusterOptions CompactingOptions() {
  cluster::ClusterOptions o = TestClusterOptions();
  // Snapshots every 64 entries, 128 kept after each (RaftNodeOptions): a
  // node ~200 entries behind can only be caught up with a snapshot.
  o.raft.snapshot_threshold = 64;
  return o;
}

// Every version from 1 to the end, once, in order, in the node's ledger.
::testing::AssertionResult LedgerFromVersionOne(cluster::ProcessCluster& c, const std::string& node) {
  auto view = kv::ledger::LedgerView::Open(c.data_dir(node) / "ledger");
  if (!view) return ::testing::AssertionFailure() << node << ": " << view.error().ToString();
  auto first = (*view)->first_version();
  if (!first) return ::testing::AssertionFailure() << node << ": " << first.error().ToString();
  if (*first != 1) return ::testing::AssertionFailure() << node << "'s ledger starts at version " << *first;
  kv::Version expected = 1;
  auto walked = (*view)->ForEach(1, [&](kv::Version v, kv::ByteView) { return v == expected++; });
  if (!walked) return ::testing::AssertionFailure() << node << ": " << walked.error().ToString();
  if (expected != (*view)->last_version() + 1) {
    return ::testing::AssertionFailure() << node << "'s ledger has a gap before version " << expected - 1;
  }
  for (const auto& e : std::filesystem::directory_iterator(c.data_dir(node))) {
    if (e.path().filename().string().starts_with("ledger.before-snapshot")) {
      return ::testing::AssertionFailure() << node << "'s ledger was moved aside: " << e.path();
    }
  }
  return ::testing::AssertionSuccess() << node << ": versions 1-" << (*view)->last_version();
}

// "node:healthy" or "node:<first word of the problem>" for each voter.
std::string VoterHealth(const rpc::v1::StatusResponse& status) {
  std::string out;
  for (const auto& v : status.voters()) {
    out += (out.empty() ? "" : " ") + v.node_id() + ":" +
           (v.healthy() ? std::string("healthy") : v.problem().substr(0, v.problem().find(':')));
  }
  return out;
}

bool LogSays(cluster::ProcessCluster& c, const std::string& node, const std::string& text) {
  return c.LogTail(node, 100'000).find(text) != std::string::npos;
}

// Kills every node, recovers the service from `node`'s ledger alone and
// reads back every acknowledged write there.
void ExpectRecoversEverythingFrom(cluster::ProcessCluster& c, const std::string& node, const Acked& acked) {
  c.KillAll();
  auto recovered = c.StartRecovery(node);
  ASSERT_TRUE(recovered) << recovered.error().ToString() << "\n" << c.LogTail(node);
  auto verified = VerifyAcked(c, node, kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

// Issue 12: a follower paused (SIGSTOP) across a rotation and a log
// compaction resumes, learns the rotated secret, stays a voter, and its
// ledger, whole from version 1, recovers the service.
TEST(LoadE2E, AFollowerPausedAcrossARotationAndACompactionCatchesUpAndItsLedgerRecovers) {
  cluster::ProcessCluster c(CompactingOptions());
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  Acked acked;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(PutWithFailover(c, kTable, "before-" + std::to_string(i), "v", acked));
  ASSERT_TRUE(c.WaitApplied(acked.max_version));

  c.Pause("n3");
  auto rotated = c.Client("n1").Rotate();
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  acked.max_version = std::max(acked.max_version, rotated->version());
  {
    // Enough bytes to fill the sockets to the paused node, so that Raft's
    // transport drops what it cannot send (canonical raft keeps a few
    // pending messages per peer): the leader then finds the node behind
    // its compacted log and sends a snapshot when it wakes.
    cluster::Writers writers(c.node("n1").config.rpc_address, kTable, kWriters, 4096);
    for (int i = 0; i < 6000 && writers.acked() < 2500; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // The service runs on two of three voters; status says so.
    auto paused = c.Client("n1").GetStatus(/*include_voters=*/true);
    ASSERT_TRUE(paused) << paused.error().ToString();
    EXPECT_EQ(VoterHealth(*paused), "n1:healthy n2:healthy n3:unreachable");
    c.Resume("n3");
    writers.Stop();
    EXPECT_EQ(writers.errors(), std::vector<std::string>());
    ASSERT_GE(writers.all_acked().values.size(), 2500u);
    for (const auto& [key, value] : writers.all_acked().values) acked.values[key] = value;
    acked.max_version = std::max(acked.max_version, writers.all_acked().max_version);
  }
  auto caught_up = c.WaitApplied(acked.max_version, 60'000);
  ASSERT_TRUE(caught_up) << caught_up.error().ToString() << "\n" << c.LogTail("n3");
  // On loopback the leader's stream to the paused node is buffered whole,
  // so n3 usually catches up from it; a snapshot sent meanwhile is handled
  // as in the join test below.
  std::printf("paused follower: %s\n", LogSays(c, "n3", "a raft snapshot is ahead") ? "was sent a snapshot"
                                                                                    : "caught up from the log");
  auto status = c.Client("n3").GetStatus();
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->ledger_secret_version(), rotated->ledger_secret_version()) << "n3 learnt the rotated secret";
  const auto voters = status->voter_raft_ids();
  EXPECT_NE(std::find(voters.begin(), voters.end(), status->raft_id()), voters.end()) << "n3 is still a voter";
  // It takes part again: a write acknowledged now is on it too.
  ASSERT_TRUE(PutWithFailover(c, kTable, "after", "v", acked));
  ASSERT_TRUE(c.WaitApplied(acked.max_version));
  auto resumed = c.Client("n1").GetStatus(/*include_voters=*/true);
  ASSERT_TRUE(resumed) << resumed.error().ToString();
  EXPECT_EQ(VoterHealth(*resumed), "n1:healthy n2:healthy n3:healthy");
  EXPECT_TRUE(LedgerFromVersionOne(c, "n3"));
  EXPECT_EQ(c.running().size(), 3u);
  ExpectRecoversEverythingFrom(c, "n3", acked);
}

// Issue 12: a node that joins while clients write and the secret rotates
// is sent a snapshot (the leader compacts during the join) under a secret
// rotated after it joined. It used to move its ledger aside and start it
// after the snapshot, or exit ("ledger secret N is not known"). It now
// fetches the entries in between from its peers (learning the rotated
// secrets from them): its ledger starts at version 1 and recovers every
// acknowledged write.
TEST(LoadE2E, ANodeThatJoinsWhileClientsWriteAndTheSecretRotatesKeepsALedgerThatRecoversEverything) {
  cluster::ProcessCluster c(CompactingOptions());
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  cluster::Writers writers(c.node("n1").config.rpc_address, kTable, kWriters);
  std::atomic<bool> stop_rotating{false};
  std::vector<std::string> rotation_failures;
  uint64_t rotations = 0;
  std::thread rotator([&] {
    rpc::RpcClient client(c.node("n1").config.rpc_address);
    while (!stop_rotating) {
      auto rotated = client.Rotate();
      if (rotated) ++rotations;
      else rotation_failures.push_back(rotated.error().ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (int i = 0; i < 1000 && writers.acked() < 300; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto join_start = Clock::now();
  auto joined = c.StartJoiner("n4", "n1");
  ASSERT_TRUE(joined) << joined.error().ToString() << "\n" << c.LogTail("n4");
  auto trusted = c.Client("n1").Trust("n4");
  ASSERT_TRUE(trusted) << trusted.error().ToString();
  const double join_ms = std::chrono::duration<double, std::milli>(Clock::now() - join_start).count();
  const size_t before = writers.acked();
  for (int i = 0; i < 1000 && writers.acked() < before + 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  writers.Stop();
  stop_rotating = true;
  rotator.join();
  EXPECT_EQ(writers.errors(), std::vector<std::string>());
  EXPECT_EQ(rotation_failures, std::vector<std::string>());
  EXPECT_GT(rotations, 3u);
  ASSERT_TRUE(c.WaitApplied(writers.all_acked().max_version, 60'000)) << c.LogTail("n4");
  EXPECT_EQ(c.running().size(), 4u) << c.LogTail("n4");
  std::printf("join under load: %.0f ms from start to trusted (%zu writes and %llu rotations acknowledged in "
              "all; n4 %s)\n",
              join_ms, writers.all_acked().values.size(), static_cast<unsigned long long>(rotations),
              LogSays(c, "n4", "a raft snapshot is ahead") ? "was sent a snapshot" : "caught up from the log");
  EXPECT_TRUE(LedgerFromVersionOne(c, "n4"));
  ExpectRecoversEverythingFrom(c, "n4", writers.all_acked());
}

}  // namespace
}  // namespace ledgerseal::e2e
