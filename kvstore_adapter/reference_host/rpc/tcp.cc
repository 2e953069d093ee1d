#include "kvstore_adapter/reference_host/rpc/tcp.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "kvstore_adapter/reference_host/rpc/address.h"

namespace ledgerseal::rpc {
namespace {

std::unexpected<kv::Error> Unavailable(std::string_view what, std::string_view address,
                                       int error_number) {
  return kv::MakeError(kv::ErrorCode::kUnavailable, std::string(what) + " " + std::string(address) +
                                                        ": " + ErrnoText(error_number));
}

UniqueFd NewSocket(int family) {
  return UniqueFd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
}

void SetNoDelay(int fd) {
  const int one = 1;
  // Best effort: a socket without it still works, only slower.
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Connects one socket to one resolved address. Returns 0 or an errno value
// (ETIMEDOUT when the deadline passed).
int ConnectOne(const SocketAddress& target, Deadline deadline, UniqueFd& out) {
  UniqueFd fd = NewSocket(target.family);
  if (!fd.valid()) return errno;
  if (::connect(fd.get(), target.get(), target.length) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) return errno;
    // Non-blocking connect: writable means finished; SO_ERROR says how.
    const IoResult waited = WaitFor(fd.get(), POLLOUT, deadline);
    if (waited.status == IoStatus::kTimedOut) return ETIMEDOUT;
    if (!waited.ok()) return waited.error_number;
    int error_number = 0;
    socklen_t length = sizeof(error_number);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error_number, &length) != 0) return errno;
    if (error_number != 0) return error_number;
  }
  SetNoDelay(fd.get());
  out = std::move(fd);
  return 0;
}

}  // namespace

kv::Result<UniqueFd> ListenTcp(std::string_view address, int backlog) {
  auto resolved = Resolve(address, /*passive=*/true);
  if (!resolved) return std::unexpected(resolved.error());
  int last_error = 0;
  for (const SocketAddress& candidate : *resolved) {
    UniqueFd fd = NewSocket(candidate.family);
    if (!fd.valid()) {
      last_error = errno;
      continue;
    }
    const int one = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        ::bind(fd.get(), candidate.get(), candidate.length) != 0 ||
        ::listen(fd.get(), backlog) != 0) {
      last_error = errno;
      continue;
    }
    return fd;
  }
  return Unavailable("listening on", address, last_error);
}

kv::Result<std::optional<UniqueFd>> AcceptTcp(int listen_fd) {
  for (;;) {  // retries only EINTR
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      SetNoDelay(fd);
      return std::optional<UniqueFd>(UniqueFd(fd));
    }
    if (errno == EINTR) continue;
    // ECONNABORTED: the client reset before we got to it; nothing to serve.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
      return std::optional<UniqueFd>();
    }
    return Unavailable("accepting on", LocalAddressOf(listen_fd), errno);
  }
}

kv::Result<UniqueFd> ConnectTcp(std::string_view address, Deadline deadline,
                                int timeout_ms_for_message) {
  auto resolved = Resolve(address, /*passive=*/false);
  if (!resolved) return std::unexpected(resolved.error());
  int last_error = 0;
  for (const SocketAddress& candidate : *resolved) {
    UniqueFd fd;
    last_error = ConnectOne(candidate, deadline, fd);
    if (last_error == 0) return fd;
    if (last_error == ETIMEDOUT) break;
  }
  if (last_error == ETIMEDOUT) {
    return kv::MakeError(kv::ErrorCode::kUnavailable,
                         "connecting to " + std::string(address) + ": timed out after " +
                             std::to_string(timeout_ms_for_message) + " ms");
  }
  return Unavailable("connecting to", address, last_error);
}

}  // namespace ledgerseal::rpc
