#include "tool_tunnel.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "config_select.hpp"
#include "tunnel_report.hpp"
#include "wgnet/agent.hpp"

namespace wgnet::tools {

Result<Config> load_tool_config(const std::string& flag_value, const Diagnostics& diag) {
  auto path = select_config_path(flag_value, std::getenv(kConfigEnvVar));
  if (!path) return path.error();
  return load_config(*path, diag.warning_sink());
}

bool no_share_from_env() {
  const char* v = std::getenv("WGNET_NO_SHARE");
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

std::string agent_program_path() {
  if (const char* env = std::getenv("WGNET_AGENT_PROGRAM"); env && *env) return env;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    dir.resize(dir.rfind('/'));
    for (const std::string& candidate :
         {dir + "/wgnet-agent", dir + "/../wgnet-agent/wgnet-agent"}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "wgnet-agent";
}

Result<std::unique_ptr<Tunnel>> open_tool_tunnel(const Config& config, const Diagnostics& diag,
                                                 std::chrono::milliseconds handshake_timeout,
                                                 HandshakeWait wait, Sharing sharing) {
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
  Result<std::unique_ptr<Tunnel>> tunnel = make_error(ErrorCode::kInternal, "no tunnel");
  if (sharing == Sharing::kShare && !no_share_from_env()) {
    AttachOptions attach;
    attach.tunnel = std::move(options);
    attach.config_path = config.source;
    attach.agent_program = agent_program_path();
    AttachInfo info;
    tunnel = Tunnel::attach(config, std::move(attach), &info);
    if (!tunnel) return tunnel.error();
    diag.info(info.started ? "started agent pid " + std::to_string(info.agent_pid) + " (socket " +
                                 info.socket_path + ")"
                           : "attached to agent pid " + std::to_string(info.agent_pid) +
                                 " (socket " + info.socket_path + ")");
  } else {
    tunnel = Tunnel::open(config, std::move(options));
    if (!tunnel) return tunnel.error();
  }
  if (wait == HandshakeWait::kSkip) return tunnel;
  diag.info("waiting for a handshake");
  if (auto ready = (*tunnel)->wait_handshake(); !ready) return ready.error();
  report_handshake(diag, (*tunnel)->stats());
  return tunnel;
}

}  // namespace wgnet::tools
