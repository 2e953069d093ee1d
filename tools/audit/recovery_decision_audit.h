// A coordinated recovery's recorded decision as `ledgerseal inspect` shows
// it (docs/REFERENCE_HOST.md, "Coordinated recovery"): who opened the
// recovered service, what every node claimed and voted, each claim's
// signature checked with the previous service's identity (the one the
// claims were made under), and whether the votes for the opener make a
// majority of the previous configuration.
#ifndef LEDGERSEAL_TOOLS_AUDIT_RECOVERY_DECISION_AUDIT_H_
#define LEDGERSEAL_TOOLS_AUDIT_RECOVERY_DECISION_AUDIT_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::tools {

struct RecordedClaim {
  std::string node_id;
  uint64_t last_version = 0;
  std::string vote;
  bool signature_verified = false;
};

struct RecoveryDecisionAudit {
  std::string opened_by;
  bool without_majority = false;
  std::vector<std::string> configuration;
  std::vector<RecordedClaim> claims;
  // Empty when every claim verifies, the opener's claim is the longest, and
  // (without the override) a majority voted for it; else what is wrong.
  std::vector<std::string> problems;

  // One line: "opened by n1 with votes of n1, n3 (2 of 3): n1 290, n2 289, n3 129".
  std::string Summary() const;
  nlohmann::json ToJson() const;
};

// The decision `public_writes` records for service `successor` (written by
// that service's first entry), checked against `previous` (the identity the
// claims were signed with; the caller must have authenticated it, e.g. by
// the endorsement chain). Only what the claims' signatures cover is
// trusted: the voters are the opener's signed configuration (the record's
// copy must equal it), and the opener's claim must be exactly what
// `successor` says it recovered to. nullopt: the entry records none (a
// recovery without peers, or a genesis). A record that does not parse is
// returned with that problem.
std::optional<RecoveryDecisionAudit> AuditRecoveryDecision(const kv::WriteSet& public_writes,
                                                           const kv::ServiceRecord& successor,
                                                           const kv::ServiceRecord& previous);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_AUDIT_RECOVERY_DECISION_AUDIT_H_
