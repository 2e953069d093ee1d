// Deterministic fault tests on raft_fixture (in-memory I/O, simulated time),
// driving the production FsmAdapter and RequestRegistry over a real (trivial)
// state machine. Every step_until* call is bounded in simulated time.
#include <gtest/gtest.h>

extern "C" {
#include <raft/fixture.h>
}

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"
#include "kvstore_adapter/reference_host/raft/one_shot.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/requests.h"
#include "kvstore_adapter/reference_host/raft/testing/recording_state_machine.h"

namespace ledgerseal::replication {
namespace {

using testing::RecordingStateMachine;
using Outcome = std::future<kv::Result<kv::Bytes>>;

constexpr unsigned kMaxSimMs = 20'000;  // bound of every step_until*, simulated ms

template <typename T>
bool IsReady(const std::future<T>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

bool StopTrampoline(struct raft_fixture*, void* arg) {
  return (*static_cast<std::function<bool()>*>(arg))();
}

bool IsPrefix(const std::vector<std::string>& prefix, const std::vector<std::string>& whole) {
  return prefix.size() <= whole.size() && std::equal(prefix.begin(), prefix.end(), whole.begin());
}

struct FixtureOptions {
  unsigned n = 3;
  unsigned snapshot_threshold = 1024;
  unsigned snapshot_trailing = 128;
};

// N servers, each a RecordingStateMachine behind its own FsmAdapter and
// RequestRegistry. Server i has raft id i + 1.
class FixtureCluster {
 public:
  explicit FixtureCluster(FixtureOptions options = {}) : n_(options.n) {
    EXPECT_EQ(raft_fixture_initialize(&f_), 0);
    for (unsigned i = 0; i < n_; ++i) {
      sms_.push_back(std::make_unique<RecordingStateMachine>());
      adapters_.push_back(std::make_unique<FsmAdapter>(sms_.back().get()));
      adapters_.back()->set_on_fatal([this, i](const kv::Error&) { ++fatal_calls_[i]; });
      EXPECT_EQ(raft_fixture_grow(&f_, adapters_.back()->fsm()), 0);
      struct raft* r = raft_fixture_get(&f_, i);
      raft_set_snapshot_threshold(r, options.snapshot_threshold);
      raft_set_snapshot_trailing(r, options.snapshot_trailing);
      registries_.push_back(std::make_unique<RequestRegistry>(r, adapters_.back().get()));
    }
    fatal_calls_.assign(n_, 0);
    struct raft_configuration conf;
    EXPECT_EQ(raft_fixture_configuration(&f_, n_, &conf), 0);
    EXPECT_EQ(raft_fixture_bootstrap(&f_, &conf), 0);
    raft_configuration_close(&conf);
    EXPECT_EQ(raft_fixture_start(&f_), 0);
  }

  // raft_close (inside raft_fixture_close) calls back pending requests, so the
  // registries and adapters are destroyed after it.
  ~FixtureCluster() { raft_fixture_close(&f_); }

  struct raft* raft(unsigned i) { return raft_fixture_get(&f_, i); }
  RecordingStateMachine& sm(unsigned i) { return *sms_[i]; }
  FsmAdapter& adapter(unsigned i) { return *adapters_[i]; }
  int fatal_calls(unsigned i) const { return fatal_calls_[i]; }
  struct raft_fixture* fixture() { return &f_; }

  unsigned ElectLeader() {
    EXPECT_TRUE(raft_fixture_step_until_has_leader(&f_, kMaxSimMs));
    return raft_fixture_leader_index(&f_);
  }

  Outcome Propose(unsigned i, std::string_view command) {
    OneShot<kv::Result<kv::Bytes>> shot(
        kv::Error{kv::ErrorCode::kInternal, "request dropped without completion"});
    Outcome outcome = shot.future();
    registries_[i]->Apply(kv::AsBytes(command), [shot = std::move(shot)](auto r) mutable {
      shot.Resolve(std::move(r));
    });
    return outcome;
  }

  bool StepUntil(std::function<bool()> stop, unsigned max_sim_ms = kMaxSimMs) {
    if (stop()) return true;
    return raft_fixture_step_until(&f_, &StopTrampoline, &stop, max_sim_ms);
  }

  template <typename T>
  bool StepUntilReady(const std::future<T>& f) {
    return StepUntil([&] { return IsReady(f); });
  }

  // Steps until server i has applied index `index`.
  bool StepUntilApplied(unsigned i, raft_index index) {
    return raft_fixture_step_until_applied(&f_, i, index, kMaxSimMs);
  }

  void Isolate(unsigned i) {
    for (unsigned j = 0; j < n_; ++j) {
      if (j == i) continue;
      raft_fixture_disconnect(&f_, i, j);
      raft_fixture_disconnect(&f_, j, i);
    }
  }
  void Disconnect(unsigned i, unsigned j) {
    raft_fixture_disconnect(&f_, i, j);
    raft_fixture_disconnect(&f_, j, i);
  }
  void ReconnectAll() {
    for (unsigned i = 0; i < n_; ++i) {
      for (unsigned j = 0; j < n_; ++j) {
        if (i != j) raft_fixture_reconnect(&f_, i, j);
      }
    }
  }

  // Every server's applied command sequence is a prefix of the longest one.
  ::testing::AssertionResult PrefixConsistent() {
    std::vector<std::string> longest;
    for (unsigned i = 0; i < n_; ++i) {
      auto c = sms_[i]->commands();
      if (c.size() > longest.size()) longest = c;
    }
    for (unsigned i = 0; i < n_; ++i) {
      if (!IsPrefix(sms_[i]->commands(), longest)) {
        return ::testing::AssertionFailure() << "server " << i << " diverged";
      }
    }
    return ::testing::AssertionSuccess();
  }

 private:
  unsigned n_;
  struct raft_fixture f_ {};
  std::vector<std::unique_ptr<RecordingStateMachine>> sms_;
  std::vector<std::unique_ptr<FsmAdapter>> adapters_;
  std::vector<std::unique_ptr<RequestRegistry>> registries_;
  std::vector<int> fatal_calls_;
};

std::vector<std::string> Strings(std::initializer_list<const char*> items) {
  return std::vector<std::string>(items.begin(), items.end());
}

uint64_t PositionOf(const kv::Result<kv::Bytes>& outcome) {
  return outcome ? RecordingStateMachine::DecodePosition(*outcome) : 0;
}

TEST(RaftFixtureTest, ElectsLeaderAndCommandsCommitOnAllNodes) {
  FixtureCluster c;
  const unsigned leader = c.ElectLeader();
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 10; ++i) outcomes.push_back(c.Propose(leader, "cmd" + std::to_string(i)));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.StepUntilReady(outcomes[i]));
    auto outcome = outcomes[i].get();
    ASSERT_TRUE(outcome) << outcome.error().ToString();
    EXPECT_EQ(PositionOf(outcome), static_cast<uint64_t>(i + 1));
  }
  const raft_index last = raft_last_index(c.raft(leader));
  for (unsigned i = 0; i < 3; ++i) ASSERT_TRUE(c.StepUntilApplied(i, last));
  for (unsigned i = 0; i < 3; ++i) {
    ASSERT_EQ(c.sm(i).size(), 10u);
    EXPECT_EQ(c.sm(i).commands(), c.sm(leader).commands());
  }

