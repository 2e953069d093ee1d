// `ledgerseal inspect NODE_DATA_DIR [--json]`: the sealing state of a node's
// ledger, read offline from its files (no secret, no platform needed).
#include <iostream>

#include "tools/audit/ledger_audit.h"
#include "tools/arguments.h"
#include "tools/command.h"
#include "tools/entry_points.h"

namespace ledgerseal::tools {

int RunInspectCommand(std::span<const std::string_view> args) {
  std::string dir;
  bool json = false;
  for (std::string_view a : args) {
    if (a == "--json") {
      json = true;
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
  auto audit = AuditLedger(dir);
  if (!audit) {
    std::cerr << "ledgerseal inspect: " << audit.error().ToString() << "\n";
    return kExitFailure;
  }
  std::cout << (json ? AuditToJson(*audit) + "\n" : AuditToText(*audit));
  return kExitOk;
}

}  // namespace ledgerseal::tools
