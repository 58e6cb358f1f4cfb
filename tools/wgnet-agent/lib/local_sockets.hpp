// The forwards' OS side: listening on this machine (-L) and reaching a service on it (-R).
// Addresses are literals or names for the system resolver (getaddrinfo): these are local hosts,
// never tunnel names.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::forward {

// A non-blocking TCP listener (SO_REUSEADDR, as ssh's) or UDP socket bound to address:port.
// "*" binds every address, IPv6 and IPv4 together (IPv4 alone where IPv6 is off). The error
// is the OS's reason as a user reads it: "Address already in use", "Cannot assign requested
// address", "no such local host 'foo'".
Result<Fd> listen_local(const std::string& address, uint16_t port, bool udp);

// Connects a TCP socket to host:port on this machine, trying each address the resolver gives
// (localhost: ::1 and 127.0.0.1) within `timeout` each. Gives up at once when `stop_fd`
// becomes readable (kClosed). kConnectRefused when nothing listens there. Returns a blocking
// socket.
Result<Fd> connect_local_tcp(const std::string& host, uint16_t port, int stop_fd,
                             std::chrono::milliseconds timeout);

// A UDP socket connected to host:port on this machine (the first address the resolver gives),
// non-blocking.
Result<Fd> connect_local_udp(const std::string& host, uint16_t port);

// The address a socket is bound to.
Endpoint local_endpoint(int fd);

}  // namespace wgnet::forward
