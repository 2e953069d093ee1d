// `ledgerseal`: the command-line entry point (bazel run //tools:ledgerseal).
// Parses with CLI11 (tools/command.h), reports any argument mistake the
// same way for every command, then runs the command given.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <iostream>
#include <regex>
#include <string>
#include <string_view>

#include "tools/command.h"

namespace ledgerseal::tools {
namespace {

// The command the parse ended in: the last subcommand given at each level.
const CLI::App& Deepest(const CLI::App& root) {
  const CLI::App* at = &root;
  // Bounded by the depth of the command tree.
  for (auto given = at->get_subcommands(); !given.empty(); given = at->get_subcommands()) at = given.back();
  return *at;
}

std::string CommandNames(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

// One message per mistake, naming the command, then where to read more.
int ReportUsageError(const CLI::App& root, const CLI::ParseError& e) {
  const CLI::App& at = Deepest(root);
  std::string message = e.what();
  // CLI11 says "--node: 1 required TEXT missing" for an option whose value
  // is missing; say it in words.
  static const std::regex kMissingValue("^(-[^:]+): 1 required [^ ]+ missing$");
  message = std::regex_replace(message, kMissingValue, "option $1 needs a value");
  // An unknown option or command also makes required arguments look
  // missing; the unknown one is the mistake to report.
  const auto extras = root.remaining(/*recurse=*/true);
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr || dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (!extras.empty()) {
      const std::string& first = extras.front();
      message = first.starts_with("-")                 ? "unknown option '" + first + "'"
                : !at.get_subcommands({}).empty() ? "unknown command '" + first + "' (one of: " +
                                                            CommandNames(at) + ")"
                                                      : "unexpected argument '" + first + "'";
    }
  }
  std::cerr << CommandPath(at) << ": " << message << " (see " << CommandPath(at) << " --help)\n";
  return kExitUsage;
}

int Main(int argc, char** argv) {
  CLI::App app("ledgerseal: local sealing for replicated, encrypted key-value ledgers.\n"
               "A node restarted on the same (AMD SEV-SNP) hardware recovers the ledger secrets\n"
               "from the ledger itself, with no human in the loop; recovery members' shares\n"
               "recover it when that hardware is gone.",
               "ledgerseal");
  SetDetails(app, "Each command has its own --help: ledgerseal COMMAND --help.\n");
  CommandRun selected;
  AddDemoCommand(app, selected);
  AddNodeCommand(app, selected);
  AddClientCommand(app, selected);
  AddInspectCommand(app, selected);
  AddRecoverCommand(app, selected);
  AddOperatorCommand(app, selected);
  app.require_subcommand(0, 1);  // one command per call
  if (argc < 2) {  // no command: the overview, as a usage error
    std::cout << app.help();
    return kExitUsage;
  }
  if (std::string_view(argv[1]) == "help") {
    std::cout << app.help();
    return kExitOk;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help: printed to stdout
    return ReportUsageError(app, e);
  }
  if (!selected) {  // a command that needs a subcommand (client, operator) got none
    const CLI::App& at = Deepest(app);
    std::cerr << CommandPath(at) << ": a command is required, one of: " << CommandNames(at) << " (see "
              << CommandPath(at) << " --help)\n";
    return kExitUsage;
  }
  return selected();
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
  return ledgerseal::tools::Main(argc, argv);
}
