// wg-ping's command line: iputils ping's common options (-c -i -W -w -s -q -n -4 -6), parsed
// getopt-style as ping does (clustered flags, "-c3" or "-c 3"), plus --wg-config FILE. Ping's
// -c is the count here, so the WireGuard config is --wg-config or $WGNET_CONFIG only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wgnet/tunnel.hpp"

namespace wgnet::ping {

// iputils' statuses: 0 some reply, 1 no reply (or fewer than -c within -w) and ping's own
// "invalid argument" errors, 2 any other error (bad option, unknown host, no route).
inline constexpr int EXIT_REPLIED = 0;
inline constexpr int EXIT_NO_REPLY = 1;
inline constexpr int EXIT_ERROR = 2;

// The shortest -i: iputils' limit for users without privileges (2 ms).
inline constexpr std::chrono::microseconds kMinInterval{2000};
// The most data bytes one echo request may carry (IPv6; IPv4 allows 65507).
inline constexpr size_t kMaxPayload = 65527;

struct Options {
  std::optional<uint64_t> count;                    // -c: stop after this many (replies, with -w)
  std::chrono::microseconds interval{1000000};      // -i seconds, fractional
  std::optional<std::chrono::microseconds> linger;  // -W seconds: wait for the last replies
  std::optional<std::chrono::seconds> deadline;     // -w seconds: stop after this long
  size_t payload_size = 56;                         // -s
  bool quiet = false;                               // -q
  bool numeric = false;                             // -n: replies name addresses only
  AddressFamily family = AddressFamily::kAny;       // -4 / -6
  int verbosity = 0;                                // -v: the tunnel's own report
  std::string config_path;                          // --wg-config
  bool share = true;                                // --no-share
  std::string destination;
  bool help = false;
  bool version = false;
};

struct UsageError {
  std::string message;  // one line, without the "wg-ping: " prefix
  int status;           // ping's: 1 for an invalid argument value, 2 for a bad option
};

// argv[1..]. Error messages follow iputils' texts ("invalid argument: '0': out of range: ...").
struct ParseResult {
  std::optional<Options> options;
  std::optional<UsageError> error;
};
ParseResult parse_command_line(const std::vector<std::string>& args);

std::string usage_text();

}  // namespace wgnet::ping
