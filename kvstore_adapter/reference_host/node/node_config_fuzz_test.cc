// Fuzz target: a node's configuration is operator input; any bytes must give
// a configuration or a typed error naming the problem, never a crash, an
// exception or a stack overflow (deep nesting is refused before parsing).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kvstore_adapter/reference_host/node/public/node_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ::ledgerseal::kv::ParseNodeConfig(text, "/etc/ledgerseal");
  if (config) {
    // What parses must render and parse back.
    auto again = ::ledgerseal::kv::ParseNodeConfig(::ledgerseal::kv::NodeConfigToJson(*config), "/");
    if (!again) __builtin_trap();
  }
  return 0;
}
