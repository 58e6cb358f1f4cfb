#include "io/sockaddr.hpp"

#include <cstring>

namespace wgnet::io {

socklen_t to_sockaddr(const Endpoint& ep, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (ep.ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(ep.port);
    std::memcpy(&sin->sin_addr, ep.ip.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(ep.port);
  std::memcpy(&sin6->sin6_addr, ep.ip.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

Endpoint from_sockaddr(const sockaddr_storage& in) {
  Endpoint ep;
  if (in.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&in);
    ep.ip = IpAddress::from_bytes({reinterpret_cast<const uint8_t*>(&sin->sin_addr), 4});
    ep.port = ntohs(sin->sin_port);
    return ep;
  }
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&in);
  const auto* raw = reinterpret_cast<const uint8_t*>(&sin6->sin6_addr);
  if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
    ep.ip = IpAddress::from_bytes({raw + 12, 4});
  } else {
    ep.ip = IpAddress::from_bytes({raw, 16});
  }
  ep.port = ntohs(sin6->sin6_port);
  return ep;
}

}  // namespace wgnet::io
