// The dialer's policy without its I/O: which address to try next, with what connect timeout
// out of the caller's budget, what to log, and which error the caller gets. Pure (time passed
// in, no threads, no sockets): TunnelImpl runs the attempts on the loop, tests drive it with a
// fake clock.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wgnet/tunnel.hpp"

namespace wgnet::io {

// A single address with no -w: as long as a TCP connect takes to give up on its own.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{60000};

struct DialAttempt {
  Endpoint remote;
  std::chrono::milliseconds timeout;
};

class DialPlan {
 public:
  using Clock = std::chrono::steady_clock;
  using Routable = std::function<bool(const IpAddress&)>;

  // `addresses` in the order to try (the resolver's v6/v4 interleaving); `start`: when the
  // dial began (DialOptions::timeout covers the handshake wait and the lookup too).
  DialPlan(const std::string& host, std::vector<IpAddress> addresses, uint16_t port,
           const DialOptions& options, Clock::time_point start, Routable routable);

  // The next address to connect to, or nullopt when none is left or the budget is spent.
  std::optional<DialAttempt> next(Clock::time_point now);
  // The attempt next() gave failed with `error`.
  void failed(Error error);
  // Why the dial failed, once next() gave nullopt: the last attempt's error, kNetwork when no
  // address had a route, kTimeout when the budget ran out before an address's turn.
  const Error& failure() const { return last_; }

  // Lines for the tunnel's log since the last call (which address is tried, why one is skipped).
  std::vector<std::pair<LogLevel, std::string>> take_log() { return std::exchange(log_, {}); }

 private:
  std::vector<IpAddress> addresses_;
  uint16_t port_;
  DialOptions options_;
  Clock::time_point start_;
  Routable routable_;
  size_t next_ = 0;
  Endpoint current_;
  Error last_;
  std::vector<std::pair<LogLevel, std::string>> log_;
};

// A name lookup that ran out of a dial's time is, to the dial's caller, a name that could not
// be resolved (nc stops a port scan on it rather than trying each port): kTimeout -> kResolve.
Error lookup_failure_for_dial(Error error);

// A connect that timed out before any handshake completed is the handshake's fault.
Error explain_dial_failure(Error error, bool handshake_done);

// dial_udp's remote: the first address some peer's AllowedIPs cover.
Result<Endpoint> first_routable(const std::string& host, const std::vector<IpAddress>& addresses,
                                uint16_t port, const DialPlan::Routable& routable);

}  // namespace wgnet::io
