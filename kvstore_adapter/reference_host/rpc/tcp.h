// TCP sockets for the RPC layer: listen, accept, connect. Every socket is
// non-blocking, close-on-exec and has TCP_NODELAY (request/response traffic:
// Nagle's algorithm would only add latency).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TCP_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TCP_H_

#include <optional>
#include <string_view>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/socket_io.h"
#include "kvstore_adapter/reference_host/rpc/unique_fd.h"

namespace ledgerseal::rpc {

// Binds "host:port" (port 0: the kernel picks one) with SO_REUSEADDR, so a
// restarted server can take its port back while old connections linger in
// TIME_WAIT, and listens. Tries each resolved address in turn. Errors:
// kInvalidArgument (malformed address), kUnavailable (resolution, bind or
// listen failed; the message names the address and errno's text).
kv::Result<UniqueFd> ListenTcp(std::string_view address, int backlog);

// Accepts one pending connection from a non-blocking listener. nullopt when
// none is pending (EAGAIN, or the client already gave up). Errors: kUnavailable
// for anything else (e.g. EMFILE), with errno's text.
kv::Result<std::optional<UniqueFd>> AcceptTcp(int listen_fd);

// Connects to "host:port", trying each resolved address until one connects
// before `deadline`. Errors: kInvalidArgument (malformed address),
// kUnavailable with the address and errno's text, or "timed out after
// <timeout_ms_for_message> ms" when the deadline passes.
kv::Result<UniqueFd> ConnectTcp(std::string_view address, Deadline deadline,
                                int timeout_ms_for_message);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_TCP_H_
