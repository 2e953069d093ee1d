// `ledgerseal inspect NODE_DATA_DIR [--json] [--expect-genesis-identity ID]
// [--expect-service-identity ID]`: the sealing state of a node's ledger,
// read offline from its files (no secret, no platform needed), and its
// service endorsement chain, verified (exit 1 if it does not verify).
#include <iostream>
#include <filesystem>
#include <memory>
#include <vector>

#include "tools/audit/ledger_audit.h"
#include "tools/audit/ledger_compare.h"
#include "tools/command.h"

namespace ledgerseal::tools {
namespace {

constexpr char kDetails[] =
    "Reads the node's ledger files (public writes only: no secret, no platform) and\n"
    "shows the service endorsement chain, the rotations, the sealed-shares records,\n"
    "which sealing identities can unseal the latest ledger secret, every sealed\n"
    "recovery key (platform, policy, TCB), trusted nodes without one, the recovery\n"
    "members and who holds shares of the newest secret, and how the last recovery\n"
    "got its secret.\n"
    "\n"
    "The service chain IS verified: each recovered service's record is signed by\n"
    "the identity before it, back to the genesis, and every entry must belong to\n"
    "the service the chain names there. Without a pin that proves the chain\n"
    "self-consistent only (a host could build a whole chain from a genesis of its\n"
    "own); --expect-genesis-identity makes it authenticated (--json:\n"
    "\"service_chain_genesis_pinned\": true). A broken or mis-pinned chain is printed\n"
    "as FAILED (--json: \"failures\": [{\"error\", \"version\", \"message\"}]) and\n"
    "inspect exits 1.\n"
    "\n"
    "Nothing else it shows is authenticated: offline, no key can check the other\n"
    "records (only the frames' checksums), so a host that rewrites the ledger files\n"
    "can alter them. Both renderings say so first (--json: \"authenticated\": false).\n"
    "Recovery authenticates every entry.\n"
    "\n"
    "With several data directories (e.g. every node's, after an outage), inspect\n"
    "compares their ledgers and names the one to recover from: the longest whose\n"
    "service chain verifies and that starts at version 1, when every other usable\n"
    "ledger is a prefix of it; for each other it says how many versions it lacks,\n"
    "or why it cannot be recovered from. When usable ledgers hold different\n"
    "histories (an entry both have differs, or another genesis: a fork, e.g. a\n"
    "node that recovered alone, or an altered ledger) it names none (--json:\n"
    "\"choice\": null, \"conflict\": true): recovering from either loses what only\n"
    "the other holds. Exit 1 when it names none.\n";

struct InspectArgs {
  std::vector<std::string> dirs;
  bool json = false;
  AuditOptions options;
};

// Several directories: which ledger to recover from.
int RunCompare(const InspectArgs& args) {
  const std::vector<std::filesystem::path> dirs(args.dirs.begin(), args.dirs.end());
  const LedgerComparison cmp = CompareLedgers(dirs, args.options);
  std::cout << (args.json ? ComparisonToJson(cmp) + "\n" : ComparisonToText(cmp));
  // No choice (nothing usable, or histories that differ) needs a person.
  return cmp.choice ? kExitOk : kExitFailure;
}

int RunInspect(const InspectArgs& args) {
  if (args.dirs.size() > 1) return RunCompare(args);
  auto audit = AuditLedger(args.dirs.front(), args.options);
  if (!audit) {
    std::cerr << "ledgerseal inspect: " << audit.error().ToString() << "\n";
    return kExitFailure;
  }
  std::cout << (args.json ? AuditToJson(*audit) + "\n" : AuditToText(*audit));
  // A broken or mis-pinned chain is a finding the caller must not miss.
  return audit->chain.ok() ? kExitOk : kExitFailure;
}

}  // namespace

void AddInspectCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* inspect = root.add_subcommand("inspect", "show the sealing state of a node's ledger");
  SetDetails(*inspect, kDetails);
  inspect
      ->add_option("NODE_DATA_DIR", args->dirs,
                   "a node's data directory (its ledger/ is read); several: compare them and say which to recover "
                   "from")
      ->required();
  inspect->add_flag("--json", args->json, "print JSON instead of text");
  inspect
      ->add_option("--expect-genesis-identity", args->options.expected_genesis_identity,
                   "the chain must start from this service (authenticates the chain)")
      ->type_name("SERVICE_ID")
      ->check(NotAnOption());
  inspect
      ->add_option("--expect-service-identity", args->options.expected_service_identity,
                   "the newest service must be this one")
      ->type_name("SERVICE_ID")
      ->check(NotAnOption());
  RunWhenParsed(*inspect, selected, [args] { return RunInspect(*args); });
}

}  // namespace ledgerseal::tools
