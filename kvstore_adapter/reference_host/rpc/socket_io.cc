#include "kvstore_adapter/reference_host/rpc/socket_io.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <optional>

namespace ledgerseal::rpc {
namespace {

bool IsPeerGone(int error_number) {
  return error_number == ECONNRESET || error_number == EPIPE || error_number == ENOTCONN;
}

}  // namespace

Deadline DeadlineAfterMs(int timeout_ms) {
  return Clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 0);
}

int RemainingMs(Deadline deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

IoResult WaitFor(int fd, short events, Deadline deadline) {
  // Bounded: each pass either returns or waits for the time left, and EINTR
  // passes re-check the (monotonic) deadline.
  for (;;) {
    pollfd entry{.fd = fd, .events = events, .revents = 0};
    const int timeout_ms = RemainingMs(deadline);
    const int rc = ::poll(&entry, 1, timeout_ms);
    if (rc > 0) return {};
    if (rc == 0) return {.status = IoStatus::kTimedOut};
    if (errno != EINTR) return {.status = IoStatus::kFailed, .error_number = errno};
    if (RemainingMs(deadline) == 0) return {.status = IoStatus::kTimedOut};
  }
}

namespace {

// After a failed recv/send (errno set): retries on EINTR, waits for readiness
// on EAGAIN, and otherwise returns the result that ends the transfer.
std::optional<IoResult> HandleShortIo(int fd, short events, Deadline deadline, size_t done) {
  if (errno == EINTR) return std::nullopt;
  if (errno != EAGAIN && errno != EWOULDBLOCK) {
    const int err = errno;
    return IoResult{.status = IsPeerGone(err) ? IoStatus::kClosed : IoStatus::kFailed,
                    .error_number = err,
                    .transferred = done};
  }
  IoResult waited = WaitFor(fd, events, deadline);
  if (waited.ok()) return std::nullopt;
  waited.transferred = done;
  return waited;
}

}  // namespace

IoResult ReadExact(int fd, std::span<uint8_t> out, Deadline deadline) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::recv(fd, out.data() + done, out.size() - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return {.status = IoStatus::kClosed, .transferred = done};
    if (auto stop = HandleShortIo(fd, POLLIN, deadline, done)) return *stop;
  }
  return {.transferred = done};
}

IoResult WriteAll(int fd, std::span<const uint8_t> data, Deadline deadline) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (auto stop = HandleShortIo(fd, POLLOUT, deadline, done)) return *stop;
  }
  return {.transferred = done};
}

bool IdleConnectionLooksHealthy(int fd) {
  pollfd entry{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  int rc;
  do {
    rc = ::poll(&entry, 1, 0);
  } while (rc < 0 && errno == EINTR);
  return rc == 0;
}

}  // namespace ledgerseal::rpc
