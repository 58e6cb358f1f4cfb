// `wgnet-agent forward`: its options and the run, kept out of main.cpp so that main stays the
// list of subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "wgnet/config.hpp"

namespace wgnet::forward {

struct ForwardCommand {
  std::vector<std::string> local;    // -L specs as given
  std::vector<std::string> remote;   // -R
  std::vector<std::string> dynamic;  // -D / --socks
  std::string socks_auth_file;       // --socks-auth
  bool no_share = false;
};

void add_forward_options(CLI::App& sub, ForwardCommand& command);

// Parses the specs (usage errors: 2), opens the tunnel (shared unless --no-share or
// $WGNET_NO_SHARE), binds every forward (a forward that cannot bind: 1, naming it) and serves
// until SIGINT or SIGTERM (then 0).
int run_forward_command(const ForwardCommand& command, const Config& config,
                        const tools::Diagnostics& diag);

}  // namespace wgnet::forward
