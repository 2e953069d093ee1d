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

std::optional<RecoveryDecisionAudit> AuditRecoveryDecision(const kv::WriteSet& public_writes,
                                                           const std::string& service_id,
                                                           const kv::ServiceRecord& previous) {
  const auto* value = public_writes.Find(kv::membership::kRecoveryDecisionsTable.name, kv::AsBytes(service_id));
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
  uint64_t longest = 0, opener_version = 0;
  std::set<std::string> voters, claimers;  // each node counts once
  bool opener_claimed = false;
  for (const auto& c : d.claims()) {
    RecordedClaim seen{c.node_id(), c.last_version(), c.vote(), false};
    kv::coordination::Claim claim{.service_id = d.previous_service_id(),
                                  .node_id = c.node_id(),
                                  .rpc_address = c.rpc_address(),
                                  .last_version = c.last_version(),
                                  .last_entry_digest = kv::ToBytes(c.last_entry_digest()),
                                  .configuration = {c.configuration().begin(), c.configuration().end()},
                                  .service_chain = {},
                                  .vote = c.vote(),
                                  .nonce = kv::ToBytes(c.nonce())};
    for (const auto& record : c.service_chain()) claim.service_chain.push_back(kv::ToBytes(record));
    seen.signature_verified =
        identity && kv::VerifyServiceSignature(*identity, kv::coordination::kRecoveryClaimDomain,
                                               kv::coordination::ClaimBody(claim), kv::AsBytes(c.signature()))
                        .has_value();
    if (!seen.signature_verified) {
      out.problems.push_back("bad_recovery_claim: the claim of " + c.node_id() + " is not signed by service " +
                             previous.service_id);
    }
    const bool counts = seen.signature_verified && std::ranges::find(out.configuration, c.node_id()) !=
                                                       out.configuration.end();
    if (counts) longest = std::max(longest, c.last_version());
    if (counts && c.vote() == d.opened_by()) voters.insert(c.node_id());
    if (!claimers.insert(c.node_id()).second) out.problems.push_back("two claims of " + c.node_id());
    if (c.node_id() == d.opened_by()) {
      opener_claimed = true;
      opener_version = c.last_version();
    }
    out.claims.push_back(std::move(seen));
  }
  if (!opener_claimed) {
    out.problems.push_back("the opener " + d.opened_by() + " has no claim");
  } else if (opener_version < longest) {
    out.problems.push_back("the opener's ledger (" + std::to_string(opener_version) +
                           ") is shorter than a claimed one (" + std::to_string(longest) + ")");
  }
  if (!d.without_majority() && voters.size() < out.configuration.size() / 2 + 1) {
    out.problems.push_back("only " + std::to_string(voters.size()) + " of " + std::to_string(out.configuration.size()) +
                           " nodes voted for " + d.opened_by());
  }
  return out;
}

}  // namespace ledgerseal::tools
