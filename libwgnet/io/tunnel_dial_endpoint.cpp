// Tunnel::dial_tcp/dial_udp to an Endpoint: for callers that already hold the address (a
// library's sockaddr, a configured target). The IP literal goes through the same checks as any
// dial (handshake wait, AllowedIPs route, timeouts) but is never resolved.
#include "wgnet/tunnel.hpp"

namespace wgnet {

namespace {
DialOptions numeric(DialOptions options) {
  options.family = AddressFamily::kAny;
  options.numeric_only = true;
  return options;
}
}  // namespace

Result<Connection> Tunnel::dial_tcp(const Endpoint& remote, const DialOptions& options) {
  return dial_tcp(remote.ip.to_string(), remote.port, numeric(options));
}

Result<Connection> Tunnel::dial_udp(const Endpoint& remote, const DialOptions& options) {
  return dial_udp(remote.ip.to_string(), remote.port, numeric(options));
}

}  // namespace wgnet
