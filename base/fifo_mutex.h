// A mutex that hands the lock over in arrival order (a ticket lock on a
// condition variable). std::mutex promises no order: a thread that waits for
// it while others take it in a loop can wait without bound. The reference
// host's commit queue uses this one so that a rotation or membership change
// gets its turn among a stream of client writes.
#ifndef LEDGERSEAL_BASE_FIFO_MUTEX_H_
#define LEDGERSEAL_BASE_FIFO_MUTEX_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ledgerseal::base {

// BasicLockable (std::lock_guard, std::unique_lock). Not recursive.
// Thread safety: lock and unlock from any thread; unlock by the holder.
class FifoMutex {
 public:
  void lock() {
    std::unique_lock guard(mu_);
    const uint64_t ticket = next_ticket_++;
    turn_.wait(guard, [&] { return serving_ == ticket; });
  }
  void unlock() {
    {
      std::lock_guard guard(mu_);
      ++serving_;
    }
    // Every waiter checks whether its ticket is served; only one is.
    turn_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable turn_;
  uint64_t next_ticket_ = 0;  // guarded by mu_
  uint64_t serving_ = 0;      // guarded by mu_
};

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_FIFO_MUTEX_H_
