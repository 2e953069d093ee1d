// Asserts that an object is used from one thread only (the raft loop thread,
// or the test thread stepping a raft_fixture).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_THREAD_CHECKER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_THREAD_CHECKER_H_

#include <atomic>
#include "base/check.h"
#include <thread>

namespace ledgerseal::replication {

class ThreadChecker {
 public:
  // Binds to the calling thread on first use; true if the caller is the bound
  // thread. Thread safety: any thread.
  bool CalledOnValidThread() {
    const std::thread::id self = std::this_thread::get_id();
    std::thread::id expected{};
    if (owner_.compare_exchange_strong(expected, self)) return true;
    return expected == self;
  }
  // Debug-build check of CalledOnValidThread.
  void Check() { LEDGERSEAL_CHECK(CalledOnValidThread() && "used from a second thread"); }

 private:
  std::atomic<std::thread::id> owner_{};
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_THREAD_CHECKER_H_
