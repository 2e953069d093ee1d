// The sealing plugin's options from a node configuration (shared by the
// commands that load the plugin).
#ifndef LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
#define LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_

#include <memory>

#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "plugin/local_sealing/public/local_sealing.h"

namespace ledgerseal::tools {

// Log lines go to stderr prefixed "[node ID] ".
sealing::LocalSealingOptions SealingOptions(const kv::NodeConfig& c);

// Loads the sealing plugin as `c` configures it and registers its hooks
// through the interface (LocalSealing::RegisterWith): with local sealing
// enabled, both hooks; without, the sealing-only transaction hook (as
// primary the node keeps sealing for the nodes that do) and nullptr is
// returned. Errors: those of LocalSealing::Create and HookRegistrar.
// `first_start`: the node starts a service or joins one, and may create the
// virtual platform's machine secret; recovery (node --recover, `ledgerseal
// recover`) never creates one.
kv::Result<std::unique_ptr<sealing::LocalSealing>> LoadLocalSealing(const kv::NodeConfig& c,
                                                                    kv::HookRegistrar& hooks, bool first_start);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
