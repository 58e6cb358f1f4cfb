#include "io/dial_plan.hpp"

#include <algorithm>

namespace wgnet::io {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

DialPlan::DialPlan(const std::string& host, std::vector<IpAddress> addresses, uint16_t port,
                   const DialOptions& options, Clock::time_point start, Routable routable)
    : addresses_(std::move(addresses)),
      port_(port),
      options_(options),
      start_(start),
      routable_(std::move(routable)),
      last_(make_error(ErrorCode::kResolve, host + ": no address to connect to")) {}

std::optional<DialAttempt> DialPlan::next(Clock::time_point now) {
  bool several = addresses_.size() > 1;
  while (next_ < addresses_.size()) {
    const IpAddress& ip = addresses_[next_++];
    Endpoint remote{ip, port_};
    // Checked before dialling, so that an address no peer covers fails at once with a reason
    // instead of timing out on packets the device drops.
    if (!routable_(ip)) {
      last_ = make_error(ErrorCode::kNetwork,
                         "no route to " + ip.to_string() + ": no peer's AllowedIPs covers it");
      log_.emplace_back(LogLevel::kDebug, last_.message);
      continue;
    }
    milliseconds timeout = several ? options_.attempt_timeout : kDefaultConnectTimeout;
    if (options_.timeout.count() > 0) {
      auto left = options_.timeout - duration_cast<milliseconds>(now - start_);
      if (left <= milliseconds::zero()) {
        last_ =
            make_error(ErrorCode::kTimeout, "connection to " + remote.to_string() + " timed out");
        next_ = addresses_.size();
        return std::nullopt;
      }
      timeout = several ? std::min(timeout, left) : left;
    }
    // With one address the caller's own report names it; with several, say which we try.
    if (several) log_.emplace_back(LogLevel::kInfo, "trying " + remote.to_string() + " ...");
    current_ = remote;
    return DialAttempt{remote, timeout};
  }
  return std::nullopt;
}

void DialPlan::failed(Error error) {
  last_ = std::move(error);
  // The last failure is the caller's to report; earlier ones explain why we moved on.
  if (next_ < addresses_.size()) {
    log_.emplace_back(LogLevel::kInfo,
                      "connect to " + current_.to_string() + " failed: " + last_.message);
  }
}

Error lookup_failure_for_dial(Error error) {
  if (error.code == ErrorCode::kTimeout) error.code = ErrorCode::kResolve;
  return error;
}

Error explain_dial_failure(Error error, bool handshake_done) {
  if (!handshake_done && error.code == ErrorCode::kTimeout) {
    error.code = ErrorCode::kHandshakeTimeout;
    error.message += " (no WireGuard handshake with the peer has completed)";
  }
  return error;
}

Result<Endpoint> first_routable(const std::string& host, const std::vector<IpAddress>& addresses,
                                uint16_t port, const DialPlan::Routable& routable) {
  for (const auto& ip : addresses) {
    if (routable(ip)) return Endpoint{ip, port};
  }
  return make_error(ErrorCode::kNetwork,
                    "no route to " + host + ": no peer's AllowedIPs covers its addresses");
}

}  // namespace wgnet::io
