// build_dns_query (wgnet/dns.hpp): the library's query builder for tools that send their own
// queries through Tunnel::query_dns.
#include "dns/message.hpp"
#include "io/os_random/os_random.hpp"
#include "wgnet/dns.hpp"

namespace wgnet {

Result<std::vector<uint8_t>> build_dns_query(const DnsQuestion& question) {
  dns::QuerySpec spec{question.qtype, question.qclass, question.recursion_desired,
                      question.dnssec_ok, question.edns_bufsize};
  auto query = dns::build_query(question.name, spec, io::os_random_bytes);
  if (!query) return query.error();
  return std::move(query->wire);
}

}  // namespace wgnet
