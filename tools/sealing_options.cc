#include "tools/sealing_options.h"

#include <iostream>
#include <memory>

#include "base/background_worker.h"
#include "crypto/public/pem.h"
#include "tools/file_io.h"
#include "plugin/public/recovery_shares.h"

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
// Four waiting tasks at most (a rotation posts two, sealed shares and
// recovery shares; only the newest request of each is ever used). A task is
// posted from inside the commit whose successor it prepares: it starts
// kPresealStartDelayMs later, after that commit (5-20 ms on the reference
// host, BENCHMARKS.md), and at idle priority, so that it does not compete
// with commits for a CPU. Rotations are minutes apart in use; one that
// comes sooner seals on its own.
constexpr uint32_t kPresealStartDelayMs = 20;
constexpr size_t kPresealMaxPending = 4;

std::function<void(std::function<void()>)> NewBackground() {
  auto worker = std::make_shared<base::BackgroundWorker>(kPresealMaxPending, base::WorkerPriority::kIdle,
                                                         kPresealStartDelayMs);
  return [worker](std::function<void()> task) { (void)worker->Post(std::move(task)); };
}

// The recovery members the configuration names, their PEM public keys read.
kv::Result<std::optional<recovery::v1::RecoveryConfig>> RecoveryMembers(const kv::NodeConfig& c) {
  if (c.recovery_shares.members.empty()) return std::optional<recovery::v1::RecoveryConfig>();
  std::vector<recovery::Member> members;
  for (const auto& [name, file] : c.recovery_shares.members) {
    std::string why;
    const auto pem = ReadSmallFile(file, why);
    if (!pem) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "recovery_shares.members." + name + ": " + why);
    auto der = crypto::PemToDer(crypto::kPublicKeyPemLabel, *pem);
    if (!der) {
      return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                           "recovery_shares.members." + name + ": " + file.string() + ": " + der.error());
    }
    members.push_back({name, std::move(*der)});
  }
  auto config = recovery::MakeRecoveryConfig(std::move(members), c.recovery_shares.threshold);
  if (!config) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "recovery_shares: " + config.error().message);
  return std::optional<recovery::v1::RecoveryConfig>(std::move(*config));
}

}  // namespace

kv::Result<std::unique_ptr<sealing::LocalSealing>> LoadLocalSealing(const kv::NodeConfig& c,
                                                                    kv::HookRegistrar& hooks, bool first_start) {
  auto members = RecoveryMembers(c);
  if (!members) return std::unexpected(members.error());
  if (!c.sealing.enable_local_sealing) {
    if (auto s = sealing::RegisterSealingOnly(hooks, SealingOptions(c).log, NewBackground(), std::move(*members)); !s) {
      return std::unexpected(s.error());
    }
    return std::unique_ptr<sealing::LocalSealing>();
  }
  auto options = SealingOptions(c);
  options.create_virtual_machine_secret = first_start;
  options.background = NewBackground();
  options.recovery_members = std::move(*members);
  auto plugin = sealing::LocalSealing::Create(std::move(options));
  if (!plugin) return std::unexpected(plugin.error());
  if (auto s = (*plugin)->RegisterWith(hooks); !s) return std::unexpected(s.error());
  return plugin;
}

}  // namespace ledgerseal::tools
