// One node of a reference-host service, as a process runs it: start a new
// service, join one, or recover one from this node's ledger files.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_PROCESS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_PROCESS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"

namespace ledgerseal::kv::node {

enum class StartMode {
  kStart,    // genesis (no join_address) or join (join_address set)
  kRecover,  // recover the service from data_dir/ledger, start a new one
};

// Operator input for recovery hooks, carried as opaque bytes (the host
// knows nothing of what they mean).
struct RecoveryInput {
  std::function<Result<std::string>(std::string_view input)> submit{};
  std::function<std::string()> progress{};
  // Called once the recovery hooks are done (whatever the outcome): no more
  // input will come. Optional.
  std::function<void()> close{};
};

struct NodeProcessOptions {
  NodeConfig config;
  StartMode mode = StartMode::kStart;
  // Plugins register their hooks here before the node starts (the insecure
  // test secret-file hook is added by the node when configured).
  HookRegistry* hooks = nullptr;
  // Makes what this node presents for plugins when it joins or starts a
  // service (the sealing plugin's recovery key sealed for that service's
  // identity): called at genesis and after a recovery's replay with the new
  // identity, and by a joiner with the identity the service announced
  // (checked against its id and the expected_service_identity pin) before
  // it asks to join. Null: nothing is presented.
  JoinPayloadFactory join_payload_for{};
  // Derives the store encryption key (the sealing plugin binds it to the
  // platform). Null: a random key held in memory only.
  std::function<Result<SecretBytes>()> store_key{};
  // One line per event; never key material. Empty: stderr "[node ID] ...".
  std::function<void(std::string_view line)> log;
  // Set to stop the node (e.g. from a signal handler thread).
  const std::atomic<bool>* stop = nullptr;
  // Recovery mode only: operator input a recovery hook waits for (a
  // recovery member's share, `ledgerseal client submit-share`). When
  // `submit` is set, the node answers RPCs on its rpc_address while it
  // recovers (hooks, replay, install): RecoveryInputRequest (at most 1 MiB)
  // goes to `submit` (its answer or error back to the client),
  // StatusRequest gets `progress()`, anything else kUnavailable
  // ("recovering"). Both are called from RPC threads, concurrently with the
  // hooks: they must be thread-safe and prompt. Then `close` is called.
  RecoveryInput recovery_input{};
  // Recovery mode with config.recovery_coordination.peers only: the
  // operator's override after a coordinated recovery found no majority
  // (docs/REFERENCE_HOST.md, "Coordinated recovery"): open without votes
  // from a majority, unless a peer that answers claims a longer ledger.
  bool open_without_majority = false;
};

// Runs the node until `*options.stop` is set or the node fails. Returns OK
// after a clean stop. Every wait of the start-up is bounded and watches the
// stop flag, so a stop takes effect within about 50 ms plus one RPC or
// Raft step in flight. Errors name what failed: kInvalidArgument (the data
// directory does not fit the mode, e.g. a ledger exists but --recover was
// not given), kRecoveryFailed, kUnavailable (cannot reach the service to
// join, a start-up wait ran out of time, or stopped before it was ready),
// kAborted (stopped during recovery; the data directory is as it was),
// kIoError, and a fatal Raft / state machine error.
Status RunNode(const NodeProcessOptions& options);

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_PROCESS_H_
