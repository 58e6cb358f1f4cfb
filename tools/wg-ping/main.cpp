// wg-ping: iputils ping through an in-process WireGuard tunnel. See man/wg-ping.1.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "exit_status.hpp"
#include "ping_options.hpp"
#include "ping_run.hpp"
#include "tool_tunnel.hpp"
#include "tunnel_report.hpp"

namespace {

using namespace wgnet;

volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) {
  g_interrupted = 1;
}

// A dead peer should not hold a -w run past its deadline.
std::chrono::milliseconds handshake_budget(const ping::Options& options) {
  auto budget = TunnelOptions{}.handshake_timeout;
  if (options.deadline && options.deadline->count() > 0)
    budget = std::min<std::chrono::milliseconds>(budget, *options.deadline);
  return budget;
}

// The first address of the destination a pinger can be opened to (a name may have several).
Result<std::unique_ptr<Pinger>> open_pinger(Tunnel& tunnel, const ping::Options& options,
                                            IpAddress& chosen) {
  auto addresses = tunnel.resolve(options.destination, options.family);
  if (!addresses) return addresses.error();
  Error last = make_error(ErrorCode::kResolve, "no address");
  for (const auto& address : *addresses) {
    auto pinger = tunnel.open_pinger(address);
    if (pinger) {
      chosen = address;
      return pinger;
    }
    last = pinger.error();
  }
  return last;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  auto parsed = ping::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.error) {
    tools::Diagnostics("wg-ping").note(parsed.error->message + " (see wg-ping -h)");
    return parsed.error->status;
  }
  const ping::Options& options = *parsed.options;
  if (options.help) {
    std::cout << ping::usage_text();
    return ping::EXIT_REPLIED;
  }
  if (options.version) {
    std::cout << "wg-ping " WGNET_PING_VERSION "\n";
    return ping::EXIT_REPLIED;
  }
  tools::Diagnostics diag("wg-ping", options.verbosity);
  auto config = tools::load_tool_config(options.config_path, diag);
  if (!config) return tools::report_error(diag, config.error(), tools::ExitStatusMap(2));
  auto tunnel =
      tools::open_tool_tunnel(*config, diag, handshake_budget(options), tools::HandshakeWait::kWait,
                              options.share ? tools::Sharing::kShare : tools::Sharing::kOwnTunnel);
  if (!tunnel) return tools::report_error(diag, tunnel.error(), tools::ExitStatusMap(2));

  IpAddress address;
  auto pinger = open_pinger(**tunnel, options, address);
  if (!pinger) {
    diag.note(options.destination + ": " + pinger.error().message);
    return ping::EXIT_ERROR;
  }
  std::signal(SIGINT, on_sigint);
  bool is_literal = IpAddress::parse(options.destination).has_value();
  ping::RunContext ctx{
      **pinger,
      options,
      ping::Destination{options.destination, address, !is_literal && !options.numeric},
      [](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
      },
      [&diag](std::string_view line) { diag.note(line); },
      [] { return g_interrupted != 0; }};
  int status = ping::run_ping(ctx);
  tools::report_traffic(diag, (*tunnel)->stats());
  return status;
}
