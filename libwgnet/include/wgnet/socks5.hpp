// A SOCKS5 server (RFC 1928, with RFC 1929 username/password) over a Tunnel: lets any program
// that speaks SOCKS (curl --socks5-hostname, ssh ProxyCommand 'nc -X 5', git, Python) use the
// tunnel unchanged. The caller accepts client connections (Unix or TCP socket) and runs
// serve_socks5 for each on a thread of its own.
//
// CONNECT: IPv4, IPv6 and domain-name destinations; names are resolved by the tunnel's DNS only
// (never the system resolver, so no name leaks outside the tunnel). UDP ASSOCIATE: a UDP relay
// socket on options.udp_relay_address; datagrams go through one tunnel UDP socket per
// association. BIND is not supported (reply 0x07).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wgnet/export.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet {

struct Socks5Credentials {
  std::string user, password;
};

struct Socks5Options {
  std::optional<Socks5Credentials> credentials;   // set: RFC 1929 required, else no-auth only
  std::string udp_relay_address = "127.0.0.1";    // where UDP ASSOCIATE's relay socket binds
  LogSink log;                                    // one line per session (kInfo); may be empty
  std::chrono::milliseconds dial_timeout{10000};  // CONNECT's dial, name lookup included
  // Greeting, authentication and request must all arrive within this from the start: a client
  // that connects and says nothing would otherwise hold its thread for ever.
  std::chrono::milliseconds negotiation_timeout{10000};
};

// Serves one SOCKS5 client connection to the end (blocking); `client` was accepted by the
// caller (Unix or TCP). cancel_fd readable -> return promptly (a dial in progress still runs to
// its dial_timeout). A client that has not sent its request within negotiation_timeout is
// dropped.
WGNET_API void serve_socks5(Tunnel& tunnel, Fd client, const Socks5Options& options,
                            int cancel_fd = -1);

}  // namespace wgnet