  // A follower refuses, naming the leader (raft id = index + 1).
  const unsigned follower = (leader + 1) % 3;
  auto refused = c.Propose(follower, "nope");
  ASSERT_TRUE(IsReady(refused));  // refused synchronously
  auto error = refused.get();
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, kv::ErrorCode::kNotPrimary);
  EXPECT_NE(error.error().message.find("leader: id=" + std::to_string(leader + 1)),
            std::string::npos)
      << error.error().message;
}

TEST(RaftFixtureTest, DeterministicStateMachineErrorReachesProposerAndStateStaysEqual) {
  FixtureCluster c;
  const unsigned leader = c.ElectLeader();
  auto a = c.Propose(leader, "a");
  auto rejected = c.Propose(leader, "reject:x");
  auto b = c.Propose(leader, "b");
  ASSERT_TRUE(c.StepUntilReady(b));
  ASSERT_TRUE(IsReady(a) && IsReady(rejected));
  EXPECT_EQ(PositionOf(a.get()), 1u);
  auto refused = rejected.get();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kv::ErrorCode::kAborted);
  EXPECT_EQ(PositionOf(b.get()), 2u);
  const raft_index last = raft_last_index(c.raft(leader));
  for (unsigned i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.StepUntilApplied(i, last));
    EXPECT_EQ(c.sm(i).commands(), Strings({"a", "b"}));
  }
}

