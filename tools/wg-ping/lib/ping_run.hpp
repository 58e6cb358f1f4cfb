// wg-ping's send/receive loop over a Pinger, with iputils ping's timing: a request every -i
// seconds whatever the replies do; with -c (no -w) stop sending after COUNT and wait for the
// last replies (twice the slowest round trip, at least one interval, once any came; -W seconds,
// default 10, when none did); with -w stop at the deadline or at COUNT replies; SIGINT (the
// `interrupted` check) stops at once. Every wait is bounded and checks `interrupted` at least
// every 100 ms.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ping_options.hpp"
#include "ping_report.hpp"

namespace wgnet::ping {

struct RunContext {
  Pinger& pinger;
  const Options& options;
  Destination destination;
  std::function<void(std::string_view)> out;   // stdout
  std::function<void(std::string_view)> warn;  // one line to stderr, e.g. a failed send
  std::function<bool()> interrupted;
};

// Prints the header, the reply lines (unless -q) and the statistics; returns the exit status.
int run_ping(const RunContext& ctx);

}  // namespace wgnet::ping
