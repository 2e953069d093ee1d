// Argument parsing shared by the `ledgerseal` commands: option values and
// numbers, with one message for each mistake, naming the command, the
// option and the bad value. Each helper prints its message to stderr as
// "ledgerseal COMMAND: ..." and returns nullopt; the caller exits kExitUsage.
#ifndef LEDGERSEAL_TOOLS_ARGUMENTS_H_
#define LEDGERSEAL_TOOLS_ARGUMENTS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ledgerseal::tools {

// The value of the option at args[i] and advances i past it. Missing (the
// option is last, or followed by another --option): "option --X needs a
// value".
std::optional<std::string_view> OptionValue(std::string_view command, std::span<const std::string_view> args,
                                            size_t& i);

// `value` as a whole decimal number in [min, max]; otherwise "option --X
// needs a number from MIN to MAX, got 'VALUE'".
std::optional<uint64_t> ParseNumber(std::string_view command, std::string_view option, std::string_view value,
                                    uint64_t min, uint64_t max);

// OptionValue then ParseNumber.
std::optional<uint64_t> NumberOption(std::string_view command, std::span<const std::string_view> args, size_t& i,
                                     uint64_t min, uint64_t max);

// "unknown option '--X'" for an argument starting with "--", otherwise
// "unexpected argument 'X'"; then "(see ledgerseal COMMAND --help)".
void UnexpectedArgument(std::string_view command, std::string_view arg);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_ARGUMENTS_H_
