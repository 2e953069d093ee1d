// Test support: a client socket that speaks bytes, not RPCs, to provoke a
// server with partial, oversized or garbage input. Header-only, tests only.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_RAW_CONNECTION_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_RAW_CONNECTION_H_

#include <optional>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/message_io.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"
#include "kvstore_adapter/reference_host/rpc/socket_io.h"
#include "kvstore_adapter/reference_host/rpc/tcp.h"
#include "kvstore_adapter/reference_host/rpc/unique_fd.h"

namespace ledgerseal::rpc::testing {

class RawConnection {
 public:
  // Connects within 2 s; valid() is false on failure.
  explicit RawConnection(const std::string& address) {
    auto fd = ConnectTcp(address, DeadlineAfterMs(2000), 2000);
    if (fd) fd_ = std::move(*fd);
  }

  bool valid() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  void Close() { fd_.reset(); }

  bool SendBytes(kv::ByteView bytes) {
    return WriteAll(fd_.get(), bytes, DeadlineAfterMs(2000)).ok();
  }

  bool SendRequest(const v1::Request& request) {
    return SendMessage(fd_.get(), request, 64u << 20, DeadlineAfterMs(2000)).has_value();
  }

  std::optional<v1::Response> ReadResponse(int timeout_ms = 2000) {
    v1::Response response;
    if (!ReceiveMessage(fd_.get(), &response, 64u << 20, DeadlineAfterMs(timeout_ms))) {
      return std::nullopt;
    }
    return response;
  }

  // Sends `request` and returns the reply (nullopt on any failure).
  std::optional<v1::Response> RoundTrip(const v1::Request& request) {
    if (!SendRequest(request)) return std::nullopt;
    return ReadResponse();
  }

  // True when the server closes (EOF or reset) within `timeout_ms` without
  // sending anything first.
  bool WaitForClose(int timeout_ms) {
    uint8_t byte = 0;
    const IoResult read = ReadExact(fd_.get(), {&byte, 1}, DeadlineAfterMs(timeout_ms));
    return read.status == IoStatus::kClosed;
  }

 private:
  UniqueFd fd_;
};

inline v1::Request StatusRequest() {
  v1::Request request;
  request.mutable_status();
  return request;
}

}  // namespace ledgerseal::rpc::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TESTING_RAW_CONNECTION_H_
