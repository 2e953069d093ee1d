// Recovery members' share files on the command line (`recover --shares`,
// `node --recover --shares`): docs/RECOVERY_SHARES.md.
#ifndef LEDGERSEAL_TOOLS_SHARE_FILES_H_
#define LEDGERSEAL_TOOLS_SHARE_FILES_H_

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "kvstore_adapter/host_support/public/hook_registry.h"

namespace ledgerseal::tools {

// FILE[,FILE...] as paths; prints "ledgerseal COMMAND: option --shares
// needs FILE[,FILE...]" and returns nullopt for an empty list.
std::optional<std::vector<std::filesystem::path>> ShareFileList(std::string_view command, std::string_view value);

// Reads and decodes every share file, then registers the recovery-shares
// hook with them first in `hooks` (the shares are the recovery the operator
// asked for: tried before local unsealing, whose hardware may be gone).
// Errors: a file that cannot be read or decoded (kInvalidArgument, naming
// it); HookRegistrar's. Log lines go to stderr prefixed "ledgerseal COMMAND: ".
kv::Status RegisterShareFiles(std::string_view command, const std::vector<std::filesystem::path>& files,
                              kv::HookRegistry& hooks);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_SHARE_FILES_H_