TEST(RaftFixtureTest, IsolatedLeaderLosesItsUncommittedCommandAndNewLeaderLogWins) {
  FixtureCluster c;
  const unsigned old_leader = c.ElectLeader();
  auto a = c.Propose(old_leader, "a");
  ASSERT_TRUE(c.StepUntilReady(a));
  ASSERT_TRUE(a.get());

  c.Isolate(old_leader);
  auto lost = c.Propose(old_leader, "lost");  // appended on the old leader only
  unsigned new_leader = 3;
  ASSERT_TRUE(c.StepUntil([&] {
    for (unsigned i = 0; i < 3; ++i) {
      if (i != old_leader && raft_state(c.raft(i)) == RAFT_LEADER) new_leader = i;
    }
    return new_leader != 3;
  }));
  auto d = c.Propose(new_leader, "d");
  ASSERT_TRUE(c.StepUntilReady(d));
  ASSERT_TRUE(d.get());
  ASSERT_TRUE(c.StepUntilReady(lost));  // the old leader steps down
  auto lost_outcome = lost.get();
  ASSERT_FALSE(lost_outcome);
  EXPECT_EQ(lost_outcome.error().code, kv::ErrorCode::kAborted)
      << lost_outcome.error().ToString();

  c.ReconnectAll();
  const raft_index last = raft_last_index(c.raft(new_leader));
  for (unsigned i = 0; i < 3; ++i) ASSERT_TRUE(c.StepUntilApplied(i, last)) << i;
  for (unsigned i = 0; i < 3; ++i) EXPECT_EQ(c.sm(i).commands(), Strings({"a", "d"})) << i;
}

// The proposer is told kAborted ("may or may not have committed"), yet the
// command commits: it reached a follower that then won the election.
TEST(RaftFixtureTest, CommandOfDeposedLeaderMayStillCommit) {
  FixtureCluster c;
  const unsigned old_leader = c.ElectLeader();
  ASSERT_EQ(old_leader, 0u);  // fixture default: server 0 times out first
  auto a = c.Propose(0, "a");
  ASSERT_TRUE(c.StepUntilReady(a));
  ASSERT_TRUE(a.get());
  ASSERT_TRUE(c.StepUntilApplied(1, raft_last_index(c.raft(0))));

  c.Disconnect(0, 2);
  auto maybe = c.Propose(0, "maybe");
  const raft_index maybe_index = raft_last_index(c.raft(0));
  // Server 1 receives the entry; cut it off before its acknowledgement returns.
  ASSERT_TRUE(c.StepUntil([&] { return raft_last_index(c.raft(1)) >= maybe_index; }));
  c.Disconnect(0, 1);
  ASSERT_FALSE(IsReady(maybe));

  ASSERT_TRUE(c.StepUntil([&] { return raft_state(c.raft(1)) == RAFT_LEADER; }));
  auto d = c.Propose(1, "d");  // commits "maybe" too (an entry of the new term)
  ASSERT_TRUE(c.StepUntilReady(d));
  ASSERT_TRUE(d.get());
  ASSERT_TRUE(c.StepUntilReady(maybe));
  auto maybe_outcome = maybe.get();
  ASSERT_FALSE(maybe_outcome);
  EXPECT_EQ(maybe_outcome.error().code, kv::ErrorCode::kAborted);

  c.ReconnectAll();
  const raft_index last = raft_last_index(c.raft(1));
  for (unsigned i = 0; i < 3; ++i) ASSERT_TRUE(c.StepUntilApplied(i, last)) << i;
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_EQ(c.sm(i).commands(), Strings({"a", "maybe", "d"})) << i;
  }
}

TEST(RaftFixtureTest, KilledFollowerCatchesUpAfterRevive) {
  FixtureCluster c;
  const unsigned leader = c.ElectLeader();
  const unsigned victim = (leader + 2) % 3;
  raft_fixture_kill(c.fixture(), victim);
  Outcome last_outcome;
  for (int i = 0; i < 20; ++i) last_outcome = c.Propose(leader, "k" + std::to_string(i));
  ASSERT_TRUE(c.StepUntilReady(last_outcome));
  ASSERT_TRUE(last_outcome.get());
  EXPECT_EQ(c.sm(victim).size(), 0u);

  raft_fixture_revive(c.fixture(), victim);
  ASSERT_TRUE(c.StepUntilApplied(victim, raft_last_index(c.raft(leader))));
  EXPECT_EQ(c.sm(victim).commands(), c.sm(leader).commands());
  EXPECT_EQ(c.sm(victim).size(), 20u);
  EXPECT_EQ(c.sm(victim).restores(), 0u);  // caught up from the log
}

