// The `ledgerseal` tool's subcommands: each is a name, a one-line summary, a
// usage text and an entry point. main() dispatches on the first argument.
#ifndef LEDGERSEAL_TOOLS_COMMAND_H_
#define LEDGERSEAL_TOOLS_COMMAND_H_

#include <span>
#include <string_view>

namespace ledgerseal::tools {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // the command ran and failed
inline constexpr int kExitUsage = 2;         // bad arguments

struct Command {
  std::string_view name;
  std::string_view summary;  // one line, for `ledgerseal --help`
  std::string_view usage;    // full text, for `ledgerseal COMMAND --help`
  // `args` excludes the program and command names.
  int (*run)(std::span<const std::string_view> args);
};

// Every command, in the order `--help` lists them.
std::span<const Command> AllCommands();

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_COMMAND_H_
