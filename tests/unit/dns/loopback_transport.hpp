// Sockets for the DNS engine in tests (loopback_resolver.hpp drives the engine over them): each
// DNS server address (a label such as 10.64.0.53, never contacted) maps to a fake server's
// sockets on 127.0.0.1, with ports the kernel chose.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::dns::test {

class LoopbackTransport {
 public:
  explicit LoopbackTransport(uint16_t expected_port = 53) : expected_port_(expected_port) {}

  void add_server(const IpAddress& label, uint16_t udp_port, uint16_t tcp_port);

  // An unconnected UDP socket on 127.0.0.1 (a fresh port) and the loopback port the server
  // `server`:`port` listens on: datagrams from any other port are someone else's.
  struct UdpSocket {
    Fd fd;
    uint16_t server_port = 0;
  };
  Result<UdpSocket> open_udp(const IpAddress& server, uint16_t port);
  Result<Fd> open_tcp(const IpAddress& server, uint16_t port, std::chrono::milliseconds timeout);

  int udp_opened() const;
  int tcp_opened() const;
  std::vector<uint16_t> udp_local_ports() const;  // the source port of every UDP fd handed out

 private:
  struct Ports {
    uint16_t udp = 0;
    uint16_t tcp = 0;
  };
  Result<Ports> lookup(const IpAddress& server, uint16_t port) const;

  uint16_t expected_port_;
  mutable std::mutex mu_;
  std::map<IpAddress, Ports> servers_;
  int udp_opened_ = 0;
  int tcp_opened_ = 0;
  std::vector<uint16_t> udp_local_ports_;
};

}  // namespace wgnet::dns::test
