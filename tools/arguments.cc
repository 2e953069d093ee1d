#include "tools/arguments.h"

#include <charconv>
#include <iostream>
#include <limits>

namespace ledgerseal::tools {

std::optional<std::string_view> OptionValue(std::string_view command, std::span<const std::string_view> args,
                                            size_t& i) {
  const std::string_view option = args[i];
  if (i + 1 >= args.size() || args[i + 1].starts_with("--")) {
    std::cerr << "ledgerseal " << command << ": option " << option << " needs a value\n";
    return std::nullopt;
  }
  return args[++i];
}

std::optional<uint64_t> ParseNumber(std::string_view command, std::string_view option, std::string_view value,
                                    uint64_t min, uint64_t max) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < min || v > max) {
    std::cerr << "ledgerseal " << command << ": option " << option << " needs a number from " << min << " to "
              << (max == std::numeric_limits<uint64_t>::max() ? std::string("2^64-1") : std::to_string(max))
              << ", got '" << value << "'\n";
    return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> NumberOption(std::string_view command, std::span<const std::string_view> args, size_t& i,
                                     uint64_t min, uint64_t max) {
  const std::string_view option = args[i];
  auto value = OptionValue(command, args, i);
  if (!value) return std::nullopt;
  return ParseNumber(command, option, *value, min, max);
}

void UnexpectedArgument(std::string_view command, std::string_view arg) {
  std::cerr << "ledgerseal " << command << ": " << (arg.starts_with("--") ? "unknown option '" : "unexpected argument '")
            << arg << "' (see ledgerseal " << command << " --help)\n";
}

}  // namespace ledgerseal::tools
