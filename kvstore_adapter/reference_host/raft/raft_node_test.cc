// RaftNodes over real TCP on 127.0.0.1 (raft_uv + libuv), in one process.
#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/raft/testing/cluster.h"
#include "kvstore_adapter/reference_host/raft/testing/recording_state_machine.h"

namespace ledgerseal::replication {
namespace {

using namespace std::chrono_literals;
using testing::Await;
using testing::ClusterTiming;
using testing::RecordingStateMachine;
using testing::TcpCluster;
using testing::WaitUntil;

constexpr auto kElectionBudget = 5s;  // first election, cold start
constexpr auto kFailoverBudget = 3s;  // brief: "a new leader within ~2 s"
constexpr auto kCatchUpBudget = 10s;

using ::ledgerseal::testing::TestDir;

kv::Bytes Cmd(const std::string& s) { return kv::ToBytes(s); }

// Proposes `count` commands "<prefix><i>" and returns their futures.
std::vector<std::future<kv::Result<kv::Bytes>>> ProposeMany(RaftNode* node,
                                                            const std::string& prefix,
                                                            int count) {
  std::vector<std::future<kv::Result<kv::Bytes>>> futures;
  for (int i = 0; i < count; ++i) futures.push_back(node->Propose(Cmd(prefix + std::to_string(i))));
  return futures;
}

// All futures succeed; returns the positions the state machine reported.
std::vector<uint64_t> ExpectAllApplied(std::vector<std::future<kv::Result<kv::Bytes>>>& fs) {
  std::vector<uint64_t> positions;
  for (auto& f : fs) {
    auto outcome = Await(f);
    EXPECT_TRUE(outcome.has_value()) << "future did not resolve";
    if (!outcome) continue;
    EXPECT_TRUE(*outcome) << outcome->error().ToString();
    if (*outcome) positions.push_back(RecordingStateMachine::DecodePosition(**outcome));
  }
  return positions;
}

void ExpectSameCommands(TcpCluster& c, std::vector<RaftId> ids, uint64_t n) {
  for (RaftId id : ids) {
    ASSERT_TRUE(c.sm(id).WaitForSize(n, kCatchUpBudget)) << "n" << id << " has " << c.sm(id).size();
  }
  for (RaftId id : ids) {
    EXPECT_EQ(c.sm(id).commands(), c.sm(ids.front()).commands()) << "n" << id;
    EXPECT_EQ(c.sm(id).size(), n) << "n" << id;
  }
}

TEST(RaftNodeTest, RejectsInvalidOptions) {
  RecordingStateMachine sm;
  RaftNodeOptions base;
  base.id = 1;
  base.address = "127.0.0.1:1";
  base.dir = TestDir();

  RaftNodeOptions o = base;
  o.id = 0;
  EXPECT_EQ(RaftNode::Start(o, &sm).error().code, kv::ErrorCode::kInvalidArgument);
  o = base;
  o.election_timeout_ms = o.heartbeat_timeout_ms;
  EXPECT_EQ(RaftNode::Start(o, &sm).error().code, kv::ErrorCode::kInvalidArgument);
  o = base;
  o.bootstrap = std::vector<Member>{{2, "127.0.0.1:2"}};  // does not list itself
  EXPECT_EQ(RaftNode::Start(o, &sm).error().code, kv::ErrorCode::kInvalidArgument);
  o = base;
  o.bootstrap = std::vector<Member>{{1, "127.0.0.1:1"}, {1, "127.0.0.1:3"}};
  EXPECT_EQ(RaftNode::Start(o, &sm).error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_EQ(RaftNode::Start(base, nullptr).error().code, kv::ErrorCode::kInvalidArgument);
}

TEST(RaftNodeTest, StartFailsCleanlyWhenTheAddressIsTaken) {
  const auto dir = TestDir();
  TcpCluster c(dir);
  ASSERT_TRUE(c.StartBootstrapped(1));
  RecordingStateMachine sm;
  RaftNodeOptions o;
  o.id = 2;
  o.address = c.address(1);  // already listening
  o.dir = dir / "second";
  auto second = RaftNode::Start(o, &sm);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, kv::ErrorCode::kIoError) << second.error().ToString();
}

TEST(RaftNodeTest, ReplicatesFailsOverAndRestartedNodeCatchesUp) {
  TcpCluster c(TestDir());
  ASSERT_TRUE(c.StartBootstrapped(3));
  const RaftId leader = c.WaitForLeader(kElectionBudget);
  ASSERT_NE(leader, 0u);
  const RaftId follower = leader % 3 + 1;
  ASSERT_TRUE(WaitUntil([&] { return c.node(follower)->Leader().has_value(); }, 5s));
  EXPECT_EQ(c.node(follower)->Leader(), (LeaderInfo{leader, c.address(leader)}));
  EXPECT_FALSE(c.node(follower)->IsLeader());

  // 200 proposals to a follower: refused, naming the leader.
  auto refused = ProposeMany(c.node(follower), "f", 200);
  const std::string named =
      "leader: id=" + std::to_string(leader) + " address=" + c.address(leader);
  for (auto& f : refused) {
    auto outcome = Await(f);
    ASSERT_TRUE(outcome && !*outcome);
    EXPECT_EQ((*outcome).error().code, kv::ErrorCode::kNotPrimary);
    EXPECT_NE((*outcome).error().message.find(named), std::string::npos)
        << (*outcome).error().message;
  }

  // 200 proposals to the leader: applied in order, everywhere.
  auto accepted = ProposeMany(c.node(leader), "c", 200);
  const auto positions = ExpectAllApplied(accepted);
  ASSERT_EQ(positions.size(), 200u);
  for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], i + 1);
  ExpectSameCommands(c, {1, 2, 3}, 200);
  EXPECT_GE(c.node(leader)->last_applied(), 200u);

