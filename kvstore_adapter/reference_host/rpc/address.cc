#include "kvstore_adapter/reference_host/rpc/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <memory>

namespace ledgerseal::rpc {
namespace {

kv::Result<HostPort> Malformed(std::string_view address, std::string_view why) {
  return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                       "address \"" + std::string(address) + "\": " + std::string(why));
}

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

}  // namespace

kv::Result<HostPort> SplitHostPort(std::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return Malformed(address, "expected host:port");
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Malformed(address, "IPv6 literals must be in brackets ([::1]:port)");
  }
  if (host.empty()) return Malformed(address, "empty host");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Malformed(address, "port must be a number in 0..65535");
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

kv::Result<std::vector<SocketAddress>> Resolve(std::string_view address, bool passive) {
  auto host_port = SplitHostPort(address);
  if (!host_port) return std::unexpected(host_port.error());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo* raw = nullptr;
  const std::string port = std::to_string(host_port->port);
  const int rc = getaddrinfo(host_port->host.c_str(), port.c_str(), &hints, &raw);
  if (rc != 0) {
    const std::string why = rc == EAI_SYSTEM ? ErrnoText(errno) : gai_strerror(rc);
    return kv::MakeError(kv::ErrorCode::kUnavailable,
                         "resolving \"" + std::string(address) + "\": " + why);
  }
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  std::vector<SocketAddress> out;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress resolved;
    std::memcpy(&resolved.storage, ai->ai_addr, ai->ai_addrlen);
    resolved.length = ai->ai_addrlen;
    resolved.family = ai->ai_family;
    out.push_back(resolved);
  }
  if (out.empty()) {
    return kv::MakeError(kv::ErrorCode::kUnavailable,
                         "resolving \"" + std::string(address) + "\": no usable address");
  }
  return out;
}

std::string FormatSocketAddress(const sockaddr* address, socklen_t length) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    if (inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text)) == nullptr) return "?";
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text)) == nullptr) return "?";
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "?";
}

std::string LocalAddressOf(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return "?";
  return FormatSocketAddress(reinterpret_cast<sockaddr*>(&storage), length);
}

std::string PeerAddressOf(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return "?";
  return FormatSocketAddress(reinterpret_cast<sockaddr*>(&storage), length);
}

std::string ErrnoText(int error_number) {
  char buffer[256];
  // GNU strerror_r: returns either `buffer` or a static string.
  return strerror_r(error_number, buffer, sizeof(buffer));
}

}  // namespace ledgerseal::rpc
