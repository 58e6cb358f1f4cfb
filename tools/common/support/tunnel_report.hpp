// The -v lines every tool prints about its tunnel: which peer answered, and the traffic at exit.
#pragma once

#include "diagnostics.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::tools {

// "handshake with peer KEY (ENDPOINT) completed in N ms" — with -v only.
void report_handshake(const Diagnostics& diag, const TunnelStats& stats);

// "tunnel: sent N bytes (M on the wire), received N bytes (M on the wire)" — with -v only.
void report_traffic(const Diagnostics& diag, const TunnelStats& stats);

}  // namespace wgnet::tools