  // Fail-over.
  const RaftTerm old_term = c.node(leader)->term();
  const auto stopped_at = std::chrono::steady_clock::now();
  c.Stop(leader);
  const RaftId next = c.WaitForLeader(kFailoverBudget, leader);
  ASSERT_NE(next, 0u) << "no new leader within the fail-over budget";
  const auto failover_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - stopped_at);
  RecordProperty("failover_ms", static_cast<int>(failover_ms.count()));
  EXPECT_GT(c.node(next)->term(), old_term);

  auto more = ProposeMany(c.node(next), "d", 50);
  EXPECT_EQ(ExpectAllApplied(more).size(), 50u);
  const RaftId survivor = 6 - leader - next;
  ExpectSameCommands(c, {next, survivor}, 250);

  // The stopped node restarts on its dir (fresh state machine) and catches up
  // from its persisted log plus replication.
  ASSERT_TRUE(c.Restart(leader));
  ExpectSameCommands(c, {1, 2, 3}, 250);
  EXPECT_FALSE(c.node(leader)->IsLeader() && c.node(next)->IsLeader());
}

TEST(RaftNodeTest, AddsAndRemovesAVoter) {
  TcpCluster c(TestDir());
  ASSERT_TRUE(c.StartBootstrapped(3));
  const RaftId leader = c.WaitForLeader(kElectionBudget);
  ASSERT_NE(leader, 0u);
  auto first = ProposeMany(c.node(leader), "a", 20);
  EXPECT_EQ(ExpectAllApplied(first).size(), 20u);

  ASSERT_TRUE(c.StartJoiner(4));
  auto orphan = c.node(4)->Propose(Cmd("x"));
  auto orphan_outcome = Await(orphan);
  ASSERT_TRUE(orphan_outcome && !*orphan_outcome);
  EXPECT_EQ((*orphan_outcome).error().code, kv::ErrorCode::kNotPrimary);

  auto added = c.node(leader)->AddVoter(4, c.address(4));
  auto added_status = Await(added, 20s);
  ASSERT_TRUE(added_status.has_value());
  ASSERT_TRUE(*added_status) << added_status->error().ToString();
  // The published voters lag raft by up to one loop iteration.
  EXPECT_TRUE(WaitUntil([&] { return c.node(leader)->Voters() == std::vector<RaftId>{1, 2, 3, 4}; }, 5s));
  auto second = ProposeMany(c.node(leader), "b", 10);
  EXPECT_EQ(ExpectAllApplied(second).size(), 10u);
  ExpectSameCommands(c, {1, 2, 3, 4}, 30);

  auto again = c.node(leader)->AddVoter(4, c.address(4));  // idempotent
  auto again_status = Await(again);
  ASSERT_TRUE(again_status && *again_status);
  auto clash = c.node(leader)->AddVoter(4, "127.0.0.1:1");
  auto clash_status = Await(clash);
  ASSERT_TRUE(clash_status && !*clash_status);
  EXPECT_EQ(clash_status->error().code, kv::ErrorCode::kInvalidArgument);

  auto removed = c.node(leader)->Remove(4);
  auto removed_status = Await(removed);
  ASSERT_TRUE(removed_status.has_value());
  ASSERT_TRUE(*removed_status) << removed_status->error().ToString();
  EXPECT_TRUE(WaitUntil([&] { return c.node(leader)->Voters() == std::vector<RaftId>{1, 2, 3}; }, 5s));
  auto third = ProposeMany(c.node(leader), "c", 5);
  EXPECT_EQ(ExpectAllApplied(third).size(), 5u);
  ExpectSameCommands(c, {1, 2, 3}, 35);
  EXPECT_EQ(c.sm(4).size(), 30u);  // no longer replicated to
  c.Stop(4);
}

