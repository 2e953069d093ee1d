#include "kvstore_adapter/reference_host/node/request_dedup.h"

#include "base/check.h"
#include <exception>
#include <utility>

namespace ledgerseal::kv::node {

rpc::v1::Response RequestDedup::Run(const std::string& request_id,
                                    const std::function<rpc::v1::Response()>& execute) {
  LEDGERSEAL_CHECK(capacity_ > 0);
  std::promise<rpc::v1::Response> promise;
  {
    std::unique_lock lock(mu_);
    if (auto it = answered_.find(request_id); it != answered_.end()) return it->second;
    if (auto it = in_flight_.find(request_id); it != in_flight_.end()) {
      std::shared_future<rpc::v1::Response> first = it->second;
      ++waiting_;
      lock.unlock();
      first.wait();
      --waiting_;
      return first.get();
    }
    in_flight_.emplace(request_id, promise.get_future().share());
  }
  rpc::v1::Response response;
  try {
    response = execute();
  } catch (...) {
    // Never leave an id in flight: its waiters get the exception, a later
    // retry runs afresh.
    Finish(request_id, nullptr);
    promise.set_exception(std::current_exception());
    throw;
  }
  Finish(request_id, &response);
  // After the bookkeeping: a waiter woken now and retrying at once finds the
  // answer remembered (or, for a failure, runs afresh).
  promise.set_value(response);
  return response;
}

void RequestDedup::Finish(const std::string& request_id, const rpc::v1::Response* response) {
  std::lock_guard lock(mu_);
  in_flight_.erase(request_id);
  if (response == nullptr || response->status().code() != rpc::v1::ResponseStatus::OK) return;
  if (!answered_.emplace(request_id, *response).second) return;
  answered_order_.push_back(request_id);
  if (answered_order_.size() > capacity_) {
    answered_.erase(answered_order_.front());
    answered_order_.pop_front();
  }
}

}  // namespace ledgerseal::kv::node
