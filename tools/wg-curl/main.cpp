// wg-curl: curl through an in-process WireGuard tunnel. See man/wg-curl.1.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "curl_handle.hpp"
#include "curl_options.hpp"
#include "exit_status.hpp"
#include "password_prompt.hpp"
#include "tool_tunnel.hpp"
#include "transfer.hpp"
#include "transfer_error.hpp"
#include "tunnel_report.hpp"

namespace {

using namespace wgnet;

// A peer that never answers is a transfer that cannot start: wait for the handshake no longer
// than the transfer itself may take (--connect-timeout, -m), and never more than the
// library's default.
std::chrono::milliseconds handshake_budget(const curl::CurlOptions& options) {
  std::chrono::milliseconds budget = TunnelOptions{}.handshake_timeout;
  if (options.connect_timeout && options.connect_timeout->count() > 0)
    budget = std::min(budget, *options.connect_timeout);
  if (options.max_time && options.max_time->count() > 0) budget = std::min(budget, *options.max_time);
  return budget;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0) return size.ws_col;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout must be a write error (curl's 23), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  auto command = curl::parse_curl_command_line(argc, argv);
  if (!command) {
    tools::Diagnostics usage("wg-curl");
    usage.error(command.error().message);
    usage.plain(curl::kTryHelpLine);
    return curl::kExitUsage;
  }
  if (!command->options) {
    std::cout << command->help_or_version;
    return curl::kExitOk;
  }
  const curl::CurlOptions& options = *command->options;
  tools::Diagnostics diag("wg-curl", options.verbosity);
  if (!options.silent) {
    for (const auto& warning : command->warnings) diag.warning(warning);
  }
  curl::ask_missing_password(command->options->user);  // `-u NAME`: curl asks, also with -s
  curl::CurlGlobal curl_global;
  if (!curl_global.ok()) {
    diag.error("libcurl could not be initialized");
    return curl::kCurlFailedInit;
  }

  auto config = tools::load_tool_config(options.config_path, diag);
  if (!config) {
    diag.error(tools::describe_error(config.error()));
    return curl::kCurlFailedInit;
  }
  auto tunnel =
      tools::open_tool_tunnel(*config, diag, handshake_budget(options), tools::HandshakeWait::kWait,
                              options.share ? tools::Sharing::kShare : tools::Sharing::kOwnTunnel);
  if (!tunnel) {
    curl::TransferFailure failure{curl::exit_code_for_tunnel_error(tunnel.error()),
                                  tools::describe_error(tunnel.error())};
    if (!options.silent || options.show_error) diag.plain(curl::error_line(failure));
    return failure.code;
  }

  curl::TransferIo io;
  io.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  io.terminal_columns = terminal_columns();
  io.columns_env = std::getenv("COLUMNS");
  int status = curl::run_transfers(**tunnel, options, io, diag);
  tools::report_traffic(diag, (*tunnel)->stats());
  return status;
}
