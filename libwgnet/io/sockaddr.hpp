// Conversions between wgnet::Endpoint and the OS's sockaddr structures.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include "wgnet/ip.hpp"

namespace wgnet::io {

// Fills `out` for `ep`; returns the length to pass to bind/connect/sendto.
socklen_t to_sockaddr(const Endpoint& ep, sockaddr_storage& out);
// IPv4-mapped IPv6 addresses are reported as IPv4.
Endpoint from_sockaddr(const sockaddr_storage& in);

}  // namespace wgnet::io
