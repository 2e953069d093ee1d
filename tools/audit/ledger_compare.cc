#include "tools/audit/ledger_compare.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace ledgerseal::tools {
namespace {

// The digest of entry `version` of `data_dir`'s ledger; empty when it
// cannot be read (the caller then reports the ledgers as diverged).
kv::Bytes DigestAt(const std::filesystem::path& data_dir, uint64_t version) {
  auto view = kv::ledger::LedgerView::Open(data_dir / "ledger");
  if (!view) return {};
  auto entry = (*view)->Get(version);
  if (!entry) return {};
  auto digest = kv::entry::EntryDigest(entry->payload);
  return digest ? *digest : kv::Bytes{};
}

std::string ProblemOf(const LedgerAudit& audit) {
  if (!audit.chain.ok()) {
    const std::string first = audit.chain.failures.empty() ? "no service record" : audit.chain.failures[0].message;
    return "its service chain does not verify (" + first + ")";
  }
  if (audit.first_version != 1) {
    return "its ledger starts at version " + std::to_string(audit.first_version) +
           " (the node started from a snapshot): it cannot rebuild the store";
  }
  return "";
}

std::string Name(const LedgerCandidate& c) { return c.data_dir.string(); }

}  // namespace

LedgerComparison CompareLedgers(std::span<const std::filesystem::path> data_dirs, const AuditOptions& options) {
  LedgerComparison out;
  for (const auto& dir : data_dirs) {
    LedgerCandidate c;
    c.data_dir = dir;
    auto audit = AuditLedger(dir, options);
    if (!audit) {
      c.problem = audit.error().ToString();
    } else {
      c.problem = ProblemOf(*audit);
      c.audit = std::move(*audit);
    }
    out.candidates.push_back(std::move(c));
  }
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    const auto& c = out.candidates[i];
    if (!c.problem.empty()) continue;
    if (!out.choice || c.audit->last_version > out.candidates[*out.choice].audit->last_version) out.choice = i;
  }
  if (!out.choice) return out;
  const LedgerCandidate& chosen = out.candidates[*out.choice];
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    LedgerCandidate& c = out.candidates[i];
    if (i == *out.choice || !c.problem.empty()) continue;
    const uint64_t last = c.audit->last_version;
    c.behind = chosen.audit->last_version - last;
    const kv::Bytes mine = DigestAt(c.data_dir, last);
    if (mine.empty() || mine != DigestAt(chosen.data_dir, last)) {
      c.diverged = true;
      c.diverged_at = last;
    }
  }
  return out;
}

std::string ComparisonToText(const LedgerComparison& cmp) {
  std::ostringstream out;
  out << "ledgers compared (" << kUnauthenticatedNotice << "):\n";
  for (const auto& c : cmp.candidates) {
    out << "  " << Name(c) << ": ";
    if (!c.audit) {
      out << "unreadable: " << c.problem << "\n";
      continue;
    }
    out << "versions " << c.audit->first_version << ".." << c.audit->last_version << ", service "
        << c.audit->service_id;
    if (!c.audit->torn_tail.empty()) out << ", torn tail ignored";
    out << "\n";
  }
  if (!cmp.choice) {
    out << "no ledger can be recovered from:\n";
    for (const auto& c : cmp.candidates) out << "  " << Name(c) << ": " << c.problem << "\n";
    return out.str();
  }
  const LedgerCandidate& chosen = cmp.candidates[*cmp.choice];
  out << "recover from " << Name(chosen) << ": the longest ledger (version " << chosen.audit->last_version << ")\n";
  for (size_t i = 0; i < cmp.candidates.size(); ++i) {
    const auto& c = cmp.candidates[i];
    if (i == *cmp.choice) continue;
    out << "  " << Name(c) << ": ";
    if (!c.problem.empty()) {
      out << "cannot be recovered from: " << c.problem << "\n";
    } else if (c.diverged) {
      out << "WARNING: holds another history: its entry " << c.diverged_at << " is not " << Name(chosen)
          << "'s (a fork or an altered ledger); recovering from it would lose " << Name(chosen) << "'s\n";
    } else if (c.behind == 0) {
      out << "the same ledger\n";
    } else {
      out << "worse: " << c.behind << " version(s) behind (a prefix of " << Name(chosen)
          << "); recovering from it would lose them\n";
    }
  }
  return out.str();
}

std::string ComparisonToJson(const LedgerComparison& cmp) {
  using nlohmann::json;
  json j;
  j["authenticated"] = false;
  j["authentication"] = std::string(kUnauthenticatedNotice);
  j["choice"] = cmp.choice ? json(Name(cmp.candidates[*cmp.choice])) : json(nullptr);
  json list = json::array();
  for (const auto& c : cmp.candidates) {
    json e;
    e["data_dir"] = Name(c);
    e["usable"] = c.problem.empty();
    if (!c.problem.empty()) e["problem"] = c.problem;
    if (c.audit) {
      e["first_version"] = c.audit->first_version;
      e["last_version"] = c.audit->last_version;
      e["service_id"] = c.audit->service_id;
    }
    if (c.problem.empty() && cmp.choice) {
      e["behind"] = c.behind;
      e["diverged"] = c.diverged;
      if (c.diverged) e["diverged_at"] = c.diverged_at;
    }
    list.push_back(std::move(e));
  }
  j["ledgers"] = std::move(list);
  return j.dump(2);
}

}  // namespace ledgerseal::tools
