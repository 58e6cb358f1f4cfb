// A stub resolver that asks the tunnel's DNS servers (DNS= of the config) through file
// descriptors the tunnel hands out, never the system resolver: names typed by the user must not
// leak outside the tunnel. It runs in the caller's thread and blocks it, each wait bounded.
//
//   dns::Resolver resolver(config, transport);
//   auto addrs = resolver.resolve("git.internal", AddressFamily::kAny);  // v6,v4,v6,v4,...
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::dns {

// Where queries go: implemented over the tunnel by the I/O layer, over loopback by the tests.
class Transport {
 public:
  virtual ~Transport() = default;
  // A connected datagram fd (each read/write is one datagram) to server:port, from a random
  // local port.
  virtual Result<Fd> open_udp(const IpAddress& server, uint16_t port) = 0;
  // A connected stream fd (for TCP fallback on truncation), connect bounded by timeout.
  virtual Result<Fd> open_tcp(const IpAddress& server, uint16_t port,
                              std::chrono::milliseconds timeout) = 0;
};

struct ResolverConfig {
  std::vector<IpAddress> servers;   // DNS= of the config, in order
  std::vector<std::string> search;  // search domains from DNS=
  uint16_t port = 53;
  std::chrono::milliseconds timeout{2000};  // per try
  // Rounds over all servers. Three, so that one lost datagram or a loop thread starved for a
  // moment (a loaded machine) costs a retry, not the lookup: 6 s before a silent server is
  // reported (glibc: 2 x 5 s).
  int attempts = 3;
  int ndots = 1;
};

class Resolver {
 public:
  Resolver(ResolverConfig config, Transport& transport);

  // A and/or AAAA records for `name`. kAny asks both at once and returns IPv6 and IPv4
  // interleaved (v6, v4, v6, v4, ... as RFC 8305 suggests). IP literals come back as they are.
  // Errors: kResolve when there are no servers, the name does not exist (NXDOMAIN), has no
  // address of the family (NODATA), the servers fail (SERVFAIL) or never answer;
  // kInvalidArgument for a malformed name or a literal of the wrong family.
  // `deadline` (the caller's time budget, e.g. curl's -m) caps every wait: a try waits until
  // min(now + timeout, deadline), and no further round or search name is asked once it has
  // passed. When it ends the lookup the error is kTimeout ("... within the N ms allowed"), not
  // kResolve: the name may well exist.
  Result<std::vector<IpAddress>> resolve(
      std::string_view name, AddressFamily family,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

  // Lower level, for wg-dig: one query to one server with explicit flags. Returns the raw reply
  // (checked to answer this query: ID, QR, question) whatever its RCODE, and whether it came
  // over TCP. kTimeout when no reply came after `tries` tries of `timeout` each.
  struct QueryOptions {
    uint16_t qtype = 1;  // A
    uint16_t qclass = 1;
    bool recursion_desired = true;
    bool tcp = false;          // TCP only
    bool tcp_fallback = true;  // retry over TCP when the UDP reply is truncated (TC=1)
    bool dnssec_ok = false;
    std::optional<uint16_t> edns_bufsize;  // EDNS0 OPT record with this UDP payload size
    std::chrono::milliseconds timeout{2000};
    int tries = 3;
  };
  struct Reply {
    std::vector<uint8_t> wire;
    bool via_tcp = false;
    std::chrono::microseconds rtt{};
    IpAddress server;
  };
  Result<Reply> query(const IpAddress& server, std::string_view name, const QueryOptions& options);

 private:
  ResolverConfig config_;
  Transport& transport_;
};

// Orders addresses as RFC 8305 section 4 suggests: IPv6 first, then alternating families, each
// family keeping its own order; duplicates dropped.
std::vector<IpAddress> interleave_families(const std::vector<IpAddress>& addresses);

// "no DNS server in the tunnel configuration (add DNS= to [Interface]); ..." - the error
// resolve() gives without servers, for callers that check before building a Resolver.
Error no_dns_server_error();

}  // namespace wgnet::dns
