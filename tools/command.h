// The `ledgerseal` tool's commands, parsed with CLI11 (Debian libcli11-dev).
// Each command file registers its subcommand on the root app: its options,
// their checks, its help text, and what it runs once its arguments parsed.
// main() (ledgerseal_main.cc) parses, reports every argument mistake the
// same way ("ledgerseal COMMAND: ... (see ledgerseal COMMAND --help)",
// exit 2), then runs the chosen command.
#ifndef LEDGERSEAL_TOOLS_COMMAND_H_
#define LEDGERSEAL_TOOLS_COMMAND_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ledgerseal::tools {

// Exit codes of every command (shown by every --help, kExitCodesHelp).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed
inline constexpr int kExitUsage = 2;    // bad arguments

inline constexpr char kExitCodesHelp[] =
    "\nexit codes:\n"
    "  0  success\n"
    "  1  the command ran and failed (the message on stderr says why)\n"
    "  2  bad arguments: unknown command or option, an option without its value,\n"
    "     a bad number, a malformed or unusable configuration\n";

// A parsed command's work; returns an exit code.
using CommandRun = std::function<int()>;

// Makes `run` the work to do when `command` is the command parsed (CLI11
// calls back only for the subcommand given). `selected` outlives parsing.
void RunWhenParsed(CLI::App& command, CommandRun& selected, CommandRun run);

// An option's value must be a whole decimal number in [min, max]:
// "needs a number from MIN to MAX, got 'VALUE'".
[[nodiscard]] CLI::Validator NumberIn(uint64_t min, uint64_t max);

// An option's value must not look like an option: `--node --private`
// is a missing value, not the address "--private".
[[nodiscard]] CLI::Validator NotAnOption();

// A command's help after its options: `details` (what it does, in full),
// then the exit codes. Its one-line summary is the subcommand's description.
void SetDetails(CLI::App& command, const std::string& details);

// The options `node` and `recover` share: --config FILE (required) and
// --shares FILE,... (recovery members' share files, split at commas).
CLI::Option* AddConfigOption(CLI::App& command, std::string& path);
CLI::Option* AddSharesOption(CLI::App& command, std::vector<std::string>& files);

// "ledgerseal client get" for the app of `client get`.
[[nodiscard]] std::string CommandPath(const CLI::App& app);

// The subcommands, one file each (registered in this order by main()).
void AddDemoCommand(CLI::App& root, CommandRun& selected);
void AddNodeCommand(CLI::App& root, CommandRun& selected);
void AddClientCommand(CLI::App& root, CommandRun& selected);
void AddInspectCommand(CLI::App& root, CommandRun& selected);
void AddRecoverCommand(CLI::App& root, CommandRun& selected);
void AddOperatorCommand(CLI::App& root, CommandRun& selected);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_COMMAND_H_