TEST(RaftNodeTest, TransfersLeadership) {
  TcpCluster c(TestDir());
  ASSERT_TRUE(c.StartBootstrapped(3));
  const RaftId leader = c.WaitForLeader(kElectionBudget);
  ASSERT_NE(leader, 0u);
  const RaftId target = leader % 3 + 1;
  auto warmup = ProposeMany(c.node(leader), "w", 5);
  EXPECT_EQ(ExpectAllApplied(warmup).size(), 5u);

  auto transferred = c.node(leader)->TransferLeadership(target);
  auto status = Await(transferred);
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(*status) << status->error().ToString();
  ASSERT_EQ(c.WaitForLeader(kFailoverBudget, leader), target);
  auto after = ProposeMany(c.node(target), "t", 5);
  EXPECT_EQ(ExpectAllApplied(after).size(), 5u);
  ExpectSameCommands(c, {1, 2, 3}, 10);

  auto refused = c.node(leader)->TransferLeadership(target);  // no longer leader
  auto refused_status = Await(refused);
  ASSERT_TRUE(refused_status && !*refused_status);
  EXPECT_EQ(refused_status->error().code, kv::ErrorCode::kNotPrimary);
}

// Proposals race with Stop: every future resolves (applied, or kUnavailable /
// kAborted), nothing hangs or crashes, and later calls fail at once.
TEST(RaftNodeTest, ProposeWhileStoppingResolvesEveryFuture) {
  TcpCluster c(TestDir());
  ASSERT_TRUE(c.StartBootstrapped(3));
  const RaftId leader = c.WaitForLeader(kElectionBudget);
  ASSERT_NE(leader, 0u);
  RaftNode* node = c.node(leader);

  std::mutex mu;
  std::vector<std::future<kv::Result<kv::Bytes>>> futures;
  std::atomic<bool> stop_returned{false};
  std::atomic<int> submitted{0};
  std::thread producer([&] {
    for (int i = 0; i < 100'000; ++i) {
      const bool last = stop_returned.load();
      auto f = node->Propose(Cmd("p" + std::to_string(i)));
      {
        std::lock_guard lock(mu);
        futures.push_back(std::move(f));
      }
      submitted.fetch_add(1);
      if (last) return;  // one proposal after Stop returned
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return submitted.load() >= 200; }, 5s));
  node->Stop();
  stop_returned = true;
  producer.join();
  node->Stop();  // idempotent

  int applied = 0, unavailable = 0, aborted = 0;
  for (auto& f : futures) {
    auto outcome = Await(f, 5s);
    ASSERT_TRUE(outcome.has_value()) << "a future hung";
    if (*outcome) {
      ++applied;
    } else if (outcome->error().code == kv::ErrorCode::kUnavailable) {
      ++unavailable;
    } else {
      EXPECT_EQ(outcome->error().code, kv::ErrorCode::kAborted) << outcome->error().ToString();
      ++aborted;
    }
  }
  RecordProperty("applied", applied);
  RecordProperty("unavailable", unavailable);
  EXPECT_GE(unavailable, 1);  // at least the one after Stop
  auto late = node->Barrier();
  auto late_status = Await(late, 1s);
  ASSERT_TRUE(late_status && !*late_status);
  EXPECT_EQ(late_status->error().code, kv::ErrorCode::kUnavailable);
  EXPECT_FALSE(node->IsLeader());
  EXPECT_FALSE(node->ready_for_reads());
}

