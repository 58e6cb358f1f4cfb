#include "dig_run.hpp"

#include <algorithm>

#include "dig_format.hpp"
#include "dig_names.hpp"

namespace wgnet::dig {
namespace {

using std::chrono::milliseconds;

std::string server_text(const IpAddress& ip, uint16_t port) {
  return ip.to_string() + "#" + std::to_string(port);
}

struct Servers {
  std::vector<IpAddress> addresses;
  std::string label;    // as the user named it, for ";; SERVER: ...(label)"
  int found_shown = 0;  // "; (N servers found)" only when @server was given
};

Result<Servers> pick_servers(RunContext& ctx, const Query& q) {
  Servers s;
  if (!q.server) {
    if (ctx.config.interface.dns_servers.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "no DNS server: the config has no DNS= and no @server was given");
    }
    s.addresses = {ctx.config.interface.dns_servers.front()};
    s.label = s.addresses.front().to_string();
    return s;
  }
  s.label = *q.server;
  if (auto ip = IpAddress::parse(*q.server)) {
    s.addresses = {*ip};
  } else {
    auto resolved = ctx.tunnel.resolve(*q.server, q.settings.family);
    if (!resolved) {
      return make_error(resolved.error().code, "couldn't get address for '" + *q.server +
                                                   "': " + resolved.error().message);
    }
    s.addresses = *resolved;
  }
  if (q.settings.family != AddressFamily::kAny) {
    bool want_v4 = q.settings.family == AddressFamily::kV4;
    std::erase_if(s.addresses, [&](const IpAddress& a) { return a.is_v4() != want_v4; });
    if (s.addresses.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "server '" + *q.server + "' has no " + (want_v4 ? "IPv4" : "IPv6") +
                            " address (-" + (want_v4 ? "4" : "6") + ")");
    }
  }
  s.found_shown = static_cast<int>(s.addresses.size());
  return s;
}

constexpr uint16_t TYPE_ANY = 255;

DnsQuestion question(const Query& q, const std::string& name) {
  const QuerySettings& s = q.settings;
  DnsQuestion d;
  d.name = name;
  d.qtype = q.qtype;
  d.qclass = q.qclass;
  d.recursion_desired = s.recurse;
  d.dnssec_ok = s.dnssec;
  if (s.edns || s.dnssec) d.edns_bufsize = s.bufsize;
  return d;
}

DnsQueryOptions query_options(const Query& q) {
  const QuerySettings& s = q.settings;
  DnsQueryOptions o;
  // dig asks ANY over TCP unless told otherwise: the answer is often too big for UDP.
  o.tcp = s.tcp || (q.qtype == TYPE_ANY && !s.tcp_set);
  o.tcp_fallback = !s.ignore_tc;
  o.timeout = milliseconds(s.time_s * 1000);
  o.tries = s.tries;
  return o;
}

unsigned reply_rcode(const std::vector<uint8_t>& wire) {
  return wire.size() >= 4 ? wire[3] & 0xf : 0;
}

constexpr unsigned RCODE_NXDOMAIN = 3;

// The peer whose AllowedIPs route `server` (longest prefix wins), as the tunnel chooses it.
std::string carrying_peer(const Config& config, const IpAddress& server) {
  const PeerConfig* best = nullptr;
  int best_length = -1;
  for (const PeerConfig& peer : config.peers) {
    for (const IpPrefix& prefix : peer.allowed_ips) {
      if (prefix.contains(server) && prefix.length > best_length) {
        best = &peer;
        best_length = prefix.length;
      }
    }
  }
  if (!best) return "no peer (no AllowedIPs= covers it)";
  std::string text = "peer " + key_to_base64(best->public_key);
  if (best->endpoint) text += " (" + best->endpoint->to_string() + ")";
  return text;
}

