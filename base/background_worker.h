// One thread that runs posted tasks in order, for work that may run late or
// not at all: precomputation a later call will use if it is ready (the
// local-sealing plugin's pre-sealing, LocalSealingOptions::background).
#ifndef LEDGERSEAL_BASE_BACKGROUND_WORKER_H_
#define LEDGERSEAL_BASE_BACKGROUND_WORKER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ledgerseal::base {

// Thread safety: Post may be called from any thread, including a task.
// Tasks must not destroy the worker that runs them.
class BackgroundWorker {
 public:
  // Starts the thread. At most `max_pending` (>= 1) tasks wait at a time.
  explicit BackgroundWorker(size_t max_pending);
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

 private:
  void Run();

  const size_t max_pending_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> pending_;  // guarded by mu_
  bool running_task_ = false;                  // guarded by mu_
  bool stopping_ = false;                      // guarded by mu_
  std::thread thread_;                         // last: starts after the rest
};

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_BACKGROUND_WORKER_H_
