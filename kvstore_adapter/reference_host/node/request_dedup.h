// Deduplication of mutating requests that carry a request id: a retry (same
// id) gets the first request's OK answer instead of running again — also
// when it arrives while the first is still executing, which is exactly when
// a client retries after a connection broke mid-request.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_REQUEST_DEDUP_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_REQUEST_DEDUP_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>

#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::kv::node {

// Thread safety: every method may be called concurrently.
class RequestDedup {
 public:
  // Remembers the OK answers of the last `capacity` ids (> 0).
  explicit RequestDedup(size_t capacity) : capacity_(capacity) {}

  // Runs `execute` once per id: a call with an id already answered OK
  // returns that answer; a call with an id in flight blocks until the first
  // call finishes and returns its answer (OK or not; if the first call
  // throws, so do its waiters). A failed answer is not remembered, so a
  // later retry executes again. `execute` must not call back into this
  // object with the same id.
  rpc::v1::Response Run(const std::string& request_id,
                        const std::function<rpc::v1::Response()>& execute);

  // Calls currently blocked on another call's answer (for tests).
  size_t waiting_for_testing() const { return waiting_.load(); }

 private:
  // Ends `request_id`'s run; remembers `response` if it is OK (null: the
  // run threw).
  void Finish(const std::string& request_id, const rpc::v1::Response* response);

  const size_t capacity_;
  std::mutex mu_;
  std::map<std::string, std::shared_future<rpc::v1::Response>> in_flight_;  // guarded by mu_
  std::map<std::string, rpc::v1::Response> answered_;                       // guarded by mu_
  std::deque<std::string> answered_order_;                                  // guarded by mu_
  std::atomic<size_t> waiting_{0};
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_REQUEST_DEDUP_H_
