// The shared test fixture: two fake DNS servers reachable through a loopback transport under
// the tunnel-like labels 10.64.0.53 and 10.64.0.54 (labels only: all traffic is on 127.0.0.1).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "dns/fake_dns_server.hpp"
#include "dns/loopback_resolver.hpp"
#include "dns/loopback_transport.hpp"
#include "dns/resolve_op.hpp"

namespace wgnet::dns::test {

inline IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

inline std::vector<IpAddress> ips(std::initializer_list<const char*> texts) {
  std::vector<IpAddress> out;
  for (const char* t : texts) out.push_back(ip(t));
  return out;
}

class DnsLab : public ::testing::Test {
 protected:
  DnsLab() {
    transport_.add_server(server1_, dns1_.udp_port(), dns1_.tcp_port());
    transport_.add_server(server2_, dns2_.udp_port(), dns2_.tcp_port());
  }

  // One server (dns1_) unless told otherwise; short timeouts keep failing tests fast.
  ResolverConfig config(std::vector<IpAddress> servers = {}) const {
    ResolverConfig c;
    c.servers = servers.empty() ? std::vector<IpAddress>{server1_} : std::move(servers);
    c.timeout = std::chrono::milliseconds(500);
    return c;
  }

  // The qnames dns1_ saw, in order (lower-cased by nobody: as they came).
  static std::vector<std::string> qnames(const FakeDnsServer& server) {
    std::vector<std::string> out;
    for (const auto& s : server.seen()) out.push_back(s.qname);
    return out;
  }

  const IpAddress server1_ = ip("10.64.0.53");
  const IpAddress server2_ = ip("10.64.0.54");
  FakeDnsServer dns1_;
  FakeDnsServer dns2_;
  LoopbackTransport transport_;
};

}  // namespace wgnet::dns::test
