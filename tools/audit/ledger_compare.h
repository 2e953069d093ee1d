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
  // Against the longest usable ledger: how many versions it lacks (when it
  // is a prefix of it), or that it holds another history (its last entry is
  // not the longest's entry at that version, or its chain starts from
  // another genesis).
  uint64_t behind = 0;
  bool diverged = false;
  uint64_t compared_at = 0;  // the version whose entries were compared
};

struct LedgerComparison {
  std::vector<LedgerCandidate> candidates;  // in the order given
  // The ledger to recover from: the longest usable one, when every other
  // usable ledger is a prefix of it (ties: the first given). Empty when no
  // ledger is usable, or when usable ledgers hold different histories:
  // then no single ledger holds all that was written, and an operator must
  // decide (choosing either loses what only the other holds).
  std::optional<size_t> choice;
  std::optional<size_t> longest;  // the longest usable ledger, histories aside
  bool conflict = false;          // usable ledgers hold different histories
};

// Audits each data directory (AuditLedger with `options`) and compares the
// usable ones with the longest: a shorter ledger whose last entry is the
// same entry in the longest is behind by the difference; one whose last
// entry differs there, or whose chain starts from another genesis, holds
// another history (and then there is no choice). A ledger is unusable when
// it cannot be read, its service chain or entry links break (the checks
// recovery makes; findings about sealing.shares records are not counted:
// recovery from members' shares does not use them), it fails a pin of
// `options`, or it starts after version 1. Never fails: each problem is a
// candidate's.
LedgerComparison CompareLedgers(std::span<const std::filesystem::path> data_dirs, const AuditOptions& options);

std::string ComparisonToText(const LedgerComparison& comparison);
std::string ComparisonToJson(const LedgerComparison& comparison);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_AUDIT_LEDGER_COMPARE_H_
