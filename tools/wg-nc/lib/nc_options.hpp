// wg-nc's command line: OpenBSD nc's options where they apply to a tunnel.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::nc {

struct NcOptions {
  std::string config_path;                                  // -c/--wg-config; empty = $WGNET_CONFIG
  bool listen = false;                                      // -l
  bool keep_listening = false;                              // -k
  bool udp = false;                                         // -u
  bool scan = false;                                        // -z
  bool half_close = false;                                  // -N
  bool numeric = false;                                     // -n
  AddressFamily family = AddressFamily::kAny;               // -4 / -6
  std::optional<std::chrono::milliseconds> timeout;         // -w
  std::optional<std::chrono::milliseconds> quit_after_eof;  // -q (implies -N); negative: unset
  int verbosity = 0;                                        // -v, repeatable
  bool no_share = false;  // --no-share: our own tunnel, not the agent's (also $WGNET_NO_SHARE)
  std::string host;       // client: where to; listen: our address to bind, empty = all
  std::vector<uint16_t> ports;  // client: one, or several with -z; listen: one
};

// Either options to run with, or the help text (-h) to print before exiting 0.
struct NcCommand {
  std::optional<NcOptions> options;
  std::string help;
};

// Parses argv (argv[0] is the program name). Errors are kInvalidArgument with one line that
// quotes the bad input, e.g. "invalid port `99999'".
Result<NcCommand> parse_nc_command_line(int argc, const char* const* argv);

// "22", "20-30" (either order), or a service name from /etc/services ("ssh").
Result<std::vector<uint16_t>> parse_port_spec(const std::string& spec);

// "1", "0.5": seconds as nc takes them, to milliseconds. kInvalidArgument if not a number.
Result<std::chrono::milliseconds> parse_seconds(const std::string& text, const char* option);

}  // namespace wgnet::nc
