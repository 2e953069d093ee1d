#include "tools/audit/recovery_decision_audit.h"

#include <algorithm>
#include <set>

#include "kvstore_adapter/reference_host/coordination/public/claim.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::tools {
namespace {

namespace pb = ::ledgerseal::ledger::v1;

}  // namespace

std::string RecoveryDecisionAudit::Summary() const {
  size_t votes = 0;
  std::string voters, claimed;
  for (const auto& c : claims) {
    if (c.vote == opened_by) {
      voters += (voters.empty() ? "" : ", ") + c.node_id;
      ++votes;
    }
    claimed += (claimed.empty() ? "" : ", ") + c.node_id + " " + std::to_string(c.last_version) +
               (c.signature_verified ? "" : " (signature NOT verified)");
  }
  std::string out = "opened by " + opened_by;
  out += without_majority ? " WITHOUT a majority (--open-without-majority)"
                          : " with votes of " + (voters.empty() ? std::string("nobody") : voters) + " (" +
                                std::to_string(votes) + " of " + std::to_string(configuration.size()) + ")";
  return out + "; claims: " + claimed;
}

nlohmann::json RecoveryDecisionAudit::ToJson() const {
  nlohmann::json claims_json = nlohmann::json::array();
  for (const auto& c : claims) {
    claims_json.push_back({{"node_id", c.node_id},
                           {"last_version", c.last_version},
                           {"vote", c.vote},
                           {"signature_verified", c.signature_verified}});
  }
  return {{"opened_by", opened_by},       {"without_majority", without_majority},
          {"configuration", configuration}, {"claims", claims_json},
          {"verified", problems.empty()},  {"problems", problems}};
}

namespace {

// A recorded claim as its claimer sent it, about `service_id`: the inverse of
// what the opener recorded (recovery_coordinator.cc), so that VerifyClaim
// checks it exactly as the opener did.
rpc::v1::RecoveryClaim AsSent(const std::string& service_id, const pb::RecoveryDecision::Claim& c) {
  rpc::v1::RecoveryClaim out;
  out.set_service_id(service_id);
  out.set_node_id(c.node_id());
  out.set_rpc_address(c.rpc_address());
  out.set_last_version(c.last_version());
  out.set_last_entry_digest(c.last_entry_digest());
  out.set_vote(c.vote());
  out.set_nonce(c.nonce());
  out.set_signature(c.signature());
  *out.mutable_configuration() = c.configuration();
  *out.mutable_service_chain() = c.service_chain();
  return out;
}

}  // namespace

std::optional<RecoveryDecisionAudit> AuditRecoveryDecision(const kv::WriteSet& public_writes,
                                                           const kv::ServiceRecord& successor,
                                                           const kv::ServiceRecord& previous) {
  const auto* value =
      public_writes.Find(kv::membership::kRecoveryDecisionsTable.name, kv::AsBytes(successor.service_id));
  if (value == nullptr) return std::nullopt;
  RecoveryDecisionAudit out;
  pb::RecoveryDecision d;
  if (!value->has_value() || !d.ParseFromArray((*value)->data(), static_cast<int>((*value)->size()))) {
    out.problems.push_back("the recovery decision record does not parse");
    return out;
  }
  out.opened_by = d.opened_by();
  out.without_majority = d.without_majority();
  out.configuration.assign(d.configuration().begin(), d.configuration().end());
  if (d.previous_service_id() != previous.service_id) {
    out.problems.push_back("the decision is about service " + d.previous_service_id() + ", not " +
                           previous.service_id);
  }
  auto identity = kv::ServiceIdentityFromPublicKey(static_cast<uint32_t>(previous.identity_algorithm),
                                                   previous.identity_public_key_der);
  // Only what a claim's signature covers is trusted: the record's other
  // fields (its voter list, the override flag) are the host's to write.
  std::vector<kv::coordination::Claim> verified;
  std::set<std::string> claimers;  // each node counts once
  for (const auto& c : d.claims()) {
    RecordedClaim seen{c.node_id(), c.last_version(), c.vote(), false};
    if (identity) {
      if (auto claim = kv::coordination::VerifyClaim(*identity, AsSent(previous.service_id, c), kv::AsBytes(c.nonce()))) {
        seen.signature_verified = true;
        verified.push_back(std::move(*claim));
      }
    }
    if (!seen.signature_verified) {
      out.problems.push_back("bad_recovery_claim: the claim of " + c.node_id() + " is not signed by service " +
                             previous.service_id);
    }
    if (!claimers.insert(c.node_id()).second) out.problems.push_back("two claims of " + c.node_id());
    out.claims.push_back(std::move(seen));
  }
  const auto opener = std::ranges::find(verified, d.opened_by(), &kv::coordination::Claim::node_id);
  if (opener == verified.end()) {
    out.problems.push_back("the opener " + d.opened_by() + " has no claim");
    return out;
  }
  // The voters are the opener's signed configuration; the record's copy must
  // be it.
  if (out.configuration != opener->configuration) {
    out.problems.push_back("the recorded voters differ from the configuration the opener's claim signs");
    out.configuration = opener->configuration;
  }
  // The decision belongs to this recovery: the opener claimed exactly what
  // the successor's endorsed record says it recovered to.
  if (opener->last_version != successor.recovered_to_version ||
      opener->last_entry_digest != successor.recovered_tail_digest) {
    out.problems.push_back("the opener's claim (version " + std::to_string(opener->last_version) +
                           ") is not what service " + successor.service_id + " recovered to (version " +
                           std::to_string(successor.recovered_to_version) + ")");
  }
  std::set<std::string> voters;
  uint64_t longest = 0;
  for (const auto& c : verified) {
    if (std::ranges::find(out.configuration, c.node_id) == out.configuration.end()) continue;
    longest = std::max(longest, c.last_version);
    if (c.vote == d.opened_by()) voters.insert(c.node_id);
  }
  if (opener->last_version < longest) {
    out.problems.push_back("the opener's ledger (" + std::to_string(opener->last_version) +
                           ") is shorter than a claimed one (" + std::to_string(longest) + ")");
  }
  if (!d.without_majority() && voters.size() < out.configuration.size() / 2 + 1) {
    out.problems.push_back("only " + std::to_string(voters.size()) + " of " + std::to_string(out.configuration.size()) +
                           " nodes voted for " + d.opened_by());
  }
  return out;
}

}  // namespace ledgerseal::tools
