// The election rule alone: when a node votes, for whom, when it may open,
// and that no interleaving of what three or five nodes see lets two open.
#include "kvstore_adapter/reference_host/coordination/public/election.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ledgerseal::kv::coordination {
namespace {

Claim C(const std::string& node, Version version,
        std::vector<std::string> configuration = {"n1", "n2", "n3"}) {
  Claim c;
  c.configuration = std::move(configuration);
  c.service_id = "s";
  c.node_id = node;
  c.rpc_address = node + ":1";
  c.last_version = version;
  c.last_entry_digest = Bytes(32, 1);
  return c;
}

Election Make(const std::string& self, Version version, const std::set<std::string>& configuration,
              uint64_t wait_for_all_ms = 1000, size_t min_voters = 1) {
  auto e = Election::Make(C(self, version, {configuration.begin(), configuration.end()}),
                          {.min_voters = min_voters, .wait_for_all_ms = wait_for_all_ms});
  EXPECT_TRUE(e.has_value());
  return std::move(*e);
}

TEST(ElectionTest, ANodeOutsideItsOwnConfigurationHasNoVote) {
  auto e = Election::Make(C("n4", 5), {.min_voters = 1, .wait_for_all_ms = 0});
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("not in the configuration its ledger ends with"), std::string::npos);
}

// A host truncates n1's ledger back to when n1 was alone: its own claim
// says "a configuration of one". The operator restarted three nodes, so
// n1 still needs two votes, and once it hears n2's longer claim, n2's
// configuration is the voters' and n1 votes for n2.
TEST(ElectionTest, ATruncatedLedgerCannotMakeASmallMajority) {
  Election e = Make("n1", 3, {"n1"}, /*wait_for_all_ms=*/0, /*min_voters=*/3);
  EXPECT_EQ(e.majority(), 2u);
  EXPECT_FALSE(e.Tick(0));
  EXPECT_FALSE(e.Won());
  EXPECT_TRUE(e.Observe(C("n2", 50), 1));
  EXPECT_TRUE(e.Tick(1));
  EXPECT_EQ(e.self().vote, "n2");
  EXPECT_FALSE(e.Won());
}

TEST(ElectionTest, NeverOpensWhileALongerClaimIsKnown) {
  Election e = Make("n1", 20, {"n1", "n2", "n3"}, 0);
  Claim n2 = C("n2", 10);
  e.Observe(n2, 0);
  ASSERT_TRUE(e.Tick(0));
  n2.vote = "n1";
  e.Observe(n2, 1);
  EXPECT_TRUE(e.Won());
  e.Observe(C("n3", 30), 2);  // arrives after the votes
  EXPECT_FALSE(e.Won()) << "n3 holds more: n1 must not open";
}

TEST(ElectionTest, TheLongestClaimsConfigurationNamesTheVoters) {
  // n1 lags behind the join of n4: n4 is no voter to n1 until n2's longer
  // claim (whose ledger has n4) arrives.
  Election e = Make("n1", 10, {"n1", "n2", "n3"}, 0);
  Claim n4 = C("n4", 12, {"n1", "n2", "n3", "n4"});
  e.Observe(n4, 0);
  EXPECT_EQ(e.voters(), (std::set<std::string>{"n1", "n2", "n3", "n4"}));
  EXPECT_EQ(e.majority(), 3u);
  EXPECT_EQ(e.claimed(), 2u);
  EXPECT_FALSE(e.Tick(0));
  e.Observe(C("n2", 11, {"n1", "n2", "n3", "n4"}), 1);
  EXPECT_TRUE(e.Tick(1));
  EXPECT_EQ(e.self().vote, "n4");
}

TEST(ElectionTest, NoVoteWithoutAMajorityOfClaims) {
  Election e = Make("n1", 10, {"n1", "n2", "n3"});
  EXPECT_FALSE(e.Tick(1'000'000));
  EXPECT_FALSE(e.voted());
  EXPECT_FALSE(e.Won());
  EXPECT_FALSE(e.Observe(C("n1", 99), 0)) << "its own id from elsewhere is ignored";
  EXPECT_FALSE(e.Tick(1'000'000));
}

