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

// Tunnel::open with diag's log sink, then wait_handshake() unless told to skip; with -v says
// which config and peers it tries and, once done, which peer answered and how long it took.
Result<std::unique_ptr<Tunnel>> open_tool_tunnel(const Config& config, const Diagnostics& diag,
                                                 std::chrono::milliseconds handshake_timeout,
                                                 HandshakeWait wait = HandshakeWait::kWait);

}  // namespace wgnet::tools
