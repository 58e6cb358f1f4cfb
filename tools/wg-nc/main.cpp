// wg-nc: netcat through an in-process WireGuard tunnel. See man/wg-nc.1.
#include <csignal>
#include <iostream>

#include "exit_status.hpp"
#include "nc_options.hpp"
#include "nc_session.hpp"
#include "tool_tunnel.hpp"
#include "tunnel_report.hpp"

int main(int argc, char** argv) {
  using namespace wgnet;
  // A closed stdout or connection must be an error value (EPIPE), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  auto command = nc::parse_nc_command_line(argc, argv);
  if (!command) {
    tools::Diagnostics("wg-nc").error(command.error().message);
    return 1;
  }
  if (!command->options) {
    std::cout << command->help;
    return 0;
  }
  const nc::NcOptions& options = *command->options;
  tools::Diagnostics diag("wg-nc", options.verbosity);
  if (auto ok = nc::check_nc_options(options); !ok) return tools::report_error(diag, ok.error());

  auto config = tools::load_tool_config(options.config_path, diag);
  if (!config) return tools::report_error(diag, config.error());
  // -w covers everything before a connection is up, the handshake included.
  auto handshake_timeout = options.timeout.value_or(TunnelOptions{}.handshake_timeout);
  auto tunnel = tools::open_tool_tunnel(
      *config, diag, handshake_timeout,
      options.listen ? tools::HandshakeWait::kSkip : tools::HandshakeWait::kWait,
      options.no_share ? tools::Sharing::kOwnTunnel : tools::Sharing::kShare);
  if (!tunnel) return tools::report_error(diag, tunnel.error());

  tools::RelayStreams streams;
  int status = nc::run_nc(**tunnel, options, streams, diag);
  tools::report_traffic(diag, (*tunnel)->stats());
  return status;
}