TEST(ElectionTest, WaitsForTheRestAfterAMajorityThenVotesForTheLongest) {
  Election e = Make("n1", 10, {"n1", "n2", "n3"}, /*wait_for_all_ms=*/500);
  EXPECT_TRUE(e.Observe(C("n2", 12), 100));
  EXPECT_FALSE(e.Tick(599)) << "n3 may hold more: wait";
  EXPECT_TRUE(e.Tick(600));
  EXPECT_EQ(e.self().vote, "n2");
  EXPECT_FALSE(e.Tick(10'000)) << "votes once";
  EXPECT_TRUE(e.Observe(C("n3", 50), 700));
  EXPECT_FALSE(e.Tick(10'000));
  EXPECT_EQ(e.self().vote, "n2") << "a vote never changes";
  EXPECT_EQ(e.Best().node_id, "n3");
}

TEST(ElectionTest, ALongerClaimNamingOtherVotersRestartsTheWait) {
  Election e = Make("n1", 10, {"n1", "n2", "n3"}, /*wait_for_all_ms=*/500);
  e.Observe(C("n2", 9), 0);  // a majority of {n1, n2, n3}: the wait starts
  // n4's longer claim names {n1, n4, n5, n6}: 2 of 4 is no majority.
  e.Observe(C("n4", 20, {"n1", "n4", "n5", "n6"}), 100);
  EXPECT_FALSE(e.Tick(10'000)) << "no majority of the current voters";
  e.Observe(C("n5", 19, {"n1", "n4", "n5", "n6"}), 10'000);
  EXPECT_FALSE(e.Tick(10'400)) << "the wait runs from the new majority";
  EXPECT_TRUE(e.Tick(10'500));
  EXPECT_EQ(e.self().vote, "n4");
}

TEST(ElectionTest, VotesAtOnceWhenEveryNodeClaimed) {
  Election e = Make("n2", 10, {"n1", "n2", "n3"}, /*wait_for_all_ms=*/1'000'000);
  e.Observe(C("n1", 10), 0);
  e.Observe(C("n3", 9), 0);
  EXPECT_TRUE(e.Tick(0));
  EXPECT_EQ(e.self().vote, "n1") << "a tie goes to the smaller node id";
}

TEST(ElectionTest, OpensOnlyWithVotesFromAMajority) {
  Election e = Make("n1", 20, {"n1", "n2", "n3", "n4", "n5"}, 0);
  const std::vector<std::string> five = {"n1", "n2", "n3", "n4", "n5"};
  Claim n2 = C("n2", 10, five), n3 = C("n3", 10, five);
  e.Observe(n2, 0);
  e.Observe(n3, 0);
  ASSERT_TRUE(e.Tick(0));
  EXPECT_EQ(e.self().vote, "n1");
  EXPECT_FALSE(e.Won()) << "only its own vote";
  n2.vote = "n1";
  e.Observe(n2, 1);
  EXPECT_FALSE(e.Won()) << "2 of 5";
  n3.vote = "n1";
  e.Observe(n3, 2);
  EXPECT_TRUE(e.Won());
  EXPECT_EQ(e.VotesForSelf(), (std::vector<std::string>{"n1", "n2", "n3"}));
}

TEST(ElectionTest, SameVersionDifferentEntriesIsAConflict) {
  Election e = Make("n1", 10, {"n1", "n2", "n3"});
  EXPECT_FALSE(e.Conflict());
  e.Observe(C("n2", 10), 0);
  EXPECT_FALSE(e.Conflict()) << "the same entry";
  Claim other = C("n3", 10);
  other.last_entry_digest[0] ^= 1;
  e.Observe(other, 0);
  ASSERT_TRUE(e.Conflict());
  EXPECT_EQ(*e.Conflict(), "n1 and n3 hold different entries at version 10");
}

TEST(ElectionTest, AOneNodeConfigurationOpensAlone) {
  Election e = Make("n1", 3, {"n1"});
  EXPECT_TRUE(e.Tick(0));
  EXPECT_TRUE(e.Won());
}

// Random schedules: each node sees a random subset of the others' claims
// at random times (some never reachable); nodes re-read each other's votes
// as they go. However the claims arrive, at most one node ever wins, and
// when every node is reachable (and waits for all) exactly one wins: the
// longest.
TEST(ElectionTest, NeverTwoWinnersUnderRandomSchedules) {
  std::mt19937_64 random(20261203);
  for (int trial = 0; trial < 3000; ++trial) {
    const int n = trial % 2 == 0 ? 3 : 5;
    std::set<std::string> config;
    std::vector<Election> nodes;
    std::vector<Version> versions;
    for (int i = 0; i < n; ++i) config.insert("n" + std::to_string(i));
    for (int i = 0; i < n; ++i) versions.push_back(random() % 4);
    // Everyone reachable, and waiting for all before voting: every node
    // votes for the same (the longest). Otherwise votes may split.
    const bool everyone = trial % 3 == 0;
    for (int i = 0; i < n; ++i) {
      nodes.push_back(Make("n" + std::to_string(i), versions[i], config, everyone ? 1'000'000 : random() % 3,
                           /*min_voters=*/n));
    }
    // reach[i][j]: i hears from j.
    std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, true));
    if (!everyone) {
      for (auto& row : reach) {
        for (size_t j = 0; j < row.size(); ++j) row[j] = random() % 3 != 0;
      }
    }
    for (uint64_t t = 0; t < 12; ++t) {
      for (int step = 0; step < n * 2; ++step) {
        const int i = static_cast<int>(random() % n), j = static_cast<int>(random() % n);
        if (i != j && reach[i][j]) nodes[i].Observe(nodes[j].self(), t);
      }
      for (auto& node : nodes) node.Tick(t);
    }
    if (everyone) {  // then every claim reaches every node, a few times over
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < n; ++i) {
          for (int j = 0; j < n; ++j) {
            if (i != j) nodes[i].Observe(nodes[j].self(), 100);
          }
        }
        for (auto& node : nodes) node.Tick(100);
      }
    }
    int winners = 0;
    std::string winner;
    for (const auto& node : nodes) {
      if (node.Won()) {
        ++winners;
        winner = node.self().node_id;
      }
    }
    ASSERT_LE(winners, 1) << "trial " << trial;
    if (everyone) {
      ASSERT_EQ(winners, 1) << "trial " << trial;
      Version longest = 0;
      for (Version v : versions) longest = std::max(longest, v);
      EXPECT_EQ(versions[std::stoi(winner.substr(1))], longest) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace ledgerseal::kv::coordination
