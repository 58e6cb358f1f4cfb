#include "forward_command.hpp"

#include <csignal>
#include <fstream>

#include "exit_status.hpp"
#include "forward_spec.hpp"
#include "forwarder.hpp"
#include "stop_signal.hpp"
#include "tool_tunnel.hpp"

namespace wgnet::forward {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// The signal handler's way out: one write(2) on the eventfd Forwarder::wait polls.
const StopSignal* g_stop = nullptr;
void on_stop_signal(int) {
  if (g_stop != nullptr) g_stop->raise();
}

// --socks-auth FILE: its first line is user:password (RFC 1929 allows 1-255 bytes each).
Result<Socks5Credentials> read_socks_credentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kInvalidArgument, "--socks-auth " + path + ": cannot read");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == line.size() || colon > 255 ||
      line.size() - colon - 1 > 255) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "--socks-auth " + path + ":1: expected user:password (each 1-255 bytes) on the first line");
  }
  return Socks5Credentials{line.substr(0, colon), line.substr(colon + 1)};
}

}  // namespace

void add_forward_options(CLI::App& sub, ForwardCommand& command) {
  sub.add_option("-L", command.local,
                 "[bind_address:]port:host:hostport[/udp]: a listener here (127.0.0.1 unless "
                 "told), each connection to host:hostport through the tunnel")
      ->type_name("SPEC");
  sub.add_option("-R", command.remote,
                 "[tunnel_address:]port:host:hostport[/udp]: a listener on our tunnel address, "
                 "each connection to host:hostport on this machine")
      ->type_name("SPEC");
  sub.add_option("-D,--socks", command.dynamic,
                 "[bind_address:]port: a SOCKS5 server here (127.0.0.1 unless told); needs "
                 "--socks-auth")
      ->type_name("SPEC");
  sub.add_option("--socks-auth", command.socks_auth_file,
                 "file whose first line is user:password, which -D's clients must give")
      ->type_name("FILE");
  sub.add_flag("--no-share", command.no_share,
               "a tunnel of our own instead of the config's shared agent ($WGNET_NO_SHARE)");
}

int run_forward_command(const ForwardCommand& command, const Config& config,
                        const tools::Diagnostics& diag) {
  std::vector<ForwardSpec> specs;
  auto add_specs = [&](Direction direction, const std::vector<std::string>& texts) {
    for (const auto& text : texts) {
      auto spec = parse_forward_spec(direction, text);
      if (!spec) {
        diag.error(spec.error().message);
        return false;
      }
      specs.push_back(std::move(*spec));
    }
    return true;
  };
  if (!add_specs(Direction::kLocal, command.local) ||
      !add_specs(Direction::kRemote, command.remote) ||
      !add_specs(Direction::kDynamic, command.dynamic)) {
    return kExitUsage;
  }
  if (specs.empty()) {
    diag.error("forward: nothing to forward: give -L, -R or -D (see wgnet-agent forward --help)");
    return kExitUsage;
  }
  ForwardOptions options;
  if (!command.dynamic.empty()) {
    // A TCP port on this machine is open to every local user: SOCKS there must authenticate.
    // (The agent's Unix socket serves SOCKS to our uid only, without a password.)
    if (command.socks_auth_file.empty()) {
      diag.error("-D " + command.dynamic.front() +
                 ": a SOCKS port on TCP needs --socks-auth FILE (any local user can connect to "
                 "it); without a password, use the agent's socket (wgnet-agent socket)");
      return kExitUsage;
    }
    auto credentials = read_socks_credentials(command.socks_auth_file);
    if (!credentials) {
      diag.error(credentials.error().message);
      return kExitUsage;
    }
    options.socks_credentials = std::move(*credentials);
  } else if (!command.socks_auth_file.empty()) {
    diag.error("--socks-auth is for -D (a SOCKS listener), and there is none");
    return kExitUsage;
  }

  // Dialling forwards wait for the first handshake, so a dead peer is reported at once; a
  // command with only -R serves whoever reaches us, as nc -l does.
  bool dials = !command.local.empty() || !command.dynamic.empty();
  auto tunnel = tools::open_tool_tunnel(
      config, diag, TunnelOptions{}.handshake_timeout,
      dials ? tools::HandshakeWait::kWait : tools::HandshakeWait::kSkip,
      command.no_share ? tools::Sharing::kOwnTunnel : tools::Sharing::kShare);
  if (!tunnel) return tools::report_error(diag, tunnel.error());

  auto stop = StopSignal::create();
  if (!stop) return tools::report_error(diag, stop.error());
  g_stop = &*stop;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);

  int status = 0;
  {
    Forwarder forwarder(**tunnel, diag, options);
    for (auto& spec : specs) forwarder.add(std::move(spec));
    if (auto started = forwarder.start(); !started) {
      diag.error(started.error().message);
      status = kExitFailed;
    } else {
      forwarder.wait(stop->fd());
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGHUP, SIG_DFL);
  g_stop = nullptr;
  return status;
}

}  // namespace wgnet::forward
