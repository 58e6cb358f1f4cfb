// Conversions between wgnet::Endpoint and the OS's socket addresses, for code that meets both:
// a library that hands over the sockaddr it wants to connect to (libcurl's open-socket
// callback), an OS socket to reach or to describe.
#pragma once

#include <sys/socket.h>

#include <optional>

#include "wgnet/export.hpp"
#include "wgnet/ip.hpp"

namespace wgnet {

// Fills `out` with the AF_INET or AF_INET6 address of `ep`; returns the length to pass to
// bind/connect/sendto.
WGNET_API socklen_t to_sockaddr(const Endpoint& ep, sockaddr_storage& out);

// An AF_INET or AF_INET6 address as an Endpoint (an IPv4-mapped IPv6 address as IPv4); nullopt
// for any other family or a length too short for the family.
WGNET_API std::optional<Endpoint> from_sockaddr(const sockaddr* addr, socklen_t length);

}  // namespace wgnet
