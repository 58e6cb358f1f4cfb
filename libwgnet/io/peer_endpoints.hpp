// Turns a peer's Endpoint= (IP literal or host name) into UDP endpoints. Host names are resolved
// by the system resolver: this is the one lookup that must happen outside the tunnel.
#pragma once

#include <vector>

#include "wgnet/config.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

// Retries temporary failures (EAI_AGAIN) up to `tries` times, one second apart; permanent
// failures (no such name) are reported at once. With several addresses, IPv4 and IPv6 results
// alternate so that a fallback from one family to the other comes early.
Result<std::vector<Endpoint>> resolve_peer_endpoint(const EndpointSpec& spec, int tries);

}  // namespace wgnet::io
