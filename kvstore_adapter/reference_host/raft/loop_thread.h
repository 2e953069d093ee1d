// A thread running one libuv loop, and a mutex-protected task queue through
// which other threads hand work to it (uv_async_send).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_LOOP_THREAD_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_LOOP_THREAD_H_

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <uv.h>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"

namespace ledgerseal::replication {

// Lifecycle: Start -> Post()s run in order on the loop thread -> some task
// (on the loop) calls CloseQueue and closes every other handle -> uv_run
// returns -> `on_exit` runs on the loop thread -> uv_loop_close -> thread
// ends -> Join returns. SIGPIPE is blocked on the loop thread (a peer that
// vanishes must not kill the process; writes then fail with EPIPE).
class LoopThread {
 public:
  using Task = std::move_only_function<void()>;

  // Starts the thread (named `name`, at most 15 characters shown) and its
  // loop; returns once the loop is about to run. `on_exit` runs on the loop
  // thread after the loop drained (free what the handles referenced).
  // `log` receives problems (may be empty). Errors: kIoError (libuv), kInternal.
  static kv::Result<std::unique_ptr<LoopThread>> Start(std::string name,
                                                       std::move_only_function<void()> on_exit,
                                                       LogSink log);

  // Joins (the loop must have been closed by then, see CloseQueue).
  ~LoopThread();
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  // The loop. Use it only on the loop thread.
  uv_loop_t* loop() { return &loop_; }

  // Queues `task` to run on the loop thread, after earlier ones. Returns false
  // (and destroys `task` un-run, on this thread) once CloseQueue has run.
  // Thread safety: any thread, including the loop thread.
  bool Post(Task task);

  // True on the loop thread. Thread safety: any thread.
  bool IsCurrent() const { return std::this_thread::get_id() == loop_thread_id_; }

  // Loop thread only. Refuses further Posts, runs the tasks already queued,
  // and closes the async handle. The loop ends once every other handle is
  // closed too. Idempotent.
  void CloseQueue();

  // Waits for the loop thread to end. Any thread but the loop thread.
  // Idempotent.
  void Join();

 private:
  LoopThread(std::move_only_function<void()> on_exit, LogSink log);
  void Run(std::string name, std::promise<kv::Status> started);
  static void OnAsync(uv_async_t* handle);
  void RunQueued();

  uv_loop_t loop_{};
  uv_async_t async_{};
  std::move_only_function<void()> on_exit_;
  LogSink log_;
  std::thread thread_;
  std::thread::id loop_thread_id_;
  std::mutex join_mu_;

  std::mutex mu_;
  std::vector<Task> queue_;  // guarded by mu_
  bool closed_ = false;      // guarded by mu_
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_LOOP_THREAD_H_
