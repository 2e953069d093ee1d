// A blocking RPC server over TCP: one accept thread, one thread per
// connection, requests served in order on each persistent connection.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_SERVER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::rpc {

class RpcHandler {
 public:
  virtual ~RpcHandler() = default;
  // Answers one request. Called concurrently from server threads, so it must
  // be thread-safe. Never throws. Requests without a body never reach it (the
  // server answers INVALID_ARGUMENT). Should return promptly: RpcServer::Stop
  // waits for calls in progress.
  virtual v1::Response Handle(const v1::Request& request) = 0;
};

struct RpcServerOptions {
  // Connections served at once; one more is accepted and closed at once (with
  // a logged warning) so the client sees a prompt close, not a hang.
  int max_connections = 64;
  // Largest request payload accepted, and largest response sent.
  uint32_t max_message_bytes = 64u << 20;
  // How long a persistent connection may sit between requests.
  int idle_timeout_ms = 60'000;
  // How long a request may take to arrive once its first byte has.
  int read_timeout_ms = 30'000;
  // How long the client may take to accept a response's bytes.
  int write_timeout_ms = 30'000;
  int listen_backlog = 128;
  // Receives one line per notable event (warnings, failed connections); never
  // payloads. Empty: stderr. Called from server threads, concurrently.
  std::function<void(std::string_view line)> log = nullptr;
};

class RpcServer {
 public:
  // Binds and listens on `address` ("host:port"; "127.0.0.1:0" picks a free
  // port) and starts serving with `handler`, which must outlive the server
  // (or the Stop() call). Errors: kInvalidArgument (malformed address or
  // options), kUnavailable (resolve/bind/listen failed, e.g. port in use).
  static kv::Result<std::unique_ptr<RpcServer>> Start(std::string address, RpcHandler* handler,
                                                      RpcServerOptions options = {});

  // Stops (see Stop).
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // The bound address, "ip:port" ("[ip6]:port"), with the real port.
  // Thread-safe.
  std::string address() const;

  // Closes the listener, shuts every connection down (blocked reads return at
  // once), and joins all threads. Waits for handler calls in progress; never
  // for idle or slow clients. Idempotent and thread-safe; must not be called
  // from inside Handle (it would wait for itself).
  void Stop();

 private:
  class Impl;  // rpc_server.cc: sockets and threads stay out of this header
  explicit RpcServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_SERVER_H_
