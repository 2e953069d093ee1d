// An audit of a node's ledger files, as `ledgerseal inspect` shows it: the
// rotations, who can unseal the latest secret, recovery keys, trusted nodes
// without one, and how the last recovery got its secret. Reads public writes
// only: it needs no secret and no platform.
#ifndef LEDGERSEAL_TOOLS_AUDIT_LEDGER_AUDIT_H_
#define LEDGERSEAL_TOOLS_AUDIT_LEDGER_AUDIT_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "tools/audit/service_chain_audit.h"

namespace ledgerseal::tools {

// What `inspect` shows is read from a disk the host controls, checked only
// by the frames' CRCs: an offline tool holds no key that could authenticate
// it (entries are authenticated under ledger secrets, which recovery
// obtains). Every rendering says so, first.
inline constexpr std::string_view kUnauthenticatedNotice =
    "read from disk, not authenticated (offline, no key can check these records: a host that "
    "rewrites the ledger files can alter what is shown; recovery authenticates every entry)";

struct RotationInfo {
  uint64_t at_version = 0;
  uint64_t ledger_secret_version = 0;
  std::vector<std::string> recipients;  // node ids given a copy
};

struct SharesInfo {
  uint64_t at_version = 0;
  uint64_t ledger_secret_version = 0;
  std::string service_id;
  std::vector<std::string> identities;  // sealing identities sealed for
};

struct RecoveryKeyInfo {
  uint64_t at_version = 0;
  std::string node_id;
  std::string platform;
  std::string policy;  // snp policy name of the field-select bits
  uint64_t tcb_version = 0;
};

struct NodeAudit {
  std::string status;  // pending | trusted | retired
  std::string sealing_identity;
  bool has_recovery_key = false;
};

struct LastRecoveryInfo {
  uint64_t at_version = 0;
  std::string method;  // local_unsealing | recovery_shares
  uint64_t recovered_at_version = 0;
  std::string recovering_identity;  // local_unsealing: the sealing identity
  std::string previous_service_id;
  uint64_t ledger_secret_version = 0;
  std::vector<std::string> recovery_members;  // recovery_shares: whose shares were combined
};

// Recovery members (docs/RECOVERY_SHARES.md): the newest `recovery.members`
// and `recovery.shares` records, as the ledger files show them.
struct RecoveryMembersInfo {
  uint64_t at_version = 0;
  uint32_t threshold = 0;
  std::vector<std::string> members;
};
struct RecoverySharesInfo {
  uint64_t at_version = 0;
  uint64_t ledger_secret_version = 0;
  uint32_t threshold = 0;
  std::vector<std::string> holders;  // members holding a share of that secret
};

struct LedgerAudit {
  uint64_t first_version = 0, last_version = 0, bytes = 0;
  std::string torn_tail;  // empty when the files end cleanly
  std::string service_id;
  std::vector<RotationInfo> rotations;
  uint64_t shares_records = 0;
  std::optional<SharesInfo> latest_shares;
  // Identities that can unseal the latest secret by local sealing (empty if
  // the newest shares record is for an older secret).
  std::vector<std::string> can_unseal_latest;
  std::map<std::string, RecoveryKeyInfo> recovery_keys;  // by sealing identity
  std::map<std::string, NodeAudit> nodes;                 // by node id
  std::vector<std::string> trusted_without_recovery_key;
  std::optional<LastRecoveryInfo> last_recovery;
  std::optional<RecoveryMembersInfo> recovery_members;
  std::optional<RecoverySharesInfo> latest_recovery_shares;
  std::vector<std::string> warnings;
  // The endorsement chain, verified (service_chain_audit.h). Its failures
  // make `inspect` exit non-zero.
  ServiceChainAudit chain;
  // The newest sealing.shares record is signed by the chain's newest
  // identity and every copy in it is bound to that identity.
  bool shares_signature_verified = false;
};

struct AuditOptions {
  std::string expected_genesis_identity;  // a service id; empty: no pin
  std::string expected_service_identity;  // the newest service's id; empty: no pin
};

// Reads `data_dir`/ledger forwards. Errors: kNotFound (no ledger there),
// kCorruption (a frame or record does not parse; names the version). A
// broken chain is not an error here: it is reported in `chain.failures`.
kv::Result<LedgerAudit> AuditLedger(const std::filesystem::path& data_dir, const AuditOptions& options = {});

std::string AuditToText(const LedgerAudit& audit);
std::string AuditToJson(const LedgerAudit& audit);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_AUDIT_LEDGER_AUDIT_H_
