#include "kvstore_adapter/reference_host/coordination/public/election.h"

#include <iterator>
#include <utility>

namespace ledgerseal::kv::coordination {

bool Better(const Claim& a, const Claim& b) {
  if (a.last_version != b.last_version) return a.last_version > b.last_version;
  return a.node_id < b.node_id;
}

Result<Election> Election::Make(Claim self, ElectionOptions options) {
  if (!options.configuration.contains(self.node_id)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "node " + self.node_id + " is not in the previous configuration its ledger ends with: it "
                     "has no vote in a coordinated recovery");
  }
  return Election(std::move(self), std::move(options));
}

Election::Election(Claim self, ElectionOptions options) : self_(std::move(self)), options_(std::move(options)) {
  self_.nonce.clear();
  claims_[self_.node_id] = self_;
}

bool Election::Observe(const Claim& claim, uint64_t now_ms) {
  if (claim.node_id == self_.node_id || !options_.configuration.contains(claim.node_id)) return false;
  claims_[claim.node_id] = claim;
  if (!majority_since_ms_ && claims_.size() >= majority()) majority_since_ms_ = now_ms;
  return true;
}

bool Election::Tick(uint64_t now_ms) {
  if (voted()) return false;
  if (!majority_since_ms_ && claims_.size() >= majority()) majority_since_ms_ = now_ms;  // a one-node configuration
  if (!majority_since_ms_) return false;
  const bool everyone = claims_.size() == options_.configuration.size();
  if (!everyone && now_ms - *majority_since_ms_ < options_.wait_for_all_ms) return false;
  self_.vote = Best().node_id;
  claims_[self_.node_id] = self_;
  return true;
}

std::vector<std::string> Election::VotesForSelf() const {
  std::vector<std::string> votes;
  for (const auto& [id, claim] : claims_) {
    if (claim.vote == self_.node_id) votes.push_back(id);
  }
  return votes;
}

const Claim& Election::Best() const {
  const Claim* best = &claims_.at(self_.node_id);
  for (const auto& [id, claim] : claims_) {
    if (Better(claim, *best)) best = &claim;
  }
  return *best;
}

std::optional<std::string> Election::Conflict() const {
  for (auto a = claims_.begin(); a != claims_.end(); ++a) {
    for (auto b = std::next(a); b != claims_.end(); ++b) {
      if (a->second.last_version == b->second.last_version &&
          a->second.last_entry_digest != b->second.last_entry_digest) {
        return a->first + " and " + b->first + " hold different entries at version " +
               std::to_string(a->second.last_version);
      }
    }
  }
  return std::nullopt;
}

std::string Election::Describe() const {
  std::string out;
  for (const std::string& id : options_.configuration) {
    if (!out.empty()) out += ", ";
    auto it = claims_.find(id);
    if (it == claims_.end()) {
      out += id + " no claim";
      continue;
    }
    out += id + " version " + std::to_string(it->second.last_version);
    if (!it->second.vote.empty()) out += " (votes " + it->second.vote + ")";
  }
  return out;
}

}  // namespace ledgerseal::kv::coordination
