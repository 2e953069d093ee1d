#include "tools/audit/service_chain_audit.h"

#include <algorithm>

#include "crypto/public/sha256.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::tools {

void ServiceChainAuditor::Entry(uint64_t version, kv::ByteView entry_bytes, const kv::WriteSet& public_writes,
                                const std::string& header_service_id, kv::ByteView previous_entry_digest) {
  // previous_digest_ holds the digest of the entry walked before this one
  // (empty before the first): an authentic entry spliced in from elsewhere
  // does not link to it.
  const bool links = version == 1 ? previous_entry_digest.empty()
                                  : std::ranges::equal(previous_entry_digest, previous_digest_);
  if (!links && !chain_break_reported_ && (version == 1 || !previous_digest_.empty())) {
    audit_.failures.push_back({"broken_entry_chain", version,
                               "entry " + std::to_string(version) + " does not follow entry " +
                                   std::to_string(version - 1) + " (previous_entry_digest mismatch)"});
    chain_break_reported_ = true;
  }
  const auto* value =
      public_writes.Find(kv::membership::kServiceTable.name, kv::AsBytes(kv::membership::kServiceKey));
  if (value != nullptr) {
    ServiceLink link{version, {}, false};
    auto info = value->has_value() ? kv::membership::DecodeServiceRecord(**value)
                                   : kv::Result<ledger::v1::ServiceInfo>(
                                         kv::MakeError(kv::ErrorCode::kCorruption, "the service record is removed"));
    if (!info) {
      audit_.failures.push_back({"broken_endorsement", version, info.error().message});
    } else {
      link.record = kv::membership::ToServiceRecord(*info);
      const ServiceLink* previous = audit_.links.empty() ? nullptr : &audit_.links.back();
      if (previous == nullptr && link.record.identity_public_key_der.empty()) {
        audit_.failures.push_back({"format_1_ledger", version,
                                   "the genesis service record has no service identity (written before service "
                                   "identities: its sealing records are forgeable from public data)"});
      } else if (auto s = kv::VerifyServiceRecord(previous ? &previous->record : nullptr, link.record, version,
                                                  previous_digest_);
                 !s) {
        audit_.failures.push_back({"broken_endorsement", version, s.error().message});
      } else {
        link.verified = previous == nullptr || previous->verified;
      }
      if (previous != nullptr) {
        link.decision = AuditRecoveryDecision(public_writes, link.record, previous->record);
        // The claims were checked with the previous identity: that proves
        // something only if the chain authenticated that identity.
        if (link.decision && !previous->verified) {
          link.decision->problems.push_back("the previous service's identity is not authenticated (its "
                                            "endorsement chain is broken): the claims' signatures prove nothing");
        }
        if (link.decision && !link.decision->problems.empty()) {
          std::string problems;
          for (const auto& p : link.decision->problems) problems += (problems.empty() ? "" : "; ") + p;
          audit_.failures.push_back({"bad_recovery_decision", version, problems});
        }
      }
    }
    audit_.links.push_back(std::move(link));
  }
  if (!foreign_reported_ && !audit_.links.empty() && header_service_id != audit_.links.back().record.service_id) {
    audit_.failures.push_back({"foreign_entry", version,
                               "entry " + std::to_string(version) + " claims service " + header_service_id +
                                   "; the ledger's service there is " + audit_.links.back().record.service_id});
    foreign_reported_ = true;
  }
  auto digest = crypto::Sha256(entry_bytes);
  previous_digest_ = digest ? kv::Bytes(digest->begin(), digest->end()) : kv::Bytes();
}

ServiceChainAudit ServiceChainAuditor::Finish(const std::string& expected_genesis_id,
                                              const std::string& expected_service_id) {
  if (audit_.links.empty()) {
    audit_.failures.push_back({"no_service_record", 0, "the ledger records no service"});
    return std::move(audit_);
  }
  const ServiceLink& genesis = audit_.links.front();
  audit_.genesis_pinned = !expected_genesis_id.empty() && genesis.record.service_id == expected_genesis_id;
  if (!expected_genesis_id.empty() && genesis.record.service_id != expected_genesis_id) {
    audit_.failures.push_back({"wrong_genesis", genesis.at_version,
                               "the chain starts at service " + genesis.record.service_id + ", not " +
                                   expected_genesis_id});
  }
  const ServiceLink& newest = audit_.links.back();
  if (!expected_service_id.empty() && newest.record.service_id != expected_service_id) {
    audit_.failures.push_back({"wrong_service", newest.at_version,
                               "the newest service is " + newest.record.service_id + ", not " +
                                   expected_service_id});
  }
  return std::move(audit_);
}

}  // namespace ledgerseal::tools
