// What a node in recovery mode answers while its recovery hooks run and
// wait for operator input (NodeProcessOptions::recovery_input): the input,
// its status, and "recovering" for everything else.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_

#include <string>

#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

namespace ledgerseal::kv::node {

// Thread-safe as `input`'s functions are (RpcHandler's contract).
class RecoveryRpcHandler final : public rpc::RpcHandler {
 public:
  RecoveryRpcHandler(std::string node_id, RecoveryInput input)
      : node_id_(std::move(node_id)), input_(std::move(input)) {}
  rpc::v1::Response Handle(const rpc::v1::Request& request) override;

 private:
  const std::string node_id_;
  const RecoveryInput input_;
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_RPC_H_
