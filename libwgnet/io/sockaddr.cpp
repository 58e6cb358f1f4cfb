#include "wgnet/sockaddr.hpp"

#include <netinet/in.h>

#include <cstring>

namespace wgnet {

socklen_t to_sockaddr(const Endpoint& ep, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (ep.ip.is_v4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(ep.port);
    std::memcpy(&sin.sin_addr, ep.ip.bytes.data(), 4);
    std::memcpy(&out, &sin, sizeof sin);
    return sizeof sin;
  }
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(ep.port);
  std::memcpy(&sin6.sin6_addr, ep.ip.bytes.data(), 16);
  std::memcpy(&out, &sin6, sizeof sin6);
  return sizeof sin6;
}

std::optional<Endpoint> from_sockaddr(const sockaddr* addr, socklen_t length) {
  // Copied out rather than cast: the caller's buffer need not be aligned for the family's type.
  if (addr->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in sin;
    std::memcpy(&sin, addr, sizeof sin);
    return Endpoint{IpAddress::from_bytes({reinterpret_cast<const uint8_t*>(&sin.sin_addr), 4}),
                    ntohs(sin.sin_port)};
  }
  if (addr->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, addr, sizeof sin6);
    const auto* raw = reinterpret_cast<const uint8_t*>(&sin6.sin6_addr);
    bool mapped = IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr);
    return Endpoint{
        mapped ? IpAddress::from_bytes({raw + 12, 4}) : IpAddress::from_bytes({raw, 16}),
        ntohs(sin6.sin6_port)};
  }
  return std::nullopt;
}

}  // namespace wgnet
