// A promise that is resolved exactly once, even if it is dropped: the async
// results of RaftNode never carry a broken_promise exception.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_ONE_SHOT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_ONE_SHOT_H_

#include "base/check.h"
#include <future>
#include <utility>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::replication {

// T is kv::Result<...> or kv::Status (constructible from an unexpected Error).
// Move-only. Not thread-safe: one owner at a time (moving it hands it over).
template <typename T>
class OneShot {
 public:
  // `if_dropped` resolves the future if the OneShot is destroyed unresolved
  // (e.g. a task that never ran because the node was stopping).
  explicit OneShot(kv::Error if_dropped) : if_dropped_(std::move(if_dropped)) {}
  OneShot(OneShot&& other) noexcept
      : promise_(std::move(other.promise_)),
        if_dropped_(std::move(other.if_dropped_)),
        armed_(std::exchange(other.armed_, false)) {}
  OneShot& operator=(OneShot&&) = delete;
  OneShot(const OneShot&) = delete;
  OneShot& operator=(const OneShot&) = delete;
  ~OneShot() {
    if (armed_) promise_.set_value(T(std::unexpected(std::move(if_dropped_))));
  }

  // The future; call once, before the OneShot is moved away.
  std::future<T> future() { return promise_.get_future(); }

  // Resolves the future. Later calls are ignored (checked in every build).
  void Resolve(T value) {
    LEDGERSEAL_CHECK(armed_ && "OneShot resolved twice");
    if (!armed_) return;
    armed_ = false;
    promise_.set_value(std::move(value));
  }

 private:
  std::promise<T> promise_;
  kv::Error if_dropped_;
  bool armed_ = true;
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_ONE_SHOT_H_
