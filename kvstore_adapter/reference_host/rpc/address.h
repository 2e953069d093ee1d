// "host:port" addresses: parsing, name resolution, and formatting of socket
// addresses. IPv6 literals are written in brackets ("[::1]:7000").
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_ADDRESS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_ADDRESS_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::rpc {

struct HostPort {
  std::string host;  // a name or a literal, without brackets; never empty
  uint16_t port = 0;
};

// Splits "host:port" / "[v6]:port". Errors: kInvalidArgument naming the
// address (empty host, missing or non-numeric port, port above 65535).
// Pure; thread-safe.
kv::Result<HostPort> SplitHostPort(std::string_view address);

// A resolved socket address, copyable (sockaddr_storage inside).
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_UNSPEC;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Resolves `address` with getaddrinfo (TCP; `passive` for binding). Returns
// at least one address, in getaddrinfo's order. Errors: kInvalidArgument
// (malformed), kUnavailable (resolution failed, with gai_strerror's text).
// Blocking: getaddrinfo has no timeout (DNS may take seconds); literals and
// /etc/hosts names resolve without network. Thread-safe.
kv::Result<std::vector<SocketAddress>> Resolve(std::string_view address, bool passive);

// "ip:port" or "[ip6]:port" for an AF_INET/AF_INET6 address; "?" otherwise.
std::string FormatSocketAddress(const sockaddr* address, socklen_t length);

// The local / remote address of a connected or bound socket, formatted as
// above ("?" if the system call fails).
std::string LocalAddressOf(int fd);
std::string PeerAddressOf(int fd);

// strerror's text for `error_number`, thread-safe.
std::string ErrnoText(int error_number);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_ADDRESS_H_
