// Entry points of the `ledgerseal` subcommands, one file each.
#ifndef LEDGERSEAL_TOOLS_ENTRY_POINTS_H_
#define LEDGERSEAL_TOOLS_ENTRY_POINTS_H_

#include <span>
#include <string_view>

namespace ledgerseal::tools {

// `args` excludes the program and command names; each returns an exit code
// from command.h.
int RunNodeCommand(std::span<const std::string_view> args);
int RunClientCommand(std::span<const std::string_view> args);
int RunDemoCommand(std::span<const std::string_view> args);
int RunInspectCommand(std::span<const std::string_view> args);
int RunRecoverCommand(std::span<const std::string_view> args);
int RunOperatorCommand(std::span<const std::string_view> args);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_ENTRY_POINTS_H_
