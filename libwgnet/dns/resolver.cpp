#include "dns/resolver.hpp"

#include <algorithm>

#include "dns/lookup.hpp"
#include "dns/message.hpp"
#include "dns/search_list.hpp"

namespace wgnet::dns {
namespace {

using Clock = std::chrono::steady_clock;
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

Resolver::Resolver(ResolverConfig config, Transport& transport)
    : config_(std::move(config)), transport_(transport) {}

Result<std::vector<IpAddress>> Resolver::resolve(std::string_view name, AddressFamily family,
                                                 std::optional<Clock::time_point> deadline) {
  if (auto ip = IpAddress::parse(name)) return literal(*ip, name, family);
  if (config_.servers.empty()) return no_dns_server_error();
  std::string_view bare = name.ends_with('.') ? name.substr(0, name.size() - 1) : name;
  if (bare.empty()) return make_error(ErrorCode::kInvalidArgument, "empty host name");
  if (bare.size() > MAX_NAME_LEN) {
    return make_error(ErrorCode::kInvalidArgument,
                      "host name '" + std::string(name) + "' is longer than 253 characters");
  }
  if (auto check = build_query(name, QuerySpec{}); !check) return check.error();

  std::vector<uint16_t> qtypes;
  if (family != AddressFamily::kV4) qtypes.push_back(TYPE_AAAA);
  if (family != AddressFamily::kV6) qtypes.push_back(TYPE_A);
  std::vector<IpAddress> servers = config_.servers;
  std::vector<std::string> tried;
  bool nodata = false;
  std::string server_failure;
  const std::string quoted(name);
  // For the message only: what the caller allowed, rounded up as it was most likely given.
  std::optional<milliseconds> budget;
  if (deadline) {
    budget =
        std::max(milliseconds::zero(), std::chrono::ceil<milliseconds>(*deadline - Clock::now()));
  }

  for (const std::string& candidate : search_candidates(name, config_.search, config_.ndots)) {
    if (deadline && Clock::now() >= *deadline) {
      std::string asked = tried.empty() ? "" : "; tried " + join(tried);
      return make_error(ErrorCode::kTimeout,
                        "could not resolve " + quoted + ": no answer " + allowed(*budget) + asked);
    }
    auto outcome = lookup_addresses(candidate, qtypes, servers, config_, transport_, deadline);
    if (!outcome) continue;  // the name plus a search domain grew too long: not a candidate
    tried.push_back(candidate);
    switch (outcome->status) {
      case LookupStatus::kFound:
        return interleave_families(outcome->addresses);
      case LookupStatus::kNxdomain:
        break;
      case LookupStatus::kNodata:
        nodata = true;
        break;
      case LookupStatus::kServerFailure:
        if (server_failure.empty()) server_failure = outcome->detail;
        break;
      case LookupStatus::kNoReply:
        // Stop here: every further name would wait for the same silent servers.
        return no_reply_error(quoted, config_, *outcome, budget);
    }
    demote(servers, outcome->silent);
  }
  if (nodata) {
    return make_error(ErrorCode::kResolve, "could not resolve " + quoted + ": the name has " +
                                               family_records(family) + " (NODATA" +
                                               tried_suffix(name, tried) + ")");
  }
  if (!server_failure.empty()) {
    return make_error(ErrorCode::kResolve, "could not resolve " + quoted + ": " + server_failure +
                                               tried_suffix(name, tried));
  }
  return make_error(
      ErrorCode::kResolve,
      "could not resolve " + quoted + ": NXDOMAIN (no such name" + tried_suffix(name, tried) + ")");
}

}  // namespace wgnet::dns
