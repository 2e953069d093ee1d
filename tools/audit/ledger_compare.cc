#include "tools/audit/ledger_compare.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <sstream>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace ledgerseal::tools {
namespace {

using ViewResult = kv::Result<std::unique_ptr<kv::ledger::LedgerView>>;

ViewResult OpenView(const std::filesystem::path& data_dir) {
  return kv::ledger::LedgerView::Open(data_dir / "ledger");
}

// The digest of entry `version` of an opened ledger.
kv::Result<kv::Bytes> DigestAt(const ViewResult& view, uint64_t version) {
  if (!view) return std::unexpected(view.error());
  auto entry = (*view)->Get(version);
  if (!entry) return std::unexpected(entry.error());
  return kv::entry::EntryDigest(entry->payload);
}

// Findings about the newest sealing.shares record (AuditLedger reports them
// with the chain's): they matter to local unsealing, not to whether the
// ledger itself can be recovered.
bool AboutSealedShares(const ChainFailure& f) { return f.message.starts_with("sealing.shares"); }

std::string ProblemOf(const LedgerAudit& audit) {
  for (const auto& f : audit.chain.failures) {
    if (!AboutSealedShares(f)) return "its service chain does not verify (" + f.error + ": " + f.message + ")";
  }
  if (audit.chain.links.empty()) return "it records no service";
  if (audit.first_version != 1) {
    return "its ledger starts at version " + std::to_string(audit.first_version) +
           " (the node started from a snapshot): it cannot rebuild the store";
  }
  return "";
}

std::string GenesisOf(const LedgerAudit& audit) { return audit.chain.links.front().record.service_id; }

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
    if (!out.longest || c.audit->last_version > out.candidates[*out.longest].audit->last_version) out.longest = i;
  }
  if (!out.longest) return out;
  const LedgerCandidate& longest = out.candidates[*out.longest];
  const ViewResult longest_view = OpenView(longest.data_dir);  // once, for every comparison
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    LedgerCandidate& c = out.candidates[i];
    if (i == *out.longest || !c.problem.empty()) continue;
    const uint64_t last = c.audit->last_version;
    c.compared_at = last;
    c.behind = longest.audit->last_version - last;
    if (GenesisOf(*c.audit) != GenesisOf(*longest.audit)) {
      c.diverged = true;
      continue;
    }
    auto mine = DigestAt(OpenView(c.data_dir), last);
    auto theirs = DigestAt(longest_view, last);
    if (!mine || !theirs) {
      c.problem = "could not be compared with " + Name(longest) + " at version " + std::to_string(last) + ": " +
                  (mine ? Name(longest) + ": " + theirs.error().ToString() : mine.error().ToString());
      continue;
    }
    c.diverged = *mine != *theirs;
  }
  out.conflict = std::ranges::any_of(out.candidates, [](const LedgerCandidate& c) { return c.diverged; });
  if (!out.conflict) out.choice = out.longest;
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
  if (!cmp.longest) {
    out << "no ledger can be recovered from:\n";
    for (const auto& c : cmp.candidates) out << "  " << Name(c) << ": " << c.problem << "\n";
    return out.str();
  }
  const LedgerCandidate& longest = cmp.candidates[*cmp.longest];
  if (cmp.conflict) {
    out << "NO CHOICE: these ledgers hold different histories, so none holds all that was written; recovering\n"
        << "from one loses what only the others hold (a fork, e.g. a node that recovered alone, or an altered\n"
        << "ledger). The longest is " << Name(longest) << " (version " << longest.audit->last_version
        << ", newest service " << longest.audit->service_id << ").\n";
  } else {
    out << "recover from " << Name(longest) << ": the longest ledger (version " << longest.audit->last_version
        << "), and every other usable one is a prefix of it\n";
  }
  for (size_t i = 0; i < cmp.candidates.size(); ++i) {
    const auto& c = cmp.candidates[i];
    if (i == *cmp.longest) continue;
    out << "  " << Name(c) << ": ";
    if (!c.problem.empty()) {
      out << "cannot be recovered from: " << c.problem << "\n";
    } else if (c.diverged) {
      out << "holds another history: its entry " << c.compared_at << " is not " << Name(longest)
          << "'s (or its chain starts from another genesis); newest service " << c.audit->service_id << "\n";
    } else if (c.behind == 0) {
      out << "the same ledger\n";
    } else {
      out << c.behind << " version(s) behind (a prefix of " << Name(longest) << "); recovering from it would lose "
          << "them\n";
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
  j["longest"] = cmp.longest ? json(Name(cmp.candidates[*cmp.longest])) : json(nullptr);
  j["conflict"] = cmp.conflict;
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
    if (c.problem.empty() && cmp.longest) {
      e["diverged"] = c.diverged;
      if (!c.diverged) e["behind"] = c.behind;
      e["compared_at"] = c.compared_at;
    }
    list.push_back(std::move(e));
  }
  j["ledgers"] = std::move(list);
  return j.dump(2);
}

}  // namespace ledgerseal::tools
