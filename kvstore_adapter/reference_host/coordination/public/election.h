// The decision of a coordinated recovery, as one recovering node sees it
// (docs/REFERENCE_HOST.md, "Coordinated recovery"). Pure logic: the node
// feeds it verified claims and the time; it never does I/O.
//
// The rule:
//  - each node of the previous configuration claims (service, last
//    version, digest) and, once, votes;
//  - a node votes once it holds claims from a majority of the previous
//    configuration and either every node claimed or `wait_for_all_ms`
//    passed since the majority: for the best claim it holds (the highest
//    last version; ties: the smallest node id). Its vote never changes;
//  - a node opens the recovered service only with votes for itself from a
//    majority (its own included).
// Two nodes cannot both open: each genuine node votes once, and two
// majorities of one configuration share a node. A minority never opens.
// Why the best of a majority holds every acknowledged transaction, and when
// it does not, is in the document.
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
  // The node ids of the previous configuration (the nodes not retired at
  // the end of this node's ledger), this node's included.
  std::set<std::string> configuration;
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
  // Errors: kInvalidArgument if `self.node_id` is not in the configuration
  // (a node that is not in the previous configuration has no vote).
  [[nodiscard]] static Result<Election> Make(Claim self, ElectionOptions options);

  // Records a verified claim (VerifyClaim) that answered this node's
  // request at `now_ms`; a node's newer claim replaces its older one.
  // Returns false, recording nothing, for a node outside the configuration
  // or this node's own id.
  bool Observe(const Claim& claim, uint64_t now_ms);

  // Casts this node's vote if the rule allows it now. True when this call
  // cast it; false if it was cast before or cannot be yet.
  bool Tick(uint64_t now_ms);

  // This node's claim (its vote filled in once cast; no nonce).
  const Claim& self() const { return self_; }
  bool voted() const { return !self_.vote.empty(); }
  // floor(n/2) + 1 of the configuration's n nodes.
  size_t majority() const { return options_.configuration.size() / 2 + 1; }
  // Nodes of the configuration holding a claim, this node included.
  size_t claimed() const { return claims_.size(); }
  const std::set<std::string>& configuration() const { return options_.configuration; }
  // Every claim held, by node id (this node's included).
  const std::map<std::string, Claim>& claims() const { return claims_; }
  // The nodes whose latest claim votes for this node, this node included.
  std::vector<std::string> VotesForSelf() const;
  // Votes for this node from a majority: it may open.
  bool Won() const { return VotesForSelf().size() >= majority(); }
  // The best claim held (never null: this node's own is held).
  const Claim& Best() const;
  // Two claims of the same last version with different digests: the
  // ledgers hold different histories (never between genuine nodes of one
  // service, whose ledgers hold committed entries only), and no rule can
  // choose. Names both nodes and the version; nullopt if none.
  std::optional<std::string> Conflict() const;
  // One line: every node of the configuration with its claim and vote, or
  // "no claim".
  std::string Describe() const;

 private:
  Election(Claim self, ElectionOptions options);

  Claim self_;
  ElectionOptions options_;
  std::map<std::string, Claim> claims_;
  std::optional<uint64_t> majority_since_ms_;
};

}  // namespace ledgerseal::kv::coordination

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_ELECTION_H_
