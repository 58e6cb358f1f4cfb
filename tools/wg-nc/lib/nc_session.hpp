// What wg-nc does once its tunnel is up: connect (or listen) and relay, or scan ports.
// Takes any wgnet::Tunnel, so tests drive it with a loopback double.
#pragma once

#include "diagnostics.hpp"
#include "nc_options.hpp"
#include "relay.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::nc {

// Checks that need no tunnel (so they fail before a handshake): -n with a name.
Result<void> check_nc_options(const NcOptions& options);

// Runs the session(s) and returns the exit status: 0 on success, 1 on any failure, as nc.
// Errors are printed through `diag` as one line each.
int run_nc(Tunnel& tunnel, const NcOptions& options, tools::RelayStreams& streams,
           const tools::Diagnostics& diag);

// OpenBSD nc's -v lines, with our tool name in place of "nc":
//   Connection to HOST [(IP)] PORT port [tcp/*] succeeded!
//   wg-nc: connect to HOST port PORT (tcp) failed: Connection refused
std::string connect_succeeded_line(const std::string& host, const Endpoint& remote, uint16_t port,
                                   bool udp, bool numeric);
std::string connect_failed_text(const std::string& host, uint16_t port, bool udp,
                                const Error& error);

}  // namespace wgnet::nc
