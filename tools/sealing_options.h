// The sealing plugin's options from a node configuration (shared by the
// commands that load the plugin).
#ifndef LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
#define LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_

#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "plugin/local_sealing/public/local_sealing.h"

namespace ledgerseal::tools {

// Log lines go to stderr prefixed "[node ID] ".
sealing::LocalSealingOptions SealingOptions(const kv::NodeConfig& c);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_SEALING_OPTIONS_H_
