// Resolver::query: one question to one server, for tools that show the raw reply (wg-dig).
#include <algorithm>

#include "dns/exchange.hpp"
#include "dns/resolver.hpp"

namespace wgnet::dns {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

Result<Resolver::Reply> over_tcp(Transport& transport, const IpAddress& server, uint16_t port,
                                 QueryMessage& query, std::chrono::milliseconds timeout) {
  renew_id(query);
  auto fd = transport.open_tcp(server, port, timeout);
  if (!fd) return fd.error();
  auto start = Clock::now();
  auto reply = tcp_exchange(fd->get(), query, start + timeout);
  if (!reply) return reply.error();
  return Resolver::Reply{std::move(reply->wire), true,
                         duration_cast<microseconds>(reply->received - start), server};
}

Error with_server(const Error& e, const IpAddress& server, const char* how) {
  if (e.message.find(server.to_string()) != std::string::npos) {
    return make_error(e.code, e.message + " (" + how + ")");
  }
  return make_error(e.code, "DNS server " + server.to_string() + " (" + how + "): " + e.message);
}

}  // namespace

Result<Resolver::Reply> Resolver::query(const IpAddress& server, std::string_view name,
                                        const QueryOptions& options) {
  auto built = build_query(name, QuerySpec{options.qtype, options.qclass, options.recursion_desired,
                                           options.dnssec_ok, options.edns_bufsize});
  if (!built) return built.error();
  QueryMessage& query = *built;
  int tries = std::max(1, options.tries);
  std::optional<Error> last;
  for (int t = 0; t < tries; ++t) {
    if (options.tcp) {
      auto reply = over_tcp(transport_, server, config_.port, query, options.timeout);
      if (reply) return reply;
      last = with_server(reply.error(), server, "TCP");
      continue;
    }
    renew_id(query);
    auto fd = transport_.open_udp(server, config_.port);
    if (!fd) return with_server(fd.error(), server, "UDP");
    const QueryMessage* one[] = {&query};
    std::vector<std::optional<AcceptedReply>> replies;
    auto start = Clock::now();
    auto sent = udp_exchange(fd->get(), one, start + options.timeout, replies);
    if (!sent) {
      last = with_server(sent.error(), server, "UDP");
      continue;
    }
    if (!replies[0]) continue;
    if (ldns_pkt_tc(replies[0]->packet.get()) && options.tcp_fallback) {
      auto full = over_tcp(transport_, server, config_.port, query, options.timeout);
      if (!full) return with_server(full.error(), server, "TCP retry after a truncated reply");
      return full;
    }
    return Reply{std::move(replies[0]->wire), false,
                 duration_cast<microseconds>(replies[0]->received - start), server};
  }
  if (last && last->code != ErrorCode::kTimeout) return *last;
  return make_error(ErrorCode::kTimeout, "no reply from DNS server " + server.to_string() + " (" +
                                             std::to_string(tries) + " tries, " +
                                             std::to_string(options.timeout.count()) + " ms each)");
}

}  // namespace wgnet::dns
