// The directory `ledgerseal demo` works in, and what it may remove
// afterwards: only what it created. A --dir that exists keeps everything it
// held before.
#ifndef LEDGERSEAL_TOOLS_DEMO_WORKDIR_H_
#define LEDGERSEAL_TOOLS_DEMO_WORKDIR_H_

#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace ledgerseal::tools {

struct WorkDir {
  std::filesystem::path root;
  bool created = false;            // the demo made `root` itself
  std::set<std::filesystem::path> existing{};  // entries of `root` before the demo ran
};

// `dir` prepared (a new temporary directory when empty). Errors (a message
// for the operator): `dir` is not a directory, cannot be created, or cannot
// be written.
std::optional<WorkDir> PrepareWorkDir(const std::string& dir, std::string& error);

// Removes what the demo added to `w.root` (and `w.root` itself if the demo
// made it); never an entry that was there before.
void RemoveWhatTheDemoCreated(const WorkDir& w);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_DEMO_WORKDIR_H_
