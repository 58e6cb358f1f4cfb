// ssh-style forward specifications, as `wgnet-agent forward` takes them:
//   -L [bind_address:]port:host:hostport[/udp]   local listener -> host:hostport through the tunnel
//   -R [tunnel_address:]port:host:hostport[/udp] tunnel listener -> host:hostport on this machine
//   -D [bind_address:]port                       local SOCKS5 listener (ssh's dynamic forward)
// IPv6 addresses go in brackets ("[::1]:8080:[fd00::2]:80"). For -L the bind address defaults to
// 127.0.0.1 (ssh's GatewayPorts=no); "*" or an empty address means every local address. For -R
// the default (and "*", or empty) is every tunnel address of ours. A listening port of 0 picks one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wgnet/result.hpp"

namespace wgnet::forward {

enum class Direction { kLocal, kRemote, kDynamic };  // -L, -R, -D
enum class Protocol { kTcp, kUdp };

struct ForwardSpec {
  Direction direction = Direction::kLocal;
  Protocol protocol = Protocol::kTcp;
  // -L: a local address, a local host name, or "*" for all. -R: a tunnel address, "" for all.
  std::string listen_address;
  uint16_t listen_port = 0;  // 0: any free port
  std::string host;          // -L: resolved through the tunnel; -R: on this machine; -D: none
  uint16_t host_port = 0;

  // How messages name this forward: "-L 127.0.0.1:8080", "-R [fd00::1]:53/udp", "-R *:8080".
  std::string name() const;
};

// Parses the argument of -L or -R. The error (kInvalidArgument) names the option, the spec as
// given and what is wrong with it: "-L '80:host': expected [bind_address:]port:host:hostport".
Result<ForwardSpec> parse_forward_spec(Direction direction, std::string_view text);

}  // namespace wgnet::forward
