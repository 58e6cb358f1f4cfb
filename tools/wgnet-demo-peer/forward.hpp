// --forward PORT=ADDRESS:PORT: connections to a TCP port inside the demo peer's tunnel are
// carried to a TCP service on this machine's loopback, so the demo can put a real program (an
// unprivileged sshd) behind the tunnel. Loopback only: the demo never reaches beyond 127.0.0.1
// and ::1, whatever it is asked.
#pragma once

#include <cstdint>
#include <string_view>

#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace demo {

struct Forward {
  uint16_t tunnel_port = 0;
  wgnet::Endpoint target;  // 127.0.0.0/8 or ::1
};

// "2222=127.0.0.1:40022" or "22=[::1]:40022"; the error names what is wrong with the text.
wgnet::Result<Forward> parse_forward(std::string_view text);

// Connects to `target` and copies both ways until both directions are done (each EOF is passed
// on as a half-close) or `stop_fd` becomes readable. Returns when the connection is finished.
void forward_connection(wgnet::Connection conn, const wgnet::Endpoint& target, int stop_fd);

}  // namespace demo
