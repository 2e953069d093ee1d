#include "kvstore_adapter/reference_host/coordination/public/election.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace ledgerseal::kv::coordination {

bool Better(const Claim& a, const Claim& b) {
  if (a.last_version != b.last_version) return a.last_version > b.last_version;
  return a.node_id < b.node_id;
}

Result<Election> Election::Make(Claim self, ElectionOptions options) {
  if (std::ranges::find(self.configuration, self.node_id) == self.configuration.end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "node " + self.node_id + " is not in the configuration its ledger ends with (retired?): it "
                     "has no vote in a coordinated recovery");
  }
  return Election(std::move(self), std::move(options));
}

Election::Election(Claim self, ElectionOptions options) : self_(std::move(self)), options_(std::move(options)) {
  self_.nonce.clear();
  claims_[self_.node_id] = self_;
}

std::set<std::string> Election::voters() const {
  const auto& c = Best().configuration;
  return {c.begin(), c.end()};
}

size_t Election::majority() const { return std::max(voters().size(), options_.min_voters) / 2 + 1; }

size_t Election::claimed() const {
  size_t n = 0;
  for (const auto& id : voters()) n += claims_.contains(id) ? 1 : 0;
  return n;
}

void Election::UpdateMajorityClock(uint64_t now_ms) {
  // The wait for the others runs from when a majority of the CURRENT voters
  // claimed: a longer claim that names other voters starts it again.
  if (claimed() < majority()) {
    majority_since_ms_.reset();
    return;
  }
  std::set<std::string> now = voters();
  if (!majority_since_ms_ || now != voters_at_majority_) {
    majority_since_ms_ = now_ms;
    voters_at_majority_ = std::move(now);
  }
}

bool Election::Observe(const Claim& claim, uint64_t now_ms) {
  if (claim.node_id == self_.node_id) return false;
  claims_[claim.node_id] = claim;
  UpdateMajorityClock(now_ms);
  return true;
}

bool Election::Won() const { return Best().node_id == self_.node_id && VotesForSelf().size() >= majority(); }

bool Election::Tick(uint64_t now_ms) {
  if (voted()) return false;
  UpdateMajorityClock(now_ms);
  if (!majority_since_ms_) return false;
  const bool everyone = claimed() == voters().size();
  if (!everyone && now_ms - *majority_since_ms_ < options_.wait_for_all_ms) return false;
  self_.vote = Best().node_id;
  claims_[self_.node_id] = self_;
  return true;
}

std::vector<std::string> Election::VotesForSelf() const {
  std::vector<std::string> votes;
  for (const auto& id : voters()) {
    auto it = claims_.find(id);
    if (it != claims_.end() && it->second.vote == self_.node_id) votes.push_back(id);
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
  std::set<std::string> ids = voters();
  for (const auto& [id, claim] : claims_) ids.insert(id);
  for (const std::string& id : ids) {
    if (!out.empty()) out += ", ";
    auto it = claims_.find(id);
    if (it == claims_.end()) {
      out += id + " no claim";
      continue;
    }
    out += id + " version " + std::to_string(it->second.last_version);
    if (!it->second.vote.empty()) out += " (votes " + it->second.vote + ")";
    if (!voters().contains(id)) out += " (not a voter)";
  }
  return out;
}

}  // namespace ledgerseal::kv::coordination