TEST(RaftNodeTest, SnapshotsAreTakenRestoredAndInstalled) {
  TcpCluster c(TestDir(), ClusterTiming{.snapshot_threshold = 16, .snapshot_trailing = 4});
  ASSERT_TRUE(c.StartBootstrapped(3));
  const RaftId leader = c.WaitForLeader(kElectionBudget);
  ASSERT_NE(leader, 0u);
  const RaftId behind = leader % 3 + 1;
  const RaftId other = 6 - leader - behind;
  auto first = ProposeMany(c.node(leader), "a", 3);
  EXPECT_EQ(ExpectAllApplied(first).size(), 3u);
  ExpectSameCommands(c, {1, 2, 3}, 3);

  c.Stop(behind);
  auto bulk = ProposeMany(c.node(leader), "b", 100);
  EXPECT_EQ(ExpectAllApplied(bulk).size(), 100u);
  // raft starts a snapshot only once the previous one is stored and the log
  // truncated behind it: a second snapshot proves the leader's log no longer
  // reaches back to `behind`. Snapshots follow applies, so keep proposing.
  for (int batch = 0; batch < 10 && c.sm(leader).snapshots() < 2; ++batch) {
    auto more = ProposeMany(c.node(leader), "m" + std::to_string(batch) + "-", 16);
    EXPECT_EQ(ExpectAllApplied(more).size(), 16u);
  }
  ASSERT_GE(c.sm(leader).snapshots(), 2u);
  const uint64_t total = c.sm(leader).size();
  ExpectSameCommands(c, {leader, other}, total);

  // Far behind: the leader's log no longer reaches back; it sends a snapshot.
  ASSERT_TRUE(c.Restart(behind));
  ExpectSameCommands(c, {1, 2, 3}, total);
  EXPECT_GE(c.sm(behind).restores(), 1u);

  // A node restarting on its own snapshots restores the newest one first.
  c.Stop(other);
  ASSERT_TRUE(c.Restart(other));
  ExpectSameCommands(c, {1, 2, 3}, total);
  EXPECT_GE(c.sm(other).restores(), 1u);
}

TEST(RaftNodeTest, FatalStateMachineErrorStopsTheNode) {
  TcpCluster c(TestDir());
  ASSERT_TRUE(c.StartBootstrapped(1));
  ASSERT_EQ(c.WaitForLeader(kElectionBudget), 1u);
  RaftNode* node = c.node(1);
  c.sm(1).FailAtPosition(3);
  auto ok = ProposeMany(node, "ok", 2);
  EXPECT_EQ(ExpectAllApplied(ok).size(), 2u);

  auto failing = node->Propose(Cmd("boom"));
  auto outcome = Await(failing);
  ASSERT_TRUE(outcome && !*outcome);
  EXPECT_EQ((*outcome).error().code, kv::ErrorCode::kIoError) << (*outcome).error().ToString();
  ASSERT_TRUE(WaitUntil([&] { return node->fatal_error().has_value(); }, 5s));
  EXPECT_EQ(node->fatal_error()->code, kv::ErrorCode::kIoError);
  EXPECT_FALSE(node->IsLeader());

  auto after = node->Propose(Cmd("after"));
  auto after_outcome = Await(after, 1s);
  ASSERT_TRUE(after_outcome && !*after_outcome);
  EXPECT_EQ((*after_outcome).error().code, kv::ErrorCode::kUnavailable);
  EXPECT_EQ(c.sm(1).size(), 2u);
  node->Stop();
}

// A snapshot the state machine cannot restore stops the start, with the state
// machine's error (a half-restored state must never apply later entries).
TEST(RaftNodeTest, StartFailsWhenTheSnapshotCannotBeRestored) {
  const auto dir = TestDir() / "n1";
  std::filesystem::remove_all(dir);
  RaftNodeOptions o;
  o.id = 1;
  o.address = "127.0.0.1:" + std::to_string(testing::FreePort());
  o.dir = dir;
  o.bootstrap = std::vector<Member>{{1, o.address}};
  o.election_timeout_ms = 300;
  o.heartbeat_timeout_ms = 50;
  o.snapshot_threshold = 8;
  o.snapshot_trailing = 2;
  {
    RecordingStateMachine sm;
    auto node = RaftNode::Start(o, &sm);
    ASSERT_TRUE(node) << node.error().ToString();
    ASSERT_TRUE(WaitUntil([&] { return (*node)->ready_for_reads(); }, kElectionBudget));
    auto futures = ProposeMany(node->get(), "s", 20);
    EXPECT_EQ(ExpectAllApplied(futures).size(), 20u);
  }
  RecordingStateMachine broken;
  broken.FailRestores();
  auto restarted = RaftNode::Start(o, &broken);
  ASSERT_FALSE(restarted);
  EXPECT_EQ(restarted.error().code, kv::ErrorCode::kCorruption) << restarted.error().ToString();
  EXPECT_NE(restarted.error().message.find("injected restore failure"), std::string::npos);

  RecordingStateMachine healthy;  // the dir is intact: a good state machine starts
  auto again = RaftNode::Start(o, &healthy);
  ASSERT_TRUE(again) << again.error().ToString();
  ASSERT_TRUE(WaitUntil([&] { return (*again)->ready_for_reads(); }, kElectionBudget));
  EXPECT_EQ(healthy.size(), 20u);
  EXPECT_GE(healthy.restores(), 1u);
}

}  // namespace
}  // namespace ledgerseal::replication
