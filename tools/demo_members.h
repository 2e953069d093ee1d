// `ledgerseal demo --lose-hardware`: the recovery members' side of the demo
// (docs/RECOVERY_SHARES.md), as an operator would do it with the CLI.
#ifndef LEDGERSEAL_TOOLS_DEMO_MEMBERS_H_
#define LEDGERSEAL_TOOLS_DEMO_MEMBERS_H_

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::tools {

inline constexpr const char* kDemoMembers[] = {"alice", "bob", "carol"};

// Runs `binary ARGS` (stdout and stderr together); the exit status and output.
std::pair<int, std::string> RunSelf(const std::filesystem::path& binary, const std::string& args);

// `ledgerseal operator keygen` for each of kDemoMembers into `dir`; returns
// (name, public key file) for the node configuration.
kv::Result<std::vector<std::pair<std::string, std::filesystem::path>>> MakeDemoMembers(
    const std::filesystem::path& binary, const std::filesystem::path& dir);

// `ledgerseal operator decrypt-share` for `names` against `data_dir`: the
// share files, in `dir`.
kv::Result<std::vector<std::filesystem::path>> DecryptDemoShares(const std::filesystem::path& binary,
                                                                 const std::filesystem::path& dir,
                                                                 const std::filesystem::path& data_dir,
                                                                 const std::vector<std::string>& names);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_DEMO_MEMBERS_H_
