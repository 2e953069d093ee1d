#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "kvstore_adapter/reference_host/rpc/address.h"
#include "kvstore_adapter/reference_host/rpc/message_io.h"
#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"
#include "kvstore_adapter/reference_host/rpc/socket_io.h"
#include "kvstore_adapter/reference_host/rpc/tcp.h"
#include "kvstore_adapter/reference_host/rpc/unique_fd.h"

namespace ledgerseal::rpc {
namespace {

// After a failed accept (e.g. EMFILE) the listener stays readable; pausing
// keeps the accept thread from spinning while descriptors are scarce.
constexpr int kAcceptErrorPauseMs = 100;

kv::Status ValidateOptions(const RpcServerOptions& options) {
  if (options.max_connections < 1 || options.max_message_bytes < 1 || options.idle_timeout_ms < 1 ||
      options.read_timeout_ms < 1 || options.write_timeout_ms < 1 || options.listen_backlog < 1) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "RpcServerOptions: connection limit, message size, timeouts and backlog "
                         "must all be positive");
  }
  return {};
}

}  // namespace

class RpcServer::Impl {
 public:
  Impl(UniqueFd listen_fd, UniqueFd wake_fd, RpcHandler* handler, RpcServerOptions options)
      : listen_fd_(std::move(listen_fd)),
        wake_fd_(std::move(wake_fd)),
        handler_(handler),
        options_(std::move(options)),
        bound_address_(LocalAddressOf(listen_fd_.get())) {}

  ~Impl() { Stop(); }

  kv::Status StartAccepting();
  const std::string& address() const { return bound_address_; }
  void Stop();

 private:
  struct Connection {
    // Closed only by the connection's own thread, under mu_, so Stop never
    // shuts down a descriptor number the kernel has handed out again.
    UniqueFd fd;
    std::string peer;
    std::thread thread;
    bool finished = false;  // guarded by mu_: the thread has nothing left but to return
  };

  void AcceptLoop();
  void AcceptOne();
  void Serve(Connection* connection);
  bool ServeOne(Connection* connection);  // false: end the connection
  bool Reply(Connection* connection, const v1::Response& response);
  void FinishConnection(Connection* connection);
  void ReapFinishedConnections();
  void Wake();
  void DrainWakeups();
  bool stopping() const;
  void Log(const std::string& line) const;

  UniqueFd listen_fd_;      // used by the accept thread; closed by Stop after joining it
  const UniqueFd wake_fd_;  // eventfd: Stop and finishing connections wake the accept loop
  RpcHandler* const handler_;
  const RpcServerOptions options_;
  const std::string bound_address_;

  std::mutex stop_mu_;    // serialises Stop
  bool stopped_ = false;  // guarded by stop_mu_

  mutable std::mutex mu_;
  bool stopping_ = false;  // guarded by mu_
  // Guarded by mu_. Elements are added and removed by the accept thread, and
  // by Stop once that thread is joined; connection threads only mark theirs.
  std::list<std::unique_ptr<Connection>> connections_;
  int active_connections_ = 0;  // guarded by mu_

  std::thread accept_thread_;
};

kv::Status RpcServer::Impl::StartAccepting() {
  try {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  } catch (const std::system_error& e) {
    return kv::MakeError(kv::ErrorCode::kUnavailable,
                         "rpc server " + bound_address_ + ": cannot start a thread: " + e.what());
  }
  return {};
}

void RpcServer::Impl::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  Wake();
  if (accept_thread_.joinable()) accept_thread_.join();
  listen_fd_.reset();
  std::list<std::unique_ptr<Connection>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& connection : connections_) {
      // shutdown, not close: blocked polls and reads return at once, and the
      // descriptor stays owned by its thread.
      if (connection->fd.valid()) ::shutdown(connection->fd.get(), SHUT_RDWR);
    }
    all.splice(all.end(), connections_);
  }
  for (const auto& connection : all) connection->thread.join();
}

