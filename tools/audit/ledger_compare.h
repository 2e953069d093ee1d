// `ledgerseal inspect DIR DIR ...`: several nodes' ledgers compared, and
// which one to recover from (docs/REFERENCE_HOST.md, "Choosing the ledger
// to recover from"). Offline and advisory: what it compares is read from
// disks the host controls (kUnauthenticatedNotice); recovery authenticates
// the ledger it is given, and a truncated one recovers less.
#ifndef LEDGERSEAL_TOOLS_AUDIT_LEDGER_COMPARE_H_
#define LEDGERSEAL_TOOLS_AUDIT_LEDGER_COMPARE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tools/audit/ledger_audit.h"

namespace ledgerseal::tools {

struct LedgerCandidate {
  std::filesystem::path data_dir;
  std::optional<LedgerAudit> audit;  // nullopt: the ledger could not be read
  // Why it cannot be recovered from at all (unreadable, a broken service
  // chain, starts after version 1); empty when it can.
  std::string problem;
  // Against the chosen ledger: how many versions it lacks, or that it holds
  // another history (an entry both have differs).
  uint64_t behind = 0;
  bool diverged = false;
  uint64_t diverged_at = 0;  // the version compared when diverged
};

struct LedgerComparison {
  std::vector<LedgerCandidate> candidates;  // in the order given
  // The longest ledger that can be recovered from (ties: the first given).
  std::optional<size_t> choice;
};

// Audits each data directory (AuditLedger with `options`) and compares the
// usable ones with the longest: a shorter ledger whose last entry is the
// same entry in the longest is behind by the difference; one whose last
// entry differs there holds another history. Never fails: a directory that
// cannot be read is a candidate with its problem.
LedgerComparison CompareLedgers(std::span<const std::filesystem::path> data_dirs, const AuditOptions& options);

std::string ComparisonToText(const LedgerComparison& comparison);
std::string ComparisonToJson(const LedgerComparison& comparison);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_AUDIT_LEDGER_COMPARE_H_
