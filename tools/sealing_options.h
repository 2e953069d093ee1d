// The sealing plugin's options from a node configuration (shared by the
// commands that load the plugin).
#ifndef LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
#define LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_

#include <memory>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "plugin/local_sealing/public/local_sealing.h"

namespace ledgerseal::tools {

// Log lines go to stderr prefixed "[node ID] ".
sealing::LocalSealingOptions SealingOptions(const kv::NodeConfig& c);

// With local sealing enabled in `c`: creates the plugin and registers its
// recovery hook in `hooks` (the node and offline recovery unseal alike).
// Returns nullptr when local sealing is off. Errors: those of
// LocalSealing::Create and HookRegistry::AddRecoveryHook.
kv::Result<std::unique_ptr<sealing::LocalSealing>> LoadLocalSealing(const kv::NodeConfig& c,
                                                                    kv::HookRegistry& hooks);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
