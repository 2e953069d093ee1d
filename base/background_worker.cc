#include "base/background_worker.h"

#include <pthread.h>
#include <sched.h>

#include "base/check.h"

namespace ledgerseal::base {

BackgroundWorker::BackgroundWorker(size_t max_pending, WorkerPriority priority, uint32_t start_delay_ms)
    : max_pending_(max_pending),
      priority_(priority),
      start_delay_(start_delay_ms),
      thread_([this] { Run(); }) {
  LEDGERSEAL_CHECK(max_pending >= 1);
}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    pending_.clear();
  }
  wake_.notify_all();
  // A task destroying its own worker would join itself.
  LEDGERSEAL_CHECK(std::this_thread::get_id() != thread_.get_id());
  thread_.join();
}

bool BackgroundWorker::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || pending_.size() >= max_pending_) return false;
    pending_.push_back(Pending{std::move(task), std::chrono::steady_clock::now() + start_delay_});
  }
  wake_.notify_one();
  return true;
}

size_t BackgroundWorker::unfinished() const {
  std::lock_guard lock(mu_);
  return pending_.size() + (running_task_ ? 1 : 0);
}

void BackgroundWorker::Run() {
  if (priority_ == WorkerPriority::kIdle) {
    // SCHED_IDLE takes priority 0 and needs no privilege to lower oneself to.
    sched_param param{};
    param.sched_priority = 0;
    idle_priority_.store(pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0, std::memory_order_release);
  }
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    // Tasks are in posting order, so the front is the first due. The wait
    // ends at its start time or at a stop, whichever comes first.
    const auto start_at = pending_.front().start_at;
    if (wake_.wait_until(lock, start_at, [this] { return stopping_; })) return;
    LEDGERSEAL_CHECK(!pending_.empty());  // only Run removes tasks, and the destructor on stop
    std::function<void()> task = std::move(pending_.front().task);
    pending_.pop_front();
    running_task_ = true;
    lock.unlock();
    task();
    task = nullptr;  // destroyed outside the lock: it may hold anything
    lock.lock();
    running_task_ = false;
  }
}

}  // namespace ledgerseal::base
