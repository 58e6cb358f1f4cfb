#include "dns/resolve_op.hpp"

#include <algorithm>

#include "dns/lookup.hpp"
#include "dns/message.hpp"
#include "wgnet/dns.hpp"

namespace wgnet::dns {
namespace {

using std::chrono::milliseconds;

constexpr size_t MAX_NAME_LEN = 253;  // presentation form, without the trailing dot

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string server_list(const std::vector<IpAddress>& servers) {
  std::vector<std::string> texts;
  for (const IpAddress& s : servers) texts.push_back(s.to_string());
  return join(texts);
}

std::string family_records(AddressFamily family) {
  switch (family) {
    case AddressFamily::kV4:
      return "no IPv4 address (A record)";
    case AddressFamily::kV6:
      return "no IPv6 address (AAAA record)";
    case AddressFamily::kAny:
      break;
  }
  return "no IPv4 or IPv6 address (A/AAAA records)";
}

// The names actually asked, when search domains made them differ from what the user typed.
std::string tried_suffix(std::string_view name, const std::vector<std::string>& tried) {
  if (tried.size() == 1 && tried[0] == name) return "";
  return "; tried " + join(tried);
}

Result<std::vector<IpAddress>> literal(const IpAddress& ip, std::string_view name,
                                       AddressFamily family) {
  if ((family == AddressFamily::kV4 && !ip.is_v4()) ||
      (family == AddressFamily::kV6 && !ip.is_v6())) {
    return make_error(ErrorCode::kInvalidArgument,
                      "'" + std::string(name) + "' is an " + (ip.is_v4() ? "IPv4" : "IPv6") +
                          " address but only " + (ip.is_v4() ? "IPv6" : "IPv4") + " was asked for");
  }
  return std::vector<IpAddress>{ip};
}

// Servers that stayed silent go to the back for the next names of the same resolve() call, so
// one dead server costs its timeout once rather than once per search domain.
void demote(std::vector<IpAddress>& servers, const std::vector<IpAddress>& silent) {
  std::stable_partition(servers.begin(), servers.end(), [&](const IpAddress& s) {
    return std::find(silent.begin(), silent.end(), s) == silent.end();
  });
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string allowed(milliseconds budget) {
  return "within the " + std::to_string(budget.count()) + " ms allowed";
}

// `budget`: the time the caller allowed, when its deadline cut the lookup short.
Error no_reply_error(const std::string& name, const ResolverConfig& config,
                     const LookupOutcome& outcome, std::optional<milliseconds> budget) {
  std::string msg = "could not resolve " + name + ": ";
  if (outcome.silent.empty() && !outcome.detail.empty()) {
    // Not one server was even reached: say why rather than "no reply".
    return make_error(ErrorCode::kResolve, msg + outcome.detail);
  }
  if (outcome.out_of_time && budget) {
    // Only the servers asked: the deadline may have come before the others' turn.
    const auto& asked = outcome.silent.empty() ? config.servers : outcome.silent;
    msg += "no reply from DNS server(s) " + server_list(asked) + " " + allowed(*budget);
  } else {
    msg += "no reply from DNS server(s) " + server_list(config.servers) + " (" +
           plural(std::max(1, config.attempts), "attempt") + ", " +
           std::to_string(config.timeout.count()) + " ms each)";
  }
  if (!outcome.detail.empty()) msg += "; last error: " + outcome.detail;
  return make_error(outcome.out_of_time ? ErrorCode::kTimeout : ErrorCode::kResolve, msg);
}

// A resolve request: the checks that need no query, then one Lookup per search name.
class ResolveOp final : public Operation {
 public:
  ResolveOp(Engine& engine, ResolveRequest request, ResolveDone done)
      : Operation(engine), request_(std::move(request)), done_(std::move(done)) {}

  void start(Clock::time_point now) override {
    const std::string& name = request_.name;
    if (auto ip = IpAddress::parse(name)) return finish(literal(*ip, name, request_.family));
    if (request_.config.servers.empty()) return finish(no_dns_server_error());
    std::string_view bare(name);
    if (bare.ends_with('.')) bare.remove_suffix(1);
    if (bare.empty()) return finish(make_error(ErrorCode::kInvalidArgument, "empty host name"));
    if (bare.size() > MAX_NAME_LEN) {
      return finish(make_error(ErrorCode::kInvalidArgument,
                               "host name '" + name + "' is longer than 253 characters"));
    }
    if (auto check = build_query(name, QuerySpec{}, engine_.random()); !check) {
      return finish(check.error());
    }
    if (request_.family != AddressFamily::kV4) qtypes_.push_back(TYPE_AAAA);
    if (request_.family != AddressFamily::kV6) qtypes_.push_back(TYPE_A);
    servers_ = request_.config.servers;
    // For the message only: what the caller allowed, rounded up as it was most likely given.
    if (request_.allowed) {
      budget_ = request_.allowed;
    } else if (request_.deadline) {
      budget_ =
          std::max(milliseconds::zero(), std::chrono::ceil<milliseconds>(*request_.deadline - now));
    }
    candidates_ = dns_search_names(name, request_.config.search, request_.config.ndots);
    next_candidate(now);
  }

  void on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
              Clock::time_point now) override {
    if (lookup_) lookup_->on_udp(socket, from, datagram, now);
    check_lookup(now);
  }
  void on_tcp_connected(SocketId, Clock::time_point) override {}
  void on_tcp_data(SocketId socket, std::span<const uint8_t> bytes,
                   Clock::time_point now) override {
    if (lookup_) lookup_->on_tcp_data(socket, bytes, now);
    check_lookup(now);
  }
  void on_socket_error(SocketId socket, const Error& error, Clock::time_point now) override {
    if (lookup_) lookup_->on_socket_error(socket, error, now);
    check_lookup(now);
  }
  Clock::time_point deadline() const override {
    return lookup_ ? lookup_->deadline() : Clock::time_point::max();
  }
  void on_deadline(Clock::time_point now) override {
    if (lookup_) lookup_->on_deadline(now);
    check_lookup(now);
  }
  void abort(const Error& error) override { finish(error); }

 private:
  void next_candidate(Clock::time_point now) {
    const std::string quoted = request_.name;
    while (next_ < candidates_.size()) {
      if (request_.deadline && now >= *request_.deadline) {
        std::string asked = tried_.empty() ? "" : "; tried " + join(tried_);
        return finish(
            make_error(ErrorCode::kTimeout,
                       "could not resolve " + quoted + ": no answer " + allowed(*budget_) + asked));
      }
      const std::string& candidate = candidates_[next_++];
      auto lookup = Lookup::create(engine_, *this, candidate, qtypes_, servers_, request_.config,
                                   request_.deadline);
      if (!lookup) continue;  // the name plus a search domain grew too long: not a candidate
      tried_.push_back(candidate);
      lookup_.emplace(std::move(*lookup));
      lookup_->start(now);
      check_lookup(now);
      return;
    }
    finish(final_error());
  }

  // Acts on the outcome of the current lookup once it has one.
  void check_lookup(Clock::time_point now) {
    if (finished_ || !lookup_ || !lookup_->outcome()) return;
    LookupOutcome outcome = *lookup_->outcome();
    lookup_.reset();
    switch (outcome.status) {
      case LookupStatus::kFound:
        return finish(interleave_families(outcome.addresses));
      case LookupStatus::kNxdomain:
        break;
      case LookupStatus::kNodata:
        nodata_ = true;
        break;
      case LookupStatus::kServerFailure:
        if (server_failure_.empty()) server_failure_ = outcome.detail;
        break;
      case LookupStatus::kNoReply:
        // Stop here: every further name would wait for the same silent servers.
        return finish(no_reply_error(request_.name, request_.config, outcome, budget_));
    }
    demote(servers_, outcome.silent);
    next_candidate(now);
  }

  Error final_error() const {
    const std::string& quoted = request_.name;
    if (nodata_) {
      return make_error(ErrorCode::kResolve, "could not resolve " + quoted + ": the name has " +
                                                 family_records(request_.family) + " (NODATA" +
                                                 tried_suffix(quoted, tried_) + ")");
    }
    if (!server_failure_.empty()) {
      return make_error(ErrorCode::kResolve, "could not resolve " + quoted + ": " +
                                                 server_failure_ + tried_suffix(quoted, tried_));
    }
    return make_error(ErrorCode::kResolve, "could not resolve " + quoted +
                                               ": NXDOMAIN (no such name" +
                                               tried_suffix(quoted, tried_) + ")");
  }

  void finish(Result<std::vector<IpAddress>> result) {
    if (finished_) return;
    finished_ = true;
    if (lookup_) lookup_->close_sockets();
    lookup_.reset();
    done_(std::move(result));
  }

  ResolveRequest request_;
  ResolveDone done_;
  std::vector<uint16_t> qtypes_;
  std::vector<IpAddress> servers_;
  std::vector<std::string> candidates_;
  size_t next_ = 0;
  std::vector<std::string> tried_;
  bool nodata_ = false;
  std::string server_failure_;
  std::optional<milliseconds> budget_;
  std::optional<Lookup> lookup_;
};

}  // namespace

Error no_dns_server_error() {
  return make_error(ErrorCode::kResolve,
                    "no DNS server in the tunnel configuration (add DNS= to [Interface]); "
                    "refusing to use the system resolver");
}

std::vector<IpAddress> interleave_families(const std::vector<IpAddress>& addresses) {
  std::vector<IpAddress> v6, v4, out;
  for (const IpAddress& a : addresses) {
    auto& bucket = a.is_v6() ? v6 : v4;
    if (std::find(bucket.begin(), bucket.end(), a) == bucket.end()) bucket.push_back(a);
  }
  for (size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

std::unique_ptr<Operation> make_resolve_op(Engine& engine, ResolveRequest request,
                                           ResolveDone done) {
  return std::make_unique<ResolveOp>(engine, std::move(request), std::move(done));
}

}  // namespace wgnet::dns
