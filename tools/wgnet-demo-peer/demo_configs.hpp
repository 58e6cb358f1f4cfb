// The demo's two WireGuard configs: the built-in peer's and the client's that tools use.
#pragma once

#include <cstdint>
#include <string>

#include "wgnet/config.hpp"

namespace demo {

// Tunnel-inside addresses of the demo network (never routed anywhere: they exist only inside
// the two processes' tunnels).
inline constexpr const char* kPeerV4 = "10.200.0.1";
inline constexpr const char* kPeerV6 = "fd00:200::1";
inline constexpr const char* kClientV4 = "10.200.0.2";
inline constexpr const char* kClientV6 = "fd00:200::2";
inline constexpr const char* kZone = "demo.wgnet";

struct DemoKeys {
  wgnet::Key32 peer_private;
  wgnet::Key32 client_private;
};

DemoKeys make_keys();
// wg-quick style texts. The peer listens on 127.0.0.1:port; the client points at it.
std::string peer_config_text(const DemoKeys& keys, uint16_t port);
std::string client_config_text(const DemoKeys& keys, uint16_t port);

}  // namespace demo
