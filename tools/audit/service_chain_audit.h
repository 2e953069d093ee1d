// The endorsement chain as `ledgerseal inspect` shows it: every service the
// ledger records, from its genesis to the newest, each link verified the
// way replay verifies it (kv::VerifyServiceRecord, docs/SERVICE_IDENTITY.md
// §5). Unlike the rest of inspect's output this part is authenticated:
// every link after the genesis is signed by the identity before it, so a
// host that rewrites the files can forge a chain only from a genesis of its
// own, which the --expect-genesis-identity pin catches.
#ifndef LEDGERSEAL_TOOLS_AUDIT_SERVICE_CHAIN_AUDIT_H_
#define LEDGERSEAL_TOOLS_AUDIT_SERVICE_CHAIN_AUDIT_H_

#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/write_set.h"
#include "tools/audit/recovery_decision_audit.h"

namespace ledgerseal::tools {

struct ServiceLink {
  uint64_t at_version = 0;
  kv::ServiceRecord record;
  bool verified = false;  // the link verified against the one before it
  // A coordinated recovery's decision, recorded by this service's first
  // entry; none for a genesis or a recovery without peers.
  std::optional<RecoveryDecisionAudit> decision{};
};

// A typed failure: `error` is a stable name ("broken_endorsement",
// "format_1_ledger", "wrong_genesis", "wrong_service", "no_service_record",
// "foreign_entry" (an entry claiming another service than the chain names
// there; reported once, at the first such entry), "broken_entry_chain",
// "bad_recovery_decision" (a recorded coordinated-recovery decision whose
// claims do not verify or do not support the opener).
struct ChainFailure {
  std::string error;
  uint64_t version = 0;  // 0: about the chain as a whole
  std::string message;
};

struct ServiceChainAudit {
  std::vector<ServiceLink> links;  // genesis first
  std::vector<ChainFailure> failures;
  // The genesis matched --expect-genesis-identity: only then is the chain
  // authenticated (without a pin it is self-consistent: a host could have
  // built a whole chain of its own from a genesis of its own).
  bool genesis_pinned = false;
  bool ok() const { return failures.empty() && !links.empty(); }
};

// Fed every entry in order (its version, bytes and public writes).
// Not thread-safe.
class ServiceChainAuditor {
 public:
  // `header_service_id`: the service the entry's header claims; it must be
  // the newest record's (the genesis and recovery entries carry their own).
  // `previous_entry_digest`: the header's link to the entry before it,
  // which must be that entry's digest (FORMAT §10; reported once, at the
  // first break, as "broken_entry_chain").
  void Entry(uint64_t version, kv::ByteView entry_bytes, const kv::WriteSet& public_writes,
             const std::string& header_service_id, kv::ByteView previous_entry_digest);

  // Ends the walk and checks the pins (empty: none): the genesis identity,
  // and the newest service. Returns the audit.
  ServiceChainAudit Finish(const std::string& expected_genesis_id, const std::string& expected_service_id);

 private:
  ServiceChainAudit audit_;
  kv::Bytes previous_digest_;
  bool foreign_reported_ = false;
  bool chain_break_reported_ = false;
};

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_AUDIT_SERVICE_CHAIN_AUDIT_H_
