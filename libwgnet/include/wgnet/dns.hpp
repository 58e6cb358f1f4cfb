// DNS through the tunnel for tools that show the raw exchange (wg-dig): build a query, walk the
// search list, and the options and reply of Tunnel::query_dns (tunnel.hpp). Names for dialling
// need none of this: Tunnel::resolve and the dial calls resolve through the tunnel's DNS.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet {

struct DnsQuestion {
  std::string name;     // presentation form; a missing trailing dot is fine
  uint16_t qtype = 1;   // A
  uint16_t qclass = 1;  // IN
  bool recursion_desired = true;
  bool dnssec_ok = false;                // DO in an OPT record (implies EDNS)
  std::optional<uint16_t> edns_bufsize;  // an OPT record advertising this UDP payload size
};

// The query message for `question`, with a random ID (query_dns gives every try a new one).
// kInvalidArgument when the name is not a valid domain name.
Result<std::vector<uint8_t>> build_dns_query(const DnsQuestion& question);

// The names to ask for `name` with the search domains `search`, as glibc's res_search and the
// tunnel's resolver do: a name with a trailing dot only as it is; one with at least `ndots`
// dots first as it is, then with each domain; a shorter one with each domain first and itself
// last. Domains lose leading and trailing dots, the root adds nothing, duplicates are asked
// once.
std::vector<std::string> dns_search_names(std::string_view name,
                                          const std::vector<std::string>& search, int ndots = 1);

struct DnsQueryOptions {
  bool tcp = false;          // TCP only (dig +tcp / +vc)
  bool tcp_fallback = true;  // ask again over TCP when the UDP reply is truncated (TC=1);
                             // false keeps the truncated reply (dig +ignore)
  std::chrono::milliseconds timeout{2000};  // per try (dig +time)
  int tries = 3;                            // (dig +tries)
};

struct DnsReply {
  std::vector<uint8_t> wire;  // checked to answer the query (ID, QR, question), any RCODE
  bool via_tcp = false;
  bool truncated_udp_first = false;  // a truncated UDP reply came first, then TCP answered
  std::chrono::microseconds rtt{};   // from sending (or connecting) to the reply
  Endpoint server;                   // who answered
};

}  // namespace wgnet
