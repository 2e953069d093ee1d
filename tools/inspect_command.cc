// `ledgerseal inspect NODE_DATA_DIR [--json] [--expect-genesis-identity ID]
// [--expect-service-identity ID]`: the sealing state of a node's ledger,
// read offline from its files (no secret, no platform needed), and its
// service endorsement chain, verified (exit 1 if it does not verify).
#include <iostream>

#include "tools/audit/ledger_audit.h"
#include "tools/arguments.h"
#include "tools/command.h"
#include "tools/entry_points.h"

namespace ledgerseal::tools {

int RunInspectCommand(std::span<const std::string_view> args) {
  std::string dir;
  bool json = false;
  AuditOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--expect-genesis-identity" || a == "--expect-service-identity") {
      if (i + 1 >= args.size()) {
        std::cerr << "ledgerseal inspect: " << a << " needs a service id\n";
        return kExitUsage;
      }
      (a == "--expect-genesis-identity" ? options.expected_genesis_identity : options.expected_service_identity) =
          std::string(args[++i]);
    } else if (!a.starts_with("--") && dir.empty()) {
      dir = std::string(a);
    } else {
      UnexpectedArgument("inspect", a);
      return kExitUsage;
    }
  }
  if (dir.empty()) {
    std::cerr << "ledgerseal inspect: NODE_DATA_DIR is required\n";
    return kExitUsage;
  }
  auto audit = AuditLedger(dir, options);
  if (!audit) {
    std::cerr << "ledgerseal inspect: " << audit.error().ToString() << "\n";
    return kExitFailure;
  }
  std::cout << (json ? AuditToJson(*audit) + "\n" : AuditToText(*audit));
  // A broken or mis-pinned chain is a finding the caller must not miss.
  return audit->chain.ok() ? kExitOk : kExitFailure;
}

}  // namespace ledgerseal::tools
