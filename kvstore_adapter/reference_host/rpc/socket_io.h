// Deadline-bounded I/O on non-blocking sockets: every wait goes through
// poll(2) with the time left, EINTR is retried, short reads and writes loop
// until done. Nothing here allocates or logs.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_SOCKET_IO_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_SOCKET_IO_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ledgerseal::rpc {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// now + timeout_ms (timeout_ms <= 0: already expired).
Deadline DeadlineAfterMs(int timeout_ms);

// Milliseconds until `deadline`, rounded up, clamped to [0, INT_MAX].
int RemainingMs(Deadline deadline);

enum class IoStatus {
  kOk,
  kClosed,    // the peer closed (EOF, ECONNRESET, EPIPE)
  kTimedOut,  // the deadline passed first
  kFailed,    // another error; see error_number
};

struct IoResult {
  IoStatus status = IoStatus::kOk;
  int error_number = 0;    // errno for kClosed (0 on EOF) and kFailed
  size_t transferred = 0;  // bytes moved before the outcome

  bool ok() const { return status == IoStatus::kOk; }
};

// Waits until `fd` reports any of `events` (POLLIN, POLLOUT) or an error/hangup
// condition. kOk when ready (the caller's next read/write reports what
// happened), kTimedOut, or kFailed.
IoResult WaitFor(int fd, short events, Deadline deadline);

// Reads exactly out.size() bytes. `fd` must be non-blocking. On EOF returns
// kClosed with `transferred` = bytes read so far.
IoResult ReadExact(int fd, std::span<uint8_t> out, Deadline deadline);

// Writes all of `data` with send(MSG_NOSIGNAL) (a closed peer is kClosed, not
// SIGPIPE). `fd` must be a non-blocking socket.
IoResult WriteAll(int fd, std::span<const uint8_t> data, Deadline deadline);

// True if `fd` has nothing to read and no hangup pending right now. A
// request/response peer never sends unprompted, so anything readable on an
// idle connection means it was closed (or is out of step) and must not be
// reused.
bool IdleConnectionLooksHealthy(int fd);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_SOCKET_IO_H_
