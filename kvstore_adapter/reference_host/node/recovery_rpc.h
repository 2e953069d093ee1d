// What a node in recovery mode answers while it recovers: operator input
// for its recovery hooks (NodeProcessOptions::recovery_input), its status,
// its signed claim to peers in a coordinated recovery (once it has one), and
// "recovering" for everything else.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

namespace ledgerseal::kv::node {

// Largest message a recovering node's RPC server takes or sends, and the
// largest answer it takes from a peer: a share file is a few hundred bytes;
// a claim or a status grows by one service record (~300 bytes) per recovery
// the ledger has seen.
inline constexpr uint32_t kRecoveryRpcMaxBytes = 1u << 20;

// Thread-safe as `input`'s functions are (RpcHandler's contract).
class RecoveryRpcHandler final : public rpc::RpcHandler {
 public:
  RecoveryRpcHandler(std::string node_id, RecoveryInput input)
      : node_id_(std::move(node_id)), input_(std::move(input)) {}
  rpc::v1::Response Handle(const rpc::v1::Request& request) override;

  // From now on, claim requests are answered by `claims` (a coordinated
  // recovery's, once the replay is done), and a status request's progress
  // line is `progress()`; until then claim requests get kUnavailable ("not
  // ready to claim"). Both are called from RPC threads. Thread-safe.
  using ClaimSource = std::function<Result<rpc::v1::RecoveryClaim>(std::string_view nonce)>;
  void SetCoordination(ClaimSource claims, std::function<std::string()> progress);

 private:
  const std::string node_id_;
  const RecoveryInput input_;
  std::mutex mu_;
  ClaimSource claims_;                          // guarded by mu_
  std::function<std::string()> coordination_;  // guarded by mu_
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_
