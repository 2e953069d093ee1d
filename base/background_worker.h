// One thread that runs posted tasks in order, for work that may run late or
// not at all: precomputation a later call will use if it is ready (the
// local-sealing plugin's pre-sealing, LocalSealingOptions::background).
// At WorkerPriority::kIdle the thread runs under Linux's SCHED_IDLE policy:
// the lowest scheduling weight (about 0.3% of a normal thread's), and any
// normal thread that wakes preempts it, so the precomputation takes little
// CPU from the threads it precomputes for (docs/ARCHITECTURE.md,
// "Pre-sealing"). Such a thread may be preempted for long while it holds a
// lock: whatever a task shares with latency-sensitive threads must be
// handed over without waiting on it (the sealing hook try-locks), and a
// stop may wait that long for a running task on a busy host.
#ifndef LEDGERSEAL_BASE_BACKGROUND_WORKER_H_
#define LEDGERSEAL_BASE_BACKGROUND_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ledgerseal::base {

enum class WorkerPriority : uint8_t {
  kNormal,  // the creating thread's scheduling policy
  kIdle,    // SCHED_IDLE: runs mostly when a CPU has nothing else to run
};

// Thread safety: Post may be called from any thread, including a task.
// Tasks must not destroy the worker that runs them.
class BackgroundWorker {
 public:
  // Starts the thread. At most `max_pending` (>= 1) tasks wait at a time.
  // A priority the system refuses leaves the thread at its default policy
  // (the tasks still run; idle_priority() says false). A task starts no
  // sooner than `start_delay_ms` after it was posted: work posted from
  // inside an operation (pre-sealing is posted from a commit) then starts
  // after that operation, not on the CPUs it is using.
  explicit BackgroundWorker(size_t max_pending, WorkerPriority priority = WorkerPriority::kNormal,
                            uint32_t start_delay_ms = 0);
  // Drops the tasks not started, waits for the running one, joins.
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Queues `task`. Returns false (and drops it) when `max_pending` tasks are
  // already waiting or the worker is stopping: posted work is never allowed
  // to pile up without bound behind a slow task.
  bool Post(std::function<void()> task);

  // Tasks posted so far and not yet finished, running or waiting (tests).
  size_t unfinished() const;

  // True once the thread runs under SCHED_IDLE (WorkerPriority::kIdle
  // accepted by the system); false before the thread started or otherwise.
  bool idle_priority() const { return idle_priority_.load(std::memory_order_acquire); }

 private:
  void Run();

  struct Pending {
    std::function<void()> task;
    std::chrono::steady_clock::time_point start_at;
  };

  const size_t max_pending_;
  const WorkerPriority priority_;
  const std::chrono::milliseconds start_delay_;
  std::atomic<bool> idle_priority_ = false;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> pending_;                // guarded by mu_
  bool running_task_ = false;                  // guarded by mu_
  bool stopping_ = false;                      // guarded by mu_
  std::thread thread_;                         // last: starts after the rest
};

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_BACKGROUND_WORKER_H_
