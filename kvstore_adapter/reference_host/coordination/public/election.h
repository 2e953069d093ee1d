// The decision of a coordinated recovery, as one recovering node sees it
// (docs/REFERENCE_HOST.md, "Coordinated recovery"). Pure logic: the node
// feeds it verified claims and the time; it never does I/O.
//
// The rule:
//  - each node claims (service, last version, digest, the configuration
//    its ledger ends with) and, once, votes;
//  - the voters are the configuration of the best claim held (the highest
//    last version; ties: the smallest node id): the newest configuration
//    known. A majority is floor(n/2) + 1 of n = the larger of that
//    configuration's size and `min_voters` (the operator's count of
//    recovering nodes), so a ledger truncated to an older, smaller
//    configuration cannot make a small majority;
//  - a node votes once it holds claims from a majority of voters and either
//    every voter claimed or `wait_for_all_ms` passed since the majority:
//    for the best claim it holds. Its vote never changes;
//  - a node opens the recovered service only while its own claim is the
//    best it holds and with votes for itself from a majority of voters.
// Two nodes cannot both open when they count the same voters: each genuine
// node votes once and two majorities of one set share a node. Different
// voter sets (ledgers that lag two membership changes apart) are the limit
// the document states. A minority never opens.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_ELECTION_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_ELECTION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kvstore_adapter/reference_host/coordination/public/claim.h"

namespace ledgerseal::kv::coordination {

struct ElectionOptions {
  // The fewest voters a majority is counted over: the operator's count of
  // the nodes restarted together (this node and its configured peers).
  size_t min_voters = 1;
  // With claims from a majority but not from all: how long to wait for the
  // others before voting (a node missing from the claims may hold the
  // longest ledger).
  uint64_t wait_for_all_ms = 10'000;
};

// True if `a` is a better ledger to recover from than `b`: longer, or as
// long with the smaller node id (deterministic, so that nodes holding the
// same claims vote alike).
bool Better(const Claim& a, const Claim& b);

// Not thread-safe: one owner drives it.
class Election {
 public:
  // Errors: kInvalidArgument if `self.node_id` is not in its own claim's
  // configuration (a node its ledger says was retired has no vote).
  [[nodiscard]] static Result<Election> Make(Claim self, ElectionOptions options);

  // Records a verified claim (VerifyClaim) that answered this node's
  // request at `now_ms`; a node's newer claim replaces its older one.
  // Returns false, recording nothing, for this node's own id. Claims of
  // nodes that are not voters are kept (a longer claim may make them
  // voters) but do not count.
  bool Observe(const Claim& claim, uint64_t now_ms);

  // Casts this node's vote if the rule allows it now. True when this call
  // cast it; false if it was cast before or cannot be yet.
  bool Tick(uint64_t now_ms);

  // This node's claim (its vote filled in once cast; no nonce).
  const Claim& self() const { return self_; }
  bool voted() const { return !self_.vote.empty(); }
  // The configuration of the best claim held.
  std::set<std::string> voters() const;
  // floor(n/2) + 1, n = max(|voters()|, min_voters).
  size_t majority() const;
  // Voters holding a claim, this node included.
  size_t claimed() const;
  // Every claim held, by node id (this node's included).
  const std::map<std::string, Claim>& claims() const { return claims_; }
  // The voters whose latest claim votes for this node, this node included.
  std::vector<std::string> VotesForSelf() const;
  // This node's claim is the best held and a majority of voters voted for
  // it: it may open.
  bool Won() const;
  // The best claim held (never null: this node's own is held).
  const Claim& Best() const;
  // Two claims of the same last version with different digests: the
  // ledgers hold different histories (never between genuine nodes of one
  // service, whose ledgers hold committed entries only), and no rule can
  // choose. Names both nodes and the version; nullopt if none.
  std::optional<std::string> Conflict() const;
  // One line: every voter (and every other claimer) with its claim and
  // vote, or "no claim".
  std::string Describe() const;

 private:
  Election(Claim self, ElectionOptions options);

  Claim self_;
  ElectionOptions options_;
  std::map<std::string, Claim> claims_;
  void UpdateMajorityClock(uint64_t now_ms);

  std::optional<uint64_t> majority_since_ms_;
  std::set<std::string> voters_at_majority_;  // the voters majority_since_ms_ is about
};

}  // namespace ledgerseal::kv::coordination

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_ELECTION_H_
