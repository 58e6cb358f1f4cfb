// wg-ssh: an SSH client whose only way to the network is an in-process WireGuard tunnel.
// See man/wg-ssh.1. The option parser and settings live in lib/ssh_options*, the session engine
// in lib/session_run* (both without a tunnel, for the unit tests).
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "exit_status.hpp"
#include "session_run.hpp"
#include "ssh_options.hpp"
#include "ssh_settings_dump.hpp"
#include "tool_tunnel.hpp"

namespace {

// -E FILE: diagnostics are appended to FILE instead of stderr (as ssh -E).
wgnet::tools::Diagnostics::Writer log_writer(const std::string& path) {
  if (path.empty()) return wgnet::tools::Diagnostics::stderr_writer();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return wgnet::tools::Diagnostics::stderr_writer();
  return [fd](std::string_view line) {
    std::string text(line);
    text += '\n';
    ssize_t ignored = ::write(fd, text.data(), text.size());
    (void)ignored;
  };
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wgnet;
  // A closed stdout or connection must be an error value (EPIPE), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  auto command = ssh::parse_ssh_command_line(argc, argv);
  if (!command) {
    tools::Diagnostics("wg-ssh").error(command.error().message);
    return ssh::kSshErrorExit;
  }
  if (!command->options) {
    (command->text_to_stdout ? std::cout : std::cerr) << command->text << std::flush;
    return command->exit_status;
  }
  const ssh::SshOptions& options = *command->options;
  ssh::SshEnvironment env = ssh::SshEnvironment::from_process();
  auto settings = ssh::load_and_resolve_settings(options, env);
  if (!settings) {
    tools::Diagnostics("wg-ssh").error(settings.error().message);
    return ssh::kSshErrorExit;
  }
  tools::Diagnostics diag("wg-ssh", ssh::diagnostics_verbosity(settings->log_level),
                          log_writer(settings->log_file));
  if (!ssh::quiet_level(settings->log_level)) {
    for (const auto& warning : settings->warnings) diag.warning(warning);
  }

  // -G, as ssh -G: the settings only; no WireGuard config is read, no tunnel opened.
  if (options.print_config) {
    std::cout << ssh::format_settings_as_ssh_g(*settings, options) << std::flush;
    return std::cout ? 0 : ssh::kSshErrorExit;
  }

  // -n / StdinNull: stdin from /dev/null, as ssh does for commands run in the background (so no
  // pty is asked for either, unless -tt forces one).
  if (settings->stdin_null) {
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0) {
      diag.error("cannot open /dev/null for -n");
      return ssh::kSshErrorExit;
    }
    ::close(null_fd);
  }

  if (auto lists = ssh::check_algorithm_lists(*settings); !lists) {
    diag.error(lists.error().message);
    return ssh::kSshErrorExit;
  }

  auto config = tools::load_tool_config(options.wg_config_path, diag);
  if (!config) return tools::report_error(diag, config.error(), tools::ExitStatusMap(255));
  // ConnectTimeout bounds the WireGuard handshake too: nothing is connected before it.
  auto handshake_timeout = settings->connect_timeout
                               ? std::chrono::milliseconds(*settings->connect_timeout)
                               : TunnelOptions{}.handshake_timeout;
  auto tunnel =
      tools::open_tool_tunnel(*config, diag, handshake_timeout, tools::HandshakeWait::kWait,
                              options.share ? tools::Sharing::kShare : tools::Sharing::kOwnTunnel);
  if (!tunnel) return tools::report_error(diag, tunnel.error(), tools::ExitStatusMap(255));

  return ssh::run_session(**tunnel, *settings, env, diag);
}
