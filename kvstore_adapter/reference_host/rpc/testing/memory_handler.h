// Test support: an RpcHandler over an in-memory map, with the request_id
// deduplication a real node is expected to do. Not replicated, not durable.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_MEMORY_HANDLER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_MEMORY_HANDLER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

namespace ledgerseal::rpc::testing {

// Serves put, get, rotate and status; join/trust/retire answer
// INVALID_ARGUMENT. Thread-safe.
class MemoryHandler : public RpcHandler {
 public:
  explicit MemoryHandler(std::string node_id = "n1") : node_id_(std::move(node_id)) {}

  v1::Response Handle(const v1::Request& request) override;

  // The last committed version (puts and rotations count). Thread-safe.
  uint64_t version() const;
  // Requests that reached Handle, of any kind. Thread-safe.
  uint64_t requests_handled() const;

 private:
  v1::Response Put(const v1::Request& request);       // mu_ held
  v1::Response Get(const v1::GetRequest& get) const;  // mu_ held
  v1::Response Rotate();                              // mu_ held
  v1::Response Status() const;                        // mu_ held

  const std::string node_id_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> values_;  // guarded by mu_
  std::map<std::string, bool> table_domains_;  // guarded by mu_: table -> private_domain
  uint64_t version_ = 0;                       // guarded by mu_
  uint64_t ledger_secret_version_ = 1;         // guarded by mu_
  uint64_t requests_handled_ = 0;              // guarded by mu_
  // Recent request ids and the version they committed at, oldest first.
  std::unordered_map<std::string, uint64_t> committed_ids_;  // guarded by mu_
  std::deque<std::string> id_order_;                         // guarded by mu_
};

}  // namespace ledgerseal::rpc::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_MEMORY_HANDLER_H_
