// wgnet-agent: the background process that owns one identity's tunnel and serves it to every
// local wgnet tool (Tunnel::attach), and the commands to start, stop and inspect it.
//
//   wgnet-agent run    -c FILE [--idle-timeout S] [--ready-fd N] [-v]   the agent, foreground
//   wgnet-agent start  -c FILE [--idle-timeout S]    attach or start one; prints its socket
//   wgnet-agent stop   -c FILE                        exit status 1 when none runs
//   wgnet-agent status -c FILE                        exit status 1 when none runs
//   wgnet-agent socket -c FILE                        the socket's path
//   wgnet-agent forward -c FILE [-L SPEC]... [-R SPEC]... [-D [ADDR:]PORT --socks-auth FILE]
//                       [--no-share] [-v]            forwards over the shared tunnel until a signal
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "config_select.hpp"
#include "diagnostics.hpp"
#include "exit_status.hpp"
#include "forward_command.hpp"
#include "wgnet/agent.hpp"

namespace {

using namespace wgnet;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // not running, or the command failed
constexpr int kExitUsage = 2;
constexpr int kExitConfig = 3;

int g_stop_write = -1;
void on_stop_signal(int) {
  if (g_stop_write >= 0) (void)!::write(g_stop_write, "s", 1);
}

struct Options {
  std::string config_path;
  int64_t idle_timeout = -1;
  int ready_fd = -1;
  int64_t handshake_timeout_ms = TunnelOptions{}.handshake_timeout.count();
  int verbosity = 0;
  forward::ForwardCommand forward;
};

std::optional<std::chrono::seconds> idle_of(const Options& o) {
  if (o.idle_timeout < 0) return std::nullopt;
  return std::chrono::seconds(o.idle_timeout);
}

int failed(const tools::Diagnostics& diag, const Error& e) {
  diag.error(tools::describe_error(e));
  return e.code == ErrorCode::kConfig ? kExitConfig : kExitFailed;
}

int run_agent(const Options& o, const Config& config, const tools::Diagnostics& diag) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) return kExitFailed;
  g_stop_write = pipefd[1];
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);

  AgentServeOptions serve;
  if (auto idle = idle_of(o)) {
    serve.idle_timeout = *idle;
  } else if (const char* env = std::getenv("WGNET_AGENT_IDLE"); env && *env) {
    serve.idle_timeout = std::chrono::seconds(std::atoll(env));
  }
  serve.ready_fd = o.ready_fd;
  serve.stop_fd = pipefd[0];
  serve.handshake_timeout = std::chrono::milliseconds(o.handshake_timeout_ms);
  serve.log = diag.log_sink();
  auto served = serve_agent(config, config.source, std::move(serve));
  ::close(pipefd[0]);
  g_stop_write = -1;
  ::close(pipefd[1]);
  if (!served) return failed(diag, served.error());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"wgnet-agent: one shared WireGuard tunnel per config for every wgnet tool"};
  app.set_version_flag("--version", std::string("wgnet-agent ") + WGNET_AGENT_VERSION);
  app.require_subcommand(1);
  Options o;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("-c,--wg-config,--config", o.config_path,
                    "WireGuard config file (wg-quick format); default: $WGNET_CONFIG")
        ->type_name("FILE");
    sub->add_flag("-v,--verbose", o.verbosity, "say more (run: the tunnel's events; -vv: debug)");
  };
  auto* run =
      app.add_subcommand("run", "be the agent (in the foreground unless started by a tool)");
  add_common(run);
  run->add_option("--idle-timeout", o.idle_timeout,
                  "exit this many seconds after the last client (0: never; default "
                  "$WGNET_AGENT_IDLE, else 60)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--ready-fd", o.ready_fd, "write ok/busy/error to this descriptor when ready");
  run->add_option("--handshake-timeout", o.handshake_timeout_ms,
                  "milliseconds the tunnel waits for the first handshake")
      ->check(CLI::PositiveNumber);
  auto* start = app.add_subcommand(
      "start", "attach to the agent, starting it if none runs; print its socket");
  add_common(start);
  start->add_option("--idle-timeout", o.idle_timeout, "for an agent this starts (seconds)")
      ->check(CLI::NonNegativeNumber);
  auto* stop = app.add_subcommand("stop", "make the agent exit now");
  add_common(stop);
  auto* status = app.add_subcommand("status", "show the agent (exit status 1 when none runs)");
  add_common(status);
  auto* socket = app.add_subcommand("socket", "print the agent's socket path");
  add_common(socket);
  auto* forward = app.add_subcommand(
      "forward", "-L/-R/-D forwards over the config's (shared) tunnel until SIGINT or SIGTERM");
  add_common(forward);
  forward::add_forward_options(*forward, o.forward);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  tools::Diagnostics diag("wgnet-agent", o.verbosity);
  auto path = tools::select_config_path(o.config_path, std::getenv(tools::kConfigEnvVar));
  if (!path) {
    diag.error(path.error().message);
    return kExitUsage;
  }
  auto config = load_config(*path, diag.warning_sink());
  if (!config) {
    diag.error(tools::describe_error(config.error()));
    if (o.ready_fd >= 0) {
      std::string word = "error " + std::to_string(static_cast<int>(config.error().code)) + " " +
                         config.error().message;
      (void)!::write(o.ready_fd, word.data(), word.size());
    }
    return kExitConfig;
  }

  if (run->parsed()) return run_agent(o, *config, diag);
  if (forward->parsed()) return forward::run_forward_command(o.forward, *config, diag);
  if (start->parsed()) {
    AttachOptions attach;
    attach.config_path = *path;
    attach.idle_timeout = idle_of(o);
    attach.agent_program = "wgnet-agent";
    char self[4096];  // this very program, by its real path (ps shows it)
    if (ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1); n > 0)
      attach.agent_program.assign(self, static_cast<size_t>(n));
    if (const char* env = std::getenv("WGNET_AGENT_PROGRAM"); env && *env)
      attach.agent_program = env;
    AttachInfo info;
    auto tunnel = Tunnel::attach(*config, attach, &info);
    if (!tunnel) return failed(diag, tunnel.error());
    std::cout << info.socket_path << "\n";
    diag.info((info.started ? "started agent pid " : "agent pid ") +
              std::to_string(info.agent_pid));
    return kExitOk;
  }
  if (stop->parsed()) {
    auto stopped = stop_agent(*config);
    if (!stopped) return failed(diag, stopped.error());
    return kExitOk;
  }
  if (status->parsed()) {
    auto s = agent_status(*config);
    if (!s) return failed(diag, s.error());
    std::cout << "pid " << s->pid << "\nsocket " << s->socket_path << "\nconfig " << s->config_path
              << "\nclients " << (s->connections - 1) << "\nuptime " << s->uptime.count()
              << " s\nhandshake "
              << (s->handshake_time ? std::to_string(s->handshake_time->count()) + " ms" + " (" +
                                          s->peer_endpoint + ")"
                                    : std::string("none yet"))
              << "\nrss " << s->rss_kib << " KiB\n";
    return kExitOk;
  }
  auto dir = agent_runtime_dir();
  if (!dir) return failed(diag, dir.error());
  std::cout << agent_socket_path(*dir, *config) << "\n";
  return kExitOk;
}
