// The DNS engine driven over loopback sockets to the fake servers (LoopbackTransport), in the
// calling thread with poll(): the tests' stand-in for the tunnel's loop driver, with the same
// blocking shape as Tunnel::resolve and Tunnel::query_dns. Replies from anywhere but the
// server's port reach the engine with their real source, so that its source check is tested.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "dns/engine.hpp"
#include "dns/loopback_transport.hpp"
#include "dns/message.hpp"

namespace wgnet::dns::test {

class LoopbackResolver {
 public:
  LoopbackResolver(ResolverConfig config, LoopbackTransport& transport)
      : config_(std::move(config)), transport_(transport) {}

  Result<std::vector<IpAddress>> resolve(std::string_view name, AddressFamily family,
                                         std::optional<Clock::time_point> deadline = std::nullopt);

  // One question to one server (what wg-dig asks through Tunnel::query_dns).
  struct QueryOptions {
    uint16_t qtype = TYPE_A;
    uint16_t qclass = CLASS_IN;
    bool recursion_desired = true;
    bool tcp = false;
    bool tcp_fallback = true;
    bool dnssec_ok = false;
    std::optional<uint16_t> edns_bufsize;
    std::chrono::milliseconds timeout{2000};
    int tries = 3;
  };
  Result<DnsReply> query(const IpAddress& server, std::string_view name,
                         const QueryOptions& options);
  // A prepared query message to server:port.
  Result<DnsReply> query_wire(const Endpoint& server, std::span<const uint8_t> wire,
                              const DnsQueryOptions& options);

  size_t sockets_left_open() const { return last_open_sockets_; }

 private:
  template <class R, class Start>
  R run(Start start);

  ResolverConfig config_;
  LoopbackTransport& transport_;
  size_t last_open_sockets_ = 0;
};

// Randomness for tests that do not check it: the kernel's.
void test_random(std::span<uint8_t> out);

}  // namespace wgnet::dns::test
