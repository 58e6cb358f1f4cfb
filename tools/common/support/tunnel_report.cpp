#include "tunnel_report.hpp"

#include <string>

namespace wgnet::tools {

void report_handshake(const Diagnostics& diag, const TunnelStats& stats) {
  std::string line =
      "handshake with peer " +
      (stats.peer_public_key.empty() ? std::string("(unknown)") : stats.peer_public_key);
  if (!stats.peer_endpoint.empty()) line += " (" + stats.peer_endpoint + ")";
  line += " completed";
  if (stats.handshake_time) line += " in " + std::to_string(stats.handshake_time->count()) + " ms";
  if (stats.shared) line += " (the agent's session, shared)";
  diag.info(line);
}

void report_traffic(const Diagnostics& diag, const TunnelStats& stats) {
  diag.info("tunnel: sent " + std::to_string(stats.inner_tx_bytes) + " bytes (" +
            std::to_string(stats.tx_bytes) + " on the wire), received " +
            std::to_string(stats.inner_rx_bytes) + " bytes (" + std::to_string(stats.rx_bytes) +
            " on the wire)" + (stats.shared ? ", the agent's totals for all its clients" : ""));
}

}  // namespace wgnet::tools