// dig reports every try that got no reply, so query_dns is asked one try at a time.
Result<DnsReply> ask_with_tries(RunContext& ctx, const IpAddress& server, uint16_t port,
                                std::span<const uint8_t> query, DnsQueryOptions options) {
  int tries = std::max(1, options.tries);
  options.tries = 1;
  std::optional<Error> last;
  for (int t = 0; t < tries; ++t) {
    auto reply = ctx.tunnel.query_dns(Endpoint{server, port}, query, options);
    if (reply || reply.error().code == ErrorCode::kInvalidArgument) return reply;
    last = reply.error();
    ctx.diag.info(last->message);
    ctx.out(";; communications error to " + server_text(server, port) + ": " +
            (last->code == ErrorCode::kTimeout ? std::string("timed out") : last->message) + "\n");
  }
  return *last;
}

}  // namespace

int run_query(RunContext& ctx, const Query& q, bool first) {
  const QuerySettings& s = q.settings;
  auto servers = pick_servers(ctx, q);
  if (!servers) {
    ctx.diag.error(servers.error().message);
    return servers.error().code == ErrorCode::kInvalidArgument ? EXIT_USAGE : EXIT_INTERNAL;
  }
  std::vector<std::string> names = s.search && !q.reverse
                                       ? dns_search_names(q.name, ctx.config.interface.dns_search)
                                       : std::vector<std::string>{q.name};
  auto options = query_options(q);
  std::string what = type_name(q.qtype) + " " + class_name(q.qclass);
  bool any_reply = false;
  for (size_t n = 0; n < names.size(); ++n) {
    const std::string& name = names[n];
    auto wire = build_dns_query(question(q, name));
    if (!wire) {
      ctx.diag.error("'" + name + "' is not a legal name: " + wire.error().message);
      return EXIT_INTERNAL;
    }
    for (const IpAddress& server : servers->addresses) {
      ctx.diag.info("query " + name + " " + what + " to " + server_text(server, s.port) +
                    (options.tcp ? " over TCP" : " over UDP") + " via " +
                    carrying_peer(ctx.config, server));
      auto reply = ask_with_tries(ctx, server, s.port, *wire, options);
      if (!reply) {
        const Error& e = reply.error();
        if (e.code == ErrorCode::kInvalidArgument) {
          ctx.diag.error("'" + name + "' cannot be asked: " + e.message);
          return EXIT_INTERNAL;
        }
        continue;  // the failed tries are reported; on to the next address
      }
      any_reply = true;
      bool truncated_first = reply->truncated_udp_first;
      ctx.diag.info("reply from " + server_text(server, s.port) + " in " +
                    std::to_string(reply->rtt.count() / 1000) + " ms over " +
                    (reply->via_tcp ? "TCP" : "UDP") +
                    (truncated_first ? " (the UDP reply was truncated)" : ""));
      // +search moves on to the next candidate name when this one does not exist.
      if (n + 1 < names.size() && reply_rcode(reply->wire) == RCODE_NXDOMAIN) break;
      std::string text;
      if (truncated_first && !s.short_form) text += ";; Truncated, retrying in TCP mode.\n";
      // dig prints its banner once, for the first query.
      if (first && s.cmd && !s.short_form) {
        text += format_banner(ctx.args_text, servers->found_shown, first);
      }
      ReplyInfo info{reply->wire,    server.to_string(), s.port,   servers->label,
                     reply->via_tcp, reply->rtt,         ctx.now()};
      auto formatted = format_reply(info, s);
      if (!formatted) {
        ctx.out(text);
        ctx.diag.error(formatted.error().message);
        return EXIT_INTERNAL;
      }
      ctx.out(text + *formatted);
      return EXIT_OK;
    }
    if (!any_reply) break;  // no server answered: the next name would not fare better
  }
  if (first && s.cmd && !s.short_form) {
    ctx.out(format_banner(ctx.args_text, servers->found_shown, first));
  }
  ctx.out(";; no servers could be reached\n");
  return EXIT_NO_REPLY;
}

int run_queries(RunContext& ctx, const std::vector<Query>& queries) {
  int status = EXIT_OK;
  bool first = true;
  for (const Query& q : queries) {
    int st = run_query(ctx, q, first);
    first = false;
    if (st != EXIT_OK) status = st;
  }
  return status;
}

}  // namespace wgnet::dig