void RpcServer::Impl::AcceptLoop() {
  // Ends when Stop sets stopping_ and wakes us; every pass blocks in poll.
  for (;;) {
    pollfd fds[2] = {{.fd = listen_fd_.get(), .events = POLLIN, .revents = 0},
                     {.fd = wake_fd_.get(), .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Log("accept loop stopped: poll failed: " + ErrnoText(errno));
      return;
    }
    if (fds[1].revents != 0) DrainWakeups();
    if (stopping()) return;
    ReapFinishedConnections();
    if (fds[0].revents != 0) AcceptOne();
  }
}

void RpcServer::Impl::AcceptOne() {
  auto accepted = AcceptTcp(listen_fd_.get());
  if (!accepted) {
    Log(accepted.error().ToString());
    pollfd wake{.fd = wake_fd_.get(), .events = POLLIN, .revents = 0};
    (void)::poll(&wake, 1, kAcceptErrorPauseMs);  // Stop still wakes us at once
    return;
  }
  if (!accepted->has_value()) return;
  UniqueFd fd = std::move(**accepted);
  std::string peer = PeerAddressOf(fd.get());
  std::lock_guard lock(mu_);
  if (active_connections_ >= options_.max_connections) {
    Log("refusing a connection from " + peer + ": " + std::to_string(active_connections_) +
        " connections open (max_connections)");
    return;  // `fd` closes here: the client sees EOF, not a hang
  }
  auto connection = std::make_unique<Connection>();
  connection->fd = std::move(fd);
  connection->peer = std::move(peer);
  Connection* raw = connection.get();
  try {
    // The new thread blocks on mu_ only when it finishes, after we return.
    raw->thread = std::thread([this, raw] { Serve(raw); });
  } catch (const std::system_error& e) {
    Log("refusing a connection from " + raw->peer + ": cannot start a thread: " + e.what());
    return;
  }
  connections_.push_back(std::move(connection));
  ++active_connections_;
}

void RpcServer::Impl::Serve(Connection* connection) {
  // One request per pass; the peer closing, a timeout, an error or Stop's
  // shutdown(2) ends it.
  while (ServeOne(connection)) {
  }
  FinishConnection(connection);
}

bool RpcServer::Impl::ServeOne(Connection* connection) {
  const int fd = connection->fd.get();  // valid until FinishConnection, on this thread
  const IoResult arrived = WaitFor(fd, POLLIN, DeadlineAfterMs(options_.idle_timeout_ms));
  if (arrived.status == IoStatus::kTimedOut) return false;  // idle: free the slot
  if (!arrived.ok()) {
    Log("connection from " + connection->peer + ": " + ErrnoText(arrived.error_number));
    return false;
  }
  v1::Request request;
  auto received = ReceiveMessage(fd, &request, options_.max_message_bytes,
                                 DeadlineAfterMs(options_.read_timeout_ms));
  if (!received) {
    const FrameError& error = received.error();
    if (error.kind == FrameError::Kind::kClosedBeforeFrame) return false;  // normal end
    if (error.kind == FrameError::Kind::kMalformed) {
      // The framing is intact, so the connection can carry on.
      return Reply(connection, ErrorResponse({kv::ErrorCode::kInvalidArgument, error.message}));
    }
    if (!stopping()) Log("closing the connection from " + connection->peer + ": " + error.message);
    return false;
  }
  if (request.body_case() == v1::Request::BODY_NOT_SET) {
    return Reply(connection,
                 ErrorResponse({kv::ErrorCode::kInvalidArgument, "the request has no body"}));
  }
  return Reply(connection, handler_->Handle(request));
}

bool RpcServer::Impl::Reply(Connection* connection, const v1::Response& response) {
  const int fd = connection->fd.get();
  auto sent = SendMessage(fd, response, options_.max_message_bytes,
                          DeadlineAfterMs(options_.write_timeout_ms));
  if (!sent && sent.error().kind == FrameError::Kind::kTooLarge) {
    // Nothing was written; tell the client why instead of hanging up.
    sent = SendMessage(
        fd, ErrorResponse({kv::ErrorCode::kInternal, "response: " + sent.error().message}),
        options_.max_message_bytes, DeadlineAfterMs(options_.write_timeout_ms));
  }
  if (sent) return true;
  if (!stopping())
    Log("closing the connection from " + connection->peer + ": " + sent.error().message);
  return false;
}

void RpcServer::Impl::FinishConnection(Connection* connection) {
  {
    std::lock_guard lock(mu_);
    connection->fd.reset();
    connection->finished = true;
    --active_connections_;
  }
  Wake();  // so the accept thread joins us and frees the thread's stack
}

void RpcServer::Impl::ReapFinishedConnections() {
  std::list<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if ((*it)->finished) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (const auto& connection : finished) connection->thread.join();  // returns at once
}

void RpcServer::Impl::Wake() {
  const uint64_t one = 1;
  // A full counter (never in practice) means a wakeup is already pending.
  (void)!::write(wake_fd_.get(), &one, sizeof(one));
}

void RpcServer::Impl::DrainWakeups() {
  uint64_t count = 0;
  (void)!::read(wake_fd_.get(), &count, sizeof(count));
}

bool RpcServer::Impl::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void RpcServer::Impl::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
    return;
  }
  std::fprintf(stderr, "[rpc server %s] %s\n", bound_address_.c_str(), line.c_str());
}

// ---- RpcServer --------------------------------------------------------------

kv::Result<std::unique_ptr<RpcServer>> RpcServer::Start(std::string address, RpcHandler* handler,
                                                        RpcServerOptions options) {
  if (handler == nullptr) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument, "RpcServer::Start: no handler");
  }
  if (auto ok = ValidateOptions(options); !ok) return std::unexpected(ok.error());
  auto listen_fd = ListenTcp(address, options.listen_backlog);
  if (!listen_fd) return std::unexpected(listen_fd.error());
  UniqueFd wake_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd.valid()) {
    return kv::MakeError(kv::ErrorCode::kUnavailable,
                         "rpc server " + address + ": eventfd: " + ErrnoText(errno));
  }
  auto impl = std::make_unique<Impl>(std::move(*listen_fd), std::move(wake_fd), handler,
                                     std::move(options));
  if (auto ok = impl->StartAccepting(); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<RpcServer>(new RpcServer(std::move(impl)));
}

RpcServer::RpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RpcServer::~RpcServer() { Stop(); }

std::string RpcServer::address() const { return impl_->address(); }

void RpcServer::Stop() { impl_->Stop(); }

}  // namespace ledgerseal::rpc
