// `ledgerseal`: the command-line entry point (bazel run //tools:ledgerseal).
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <iostream>
#include <span>
#include <string_view>
#include <vector>

#include "tools/command.h"

namespace ledgerseal::tools {
namespace {

// Every command's exit codes (command.h), shown by every --help.
constexpr std::string_view kExitCodes =
    "\nexit codes:\n"
    "  0  success\n"
    "  1  the command ran and failed (the message on stderr says why)\n"
    "  2  bad arguments: unknown command or option, an option without its value,\n"
    "     a bad number, a malformed or unusable configuration\n";

void PrintHelp(std::ostream& out) {
  out << "ledgerseal: local sealing for replicated, encrypted key-value ledgers.\n"
      << "A node restarted on the same (AMD SEV-SNP) hardware recovers the ledger secrets\n"
      << "from the ledger itself, with no human recovery shares.\n\n"
      << "usage: ledgerseal COMMAND [ARGS...]\n"
      << "       ledgerseal COMMAND --help\n\n"
      << "commands:\n";
  for (const Command& c : AllCommands()) {
    out << "  " << c.name << std::string(10 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << kExitCodes;
}

bool IsHelp(std::string_view arg) { return arg == "--help" || arg == "-h" || arg == "help"; }

int Main(std::span<const std::string_view> args) {
  if (args.empty() || IsHelp(args[0])) {
    PrintHelp(std::cout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  for (const Command& c : AllCommands()) {
    if (c.name != args[0]) continue;
    const auto rest = args.subspan(1);
    if (!rest.empty() && IsHelp(rest[0])) {
      std::cout << c.usage << kExitCodes;
      return kExitOk;
    }
    return c.run(rest);
  }
  std::cerr << "ledgerseal: unknown command '" << args[0] << "'\n\n";
  PrintHelp(std::cerr);
  return kExitUsage;
}

}  // namespace
}  // namespace ledgerseal::tools

int main(int argc, char** argv) {
  // Everything a node or a recovery writes (ledger, RocksDB store, Raft,
  // keys of the insecure virtual platform) is private to this user: files
  // 0600, directories 0700, whatever the caller's umask. RocksDB creates its
  // files with the process umask, so this is where it is set.
  ::umask(0077);
  // Ledger secrets and the service identity key live in this process's
  // memory only: an abort must not write them to the host's disk in a core
  // dump, and no other process of this user may read them (ptrace, /proc).
  // Best effort: a failure leaves the defaults, which the guest's own
  // configuration may already make safe.
  const rlimit no_core{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &no_core);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return ledgerseal::tools::Main(args);
}
