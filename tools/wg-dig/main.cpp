// wg-dig: dig through an in-process WireGuard tunnel. See man/wg-dig.1.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>

#include "dig_options.hpp"
#include "dig_run.hpp"
#include "exit_status.hpp"
#include "tool_tunnel.hpp"
#include "tunnel_report.hpp"

namespace {

using namespace wgnet;

// Reads -f FILE into more queries; the status is 0, 8 (cannot open) or 1 (a bad line).
int read_batch_file(const dig::Command& command, const tools::Diagnostics& diag,
                    std::vector<dig::Query>& queries) {
  std::ifstream in(*command.batch_file);
  if (!in) {
    diag.error("couldn't open batch file `" + *command.batch_file + "': " + std::strerror(errno));
    return dig::EXIT_BATCH_FILE;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto more = dig::parse_batch_line(line, command);
    if (!more) {
      diag.error(*command.batch_file + ":" + std::to_string(number) + ": " + more.error().message);
      return dig::EXIT_USAGE;
    }
    queries.insert(queries.end(), more->begin(), more->end());
  }
  return dig::EXIT_OK;
}

// A dead peer is, to dig's user, a server that never replies: wait for the handshake no longer
// than the queries would wait for a reply (+time x +tries), and never more than the library's
// default.
std::chrono::milliseconds handshake_budget(const std::vector<dig::Query>& queries) {
  std::chrono::milliseconds budget{1000};
  for (const auto& q : queries) {
    budget =
        std::max(budget, std::chrono::milliseconds(1000LL * q.settings.time_s * q.settings.tries));
  }
  return std::min(budget, TunnelOptions{}.handshake_timeout);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  auto command = dig::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!command) {
    tools::Diagnostics("wg-dig").error(command.error().message + " (see wg-dig -h)");
    return dig::EXIT_USAGE;
  }
  if (command->help) {
    std::cout << dig::usage_text();
    return dig::EXIT_OK;
  }
  if (command->version) {
    std::cout << "wg-dig " WGNET_DIG_VERSION "\n";
    return dig::EXIT_OK;
  }
  tools::Diagnostics diag("wg-dig", command->verbosity);
  std::vector<dig::Query> queries = command->queries;
  if (command->batch_file) {
    if (int st = read_batch_file(*command, diag, queries); st != dig::EXIT_OK) return st;
  }

  auto config = tools::load_tool_config(command->config_path, diag);
  if (!config) {
    tools::report_error(diag, config.error());
    return dig::EXIT_USAGE;
  }
  auto tunnel =
      tools::open_tool_tunnel(*config, diag, handshake_budget(queries), tools::HandshakeWait::kWait,
                              command->share ? tools::Sharing::kShare : tools::Sharing::kOwnTunnel);
  if (!tunnel) {
    tools::report_error(diag, tunnel.error());
    // A peer that never answers is, to a script, a server that never replied.
    return tunnel.error().code == ErrorCode::kHandshakeTimeout ? dig::EXIT_NO_REPLY
                                                               : dig::EXIT_INTERNAL;
  }
  dig::RunContext ctx{*config,
                      **tunnel,
                      diag,
                      [](std::string_view text) { std::cout << text << std::flush; },
                      [] { return std::time(nullptr); },
                      command->args_text};
  int status = dig::run_queries(ctx, queries);
  tools::report_traffic(diag, (*tunnel)->stats());
  return status;
}