TEST(RaftFixtureTest, FarBehindNodeIsRestoredFromSnapshot) {
  FixtureCluster c({.n = 3, .snapshot_threshold = 8, .snapshot_trailing = 2});
  const unsigned leader = c.ElectLeader();
  const unsigned victim = (leader + 1) % 3;
  auto first = c.Propose(leader, "s0");
  ASSERT_TRUE(c.StepUntilReady(first));
  ASSERT_TRUE(c.StepUntilApplied(victim, raft_last_index(c.raft(leader))));

  raft_fixture_kill(c.fixture(), victim);
  Outcome last_outcome;
  for (int i = 1; i < 60; ++i) {
    last_outcome = c.Propose(leader, "s" + std::to_string(i));
    if (i % 10 == 0) {
      ASSERT_TRUE(c.StepUntilReady(last_outcome));  // let snapshots run
    }
  }
  ASSERT_TRUE(c.StepUntilReady(last_outcome));
  ASSERT_TRUE(last_outcome.get());
  EXPECT_GT(c.adapter(leader).snapshots_taken(), 0u);

  raft_fixture_revive(c.fixture(), victim);
  ASSERT_TRUE(c.StepUntilApplied(victim, raft_last_index(c.raft(leader))));
  EXPECT_GE(c.sm(victim).restores(), 1u);
  EXPECT_GE(c.adapter(victim).restores(), 1u);
  EXPECT_EQ(c.sm(victim).size(), 60u);
  EXPECT_EQ(c.sm(victim).commands(), c.sm(leader).commands());
}

TEST(RaftFixtureTest, IoFaultOnLeaderAppendFailsTheRequestAndClusterStaysConsistent) {
  FixtureCluster c;
  unsigned leader = c.ElectLeader();
  auto a = c.Propose(leader, "a");
  ASSERT_TRUE(c.StepUntilReady(a));
  ASSERT_TRUE(a.get());

  raft_fixture_io_fault(c.fixture(), leader, 0, 1);  // the next I/O: this append
  auto failed = c.Propose(leader, "x");
  ASSERT_TRUE(c.StepUntilReady(failed));
  auto failed_outcome = failed.get();
  ASSERT_FALSE(failed_outcome);
  EXPECT_EQ(failed_outcome.error().code, kv::ErrorCode::kIoError)
      << failed_outcome.error().ToString();

  // The cluster keeps working: retry on whoever leads (bounded).
  kv::Result<kv::Bytes> y_outcome = kv::MakeError(kv::ErrorCode::kInternal, "not tried");
  for (int attempt = 0; attempt < 5 && !y_outcome; ++attempt) {
    leader = c.ElectLeader();
    auto y = c.Propose(leader, "y");
    ASSERT_TRUE(c.StepUntilReady(y));
    y_outcome = y.get();
  }
  ASSERT_TRUE(y_outcome) << y_outcome.error().ToString();
  const raft_index last = raft_last_index(c.raft(leader));
  for (unsigned i = 0; i < 3; ++i) ASSERT_TRUE(c.StepUntilApplied(i, last)) << i;
  EXPECT_TRUE(c.PrefixConsistent());
  for (unsigned i = 0; i < 3; ++i) {
    const auto commands = c.sm(i).commands();
    EXPECT_EQ(commands, c.sm(leader).commands()) << i;
    EXPECT_EQ(commands.front(), "a");
    EXPECT_EQ(commands.back(), "y");
  }
}

TEST(RaftFixtureTest, FatalApplyErrorLatchesTheNodeWithoutSkippingCommands) {
  FixtureCluster c;
  const unsigned leader = c.ElectLeader();
  const unsigned victim = (leader + 1) % 3;
  c.sm(victim).FailAtPosition(3);
  Outcome last_outcome;
  for (int i = 1; i <= 6; ++i) last_outcome = c.Propose(leader, "f" + std::to_string(i));
  ASSERT_TRUE(c.StepUntilReady(last_outcome));
  ASSERT_TRUE(last_outcome.get());  // the other two still form a majority
  const unsigned healthy = 3 - leader - victim;
  ASSERT_TRUE(c.StepUntilApplied(healthy, raft_last_index(c.raft(leader))));
  // More commits make raft retry applying on the victim; the latched adapter
  // must refuse without calling the state machine again.
  for (int i = 7; i <= 9; ++i) last_outcome = c.Propose(leader, "f" + std::to_string(i));
  ASSERT_TRUE(c.StepUntilReady(last_outcome));
  ASSERT_TRUE(last_outcome.get());
  const raft_index last = raft_last_index(c.raft(leader));
  ASSERT_TRUE(c.StepUntilApplied(healthy, last));
  c.StepUntil([] { return false; }, 2'000);  // give the victim every chance

  ASSERT_TRUE(c.adapter(victim).fatal_error().has_value());
  EXPECT_EQ(c.adapter(victim).fatal_error()->code, kv::ErrorCode::kIoError);
  EXPECT_EQ(c.fatal_calls(victim), 1);
  EXPECT_EQ(c.sm(victim).commands(), Strings({"f1", "f2"}));  // stopped, not skipped
  EXPECT_EQ(c.sm(victim).apply_calls(), 3u);  // never called again after the failure
  EXPECT_LT(raft_last_applied(c.raft(victim)), last);
  EXPECT_TRUE(c.PrefixConsistent());
  EXPECT_EQ(c.sm(healthy).size(), 9u);
}

}  // namespace
}  // namespace ledgerseal::replication
