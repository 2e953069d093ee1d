#include "kvstore_adapter/reference_host/raft/loop_thread.h"

#include <pthread.h>
#include <signal.h>

#include "base/check.h"
#include <utility>

namespace ledgerseal::replication {
namespace {

kv::Error UvError(int rv, std::string_view what) {
  return kv::Error{kv::ErrorCode::kIoError,
                   std::string(what) + ": " + uv_strerror(rv) + " (" + uv_err_name(rv) + ")"};
}

void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

LoopThread::LoopThread(std::move_only_function<void()> on_exit, LogSink log)
    : on_exit_(std::move(on_exit)), log_(std::move(log)) {}

kv::Result<std::unique_ptr<LoopThread>> LoopThread::Start(std::string name,
                                                          std::move_only_function<void()> on_exit,
                                                          LogSink log) {
  std::unique_ptr<LoopThread> self(new LoopThread(std::move(on_exit), std::move(log)));
  std::promise<kv::Status> started;
  std::future<kv::Status> started_future = started.get_future();
  self->thread_ = std::thread(&LoopThread::Run, self.get(), std::move(name), std::move(started));
  kv::Status status = started_future.get();
  if (!status) {
    self->Join();
    return std::unexpected(status.error());
  }
  return self;
}

LoopThread::~LoopThread() { Join(); }

void LoopThread::Run(std::string name, std::promise<kv::Status> started) {
  loop_thread_id_ = std::this_thread::get_id();
  BlockSigpipe();
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  if (int rv = uv_loop_init(&loop_); rv != 0) {
    started.set_value(std::unexpected(UvError(rv, "uv_loop_init")));
    return;
  }
  if (int rv = uv_async_init(&loop_, &async_, &LoopThread::OnAsync); rv != 0) {
    uv_loop_close(&loop_);
    started.set_value(std::unexpected(UvError(rv, "uv_async_init")));
    return;
  }
  async_.data = this;
  started.set_value(kv::Status{});

  uv_run(&loop_, UV_RUN_DEFAULT);  // returns once every handle is closed
  if (on_exit_) on_exit_();
  if (int rv = uv_loop_close(&loop_); rv != 0 && log_) {
    log_("loop closed with handles still open: " + UvError(rv, "uv_loop_close").message);
  }
}

// uv_async_send happens under the lock: once CloseQueue has set closed_, no
// thread can still be about to touch the (soon closed) async handle.
bool LoopThread::Post(Task task) {
  std::lock_guard lock(mu_);
  if (closed_) return false;  // `task` is destroyed by the caller's frame, un-run
  queue_.push_back(std::move(task));
  uv_async_send(&async_);  // coalesces wake-ups; never blocks
  return true;
}

void LoopThread::OnAsync(uv_async_t* handle) {
  static_cast<LoopThread*>(handle->data)->RunQueued();
}

// Runs the tasks queued so far; tasks queued meanwhile wait for the next
// wake-up (uv_async_send during this call schedules one).
void LoopThread::RunQueued() {
  LEDGERSEAL_CHECK(IsCurrent());
  std::vector<Task> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  for (Task& task : batch) task();
}

void LoopThread::CloseQueue() {
  LEDGERSEAL_CHECK(IsCurrent());
  std::vector<Task> rest;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    rest.swap(queue_);
  }
  for (Task& task : rest) task();
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

void LoopThread::Join() {
  LEDGERSEAL_CHECK(!IsCurrent() && "joining the loop thread from itself");
  std::lock_guard lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

}  // namespace ledgerseal::replication
