// The start every tool shares: pick and load the config, open the tunnel, wait for the first
// handshake. Kept apart from the rest of tools/common because it needs the real Tunnel
// (tests link the common code against a test double instead).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "diagnostics.hpp"
#include "wgnet/config.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::tools {

// select_config_path(flag, $WGNET_CONFIG) then load_config; warnings go to `diag`.
Result<Config> load_tool_config(const std::string& flag_value, const Diagnostics& diag);

// Clients wait for the first handshake so that a dead peer is reported as such, not as a
// connect timeout. Servers (nc -l) do not: their peers may have no Endpoint= and reach us first.
enum class HandshakeWait { kWait, kSkip };

// By default tools share the identity's one tunnel through the wgnet agent (parallel tools
// would otherwise take the peer's one session from each other); --no-share, or $WGNET_NO_SHARE
// set to anything but "" or "0", opens this process's own.
enum class Sharing { kShare, kOwnTunnel };

// Whether $WGNET_NO_SHARE asks for our own tunnel.
bool no_share_from_env();

// The wgnet-agent program to start: $WGNET_AGENT_PROGRAM, else wgnet-agent beside this program,
// else in the build tree's layout (<exe dir>/../wgnet-agent/), else "wgnet-agent" from PATH.
std::string agent_program_path();

// Tunnel::attach (or Tunnel::open when not sharing) with diag's log sink, then wait_handshake()
// unless told to skip; with -v says which config and peers it tries, which agent it attached to
// or started and, once done, which peer answered and how long it took.
Result<std::unique_ptr<Tunnel>> open_tool_tunnel(const Config& config, const Diagnostics& diag,
                                                 std::chrono::milliseconds handshake_timeout,
                                                 HandshakeWait wait = HandshakeWait::kWait,
                                                 Sharing sharing = Sharing::kShare);

}  // namespace wgnet::tools
