#include "tools/command.h"

#include <charconv>
#include <limits>
#include <utility>

namespace ledgerseal::tools {

void RunWhenParsed(CLI::App& command, CommandRun& selected, CommandRun run) {
  command.callback([&selected, run = std::move(run)] { selected = run; });
}

CLI::Validator NumberIn(uint64_t min, uint64_t max) {
  const std::string max_text = max == std::numeric_limits<uint64_t>::max() ? "2^64-1" : std::to_string(max);
  return CLI::Validator(
      [min, max, max_text](std::string& value) -> std::string {
        uint64_t v = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size() || v < min || v > max) {
          return "needs a number from " + std::to_string(min) + " to " + max_text + ", got '" + value + "'";
        }
        return {};
      },
      std::to_string(min) + ".." + max_text);
}

CLI::Validator NotAnOption() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.starts_with("-")) return "needs a value (got the option '" + value + "')";
        return {};
      },
      "");
}

void SetDetails(CLI::App& command, const std::string& details) {
  command.footer(details.empty() ? std::string(kExitCodesHelp) : "\n" + details + kExitCodesHelp);
}

CLI::Option* AddConfigOption(CLI::App& command, std::string& path) {
  return command.add_option("--config", path, "the node's JSON configuration file (docs/CONFIG.md)")
      ->type_name("FILE")
      ->required()
      ->check(NotAnOption());
}

CLI::Option* AddSharesOption(CLI::App& command, std::vector<std::string>& files) {
  return command
      .add_option("--shares", files,
                  "recovery members' share files, comma-separated: recover from them instead of local unsealing")
      ->type_name("FILE,...")
      ->delimiter(',')
      ->check(NotAnOption());
}

std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  // Bounded by the depth of the command tree (at most three levels).
  for (const CLI::App* a = app.get_parent(); a != nullptr; a = a->get_parent()) path = a->get_name() + " " + path;
  return path;
}

}  // namespace ledgerseal::tools
