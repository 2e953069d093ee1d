#include "tools/sealing_options.h"

#include <iostream>
#include <memory>

#include "base/background_worker.h"

namespace ledgerseal::tools {

sealing::LocalSealingOptions SealingOptions(const kv::NodeConfig& c) {
  sealing::LocalSealingOptions o;
  o.node_id = c.node_id;
  o.sealing_identity = c.sealing.sealing_identity;
  o.previous_sealing_identity = c.sealing.previous_local_sealing_identity;
  o.platform = c.sealing.platform;
  o.policy = c.sealing.policy;
  o.fail_on_unseal_error = c.sealing.on_failure == kv::SealingFailurePolicy::kFail;
  o.virtual_machine_secret_path = c.sealing.virtual_machine_secret_path;
  o.root_key = c.sealing.root_key;
  o.vmpl = c.sealing.vmpl;
  o.virtual_launch_json = c.sealing.virtual_launch_json;
  const std::string prefix = "[node " + c.node_id + "] ";
  // One write per line (std::cerr is unbuffered: each << would be a system
  // call, and the primary logs on the commit path of every rotation).
  o.log = [prefix](std::string_view line) {
    std::string out = prefix;
    out.append(line).push_back('\n');
    std::cerr.write(out.data(), static_cast<std::streamsize>(out.size()));
  };
  return o;
}

namespace {

// The node's pre-sealing thread (LocalSealingOptions::background). Owned by
// the function, which the hooks' options hold: it lives as long as they do.
// Two waiting tasks at most: only the newest request is ever used.
std::function<void(std::function<void()>)> NewBackground() {
  auto worker = std::make_shared<base::BackgroundWorker>(2);
  return [worker](std::function<void()> task) { (void)worker->Post(std::move(task)); };
}

}  // namespace

kv::Result<std::unique_ptr<sealing::LocalSealing>> LoadLocalSealing(const kv::NodeConfig& c,
                                                                    kv::HookRegistrar& hooks, bool first_start) {
  if (!c.sealing.enable_local_sealing) {
    if (auto s = sealing::RegisterSealingOnly(hooks, SealingOptions(c).log, NewBackground()); !s) {
      return std::unexpected(s.error());
    }
    return std::unique_ptr<sealing::LocalSealing>();
  }
  auto options = SealingOptions(c);
  options.create_virtual_machine_secret = first_start;
  options.background = NewBackground();
  auto plugin = sealing::LocalSealing::Create(std::move(options));
  if (!plugin) return std::unexpected(plugin.error());
  if (auto s = (*plugin)->RegisterWith(hooks); !s) return std::unexpected(s.error());
  return plugin;
}

}  // namespace ledgerseal::tools
