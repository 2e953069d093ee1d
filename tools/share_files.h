// Recovery members' share files on the command line (`recover --shares`,
// `node --recover --shares`): docs/RECOVERY_SHARES.md.
#ifndef LEDGERSEAL_TOOLS_SHARE_FILES_H_
#define LEDGERSEAL_TOOLS_SHARE_FILES_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/node/public/node_process.h"

namespace ledgerseal::tools {

// Reads and decodes every share file (`files` as `--shares FILE,FILE,...`
// split at its commas; empty names are ignored), then registers the recovery-shares
// hook with them first in `hooks` (the shares are the recovery the operator
// asked for: tried before local unsealing, whose hardware may be gone).
// Errors: a file that cannot be read or decoded (kInvalidArgument, naming
// it, or no file named); HookRegistrar's. Log lines go to stderr prefixed "ledgerseal COMMAND: ".
// The recovery-shares hook that waits for shares submitted over the network
// (`ledgerseal client submit-share`; docs/RECOVERY_SHARES.md, "Submitting
// shares"): registers it in `hooks` (after those registered before) and
// sets `input` so the recovering node hands it the submissions. It waits at
// most `wait_s` seconds once it has read the record, and ends when `stop`
// is set. Errors: HookRegistrar's.
kv::Status RegisterAwaitedShares(std::string_view command, uint64_t wait_s, const std::atomic<bool>* stop,
                                 kv::HookRegistry& hooks, kv::node::RecoveryInput& input);

kv::Status RegisterShareFiles(std::string_view command, const std::vector<std::string>& files,
                              kv::HookRegistry& hooks);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_SHARE_FILES_H_
