#include "tool_tunnel.hpp"

#include <cstdlib>

#include "config_select.hpp"
#include "tunnel_report.hpp"

namespace wgnet::tools {

Result<Config> load_tool_config(const std::string& flag_value, const Diagnostics& diag) {
  auto path = select_config_path(flag_value, std::getenv(kConfigEnvVar));
  if (!path) return path.error();
  return load_config(*path, diag.warning_sink());
}

Result<std::unique_ptr<Tunnel>> open_tool_tunnel(const Config& config, const Diagnostics& diag,
                                                 std::chrono::milliseconds handshake_timeout,
                                                 HandshakeWait wait) {
  if (diag.verbose()) {
    std::string addresses;
    for (const auto& prefix : config.interface.addresses) {
      addresses += (addresses.empty() ? "" : ", ") + prefix.to_string();
    }
    diag.info("config " + config.source + ": address " +
              (addresses.empty() ? "(none)" : addresses) + ", " +
              std::to_string(config.peers.size()) + " peer(s)");
  }
  TunnelOptions options;
  options.log = diag.log_sink();
  options.handshake_timeout = handshake_timeout;
  auto tunnel = Tunnel::open(config, std::move(options));
  if (!tunnel) return tunnel.error();
  if (wait == HandshakeWait::kSkip) return tunnel;
  diag.info("waiting for a handshake");
  if (auto ready = (*tunnel)->wait_handshake(); !ready) return ready.error();
  report_handshake(diag, (*tunnel)->stats());
  return tunnel;
}

}  // namespace wgnet::tools
