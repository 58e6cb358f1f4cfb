// Far ends for the forward tests, all on 127.0.0.1 and bounded: a TCP service that answers each
// connection with "echo:" and what it read once the client half-closed (so every exchange also
// checks that a half-close passes through), a UDP service that answers each datagram the same
// way, and a Forwarder over the loopback tunnel double whose log lines the test can read.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "forwarder.hpp"
#include "tools/loopback_tunnel.hpp"
#include "tools/loopback_udp_echo.hpp"
#include "wgnet/fd.hpp"

namespace wgnet::forward::test {

using namespace std::chrono_literals;

class EchoTcpServer {
 public:
  EchoTcpServer();
  ~EchoTcpServer();
  uint16_t port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void run();
  Fd listener_;
  Fd stop_;
  uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// A UDP echo on 127.0.0.1 answering "echo:<datagram>".
class EchoUdpServer : public ::wgnet::test::LoopbackUdpEcho {
 public:
  EchoUdpServer() : ::wgnet::test::LoopbackUdpEcho("echo:") {}
};

// A TCP client socket connected to `to` whose reads and writes give up after 5 s (invalid when
// the connection was refused).
Fd connect_to(const Endpoint& to);
// The same to 127.0.0.1:port.
Fd connect_loopback(uint16_t port);
// Sends `payload`, half-closes, and reads until end of stream (at most 5 s).
std::string exchange(int fd, const std::string& payload);
// Reads until end of stream or 5 s.
std::string read_to_end(int fd);
// A UDP socket on 127.0.0.1 whose reads give up after `timeout`.
Fd udp_client(std::chrono::milliseconds timeout = 5000ms);
// Sends one datagram to 127.0.0.1:port and returns the first answer ("" when none came).
std::string udp_exchange(int fd, uint16_t port, const std::string& payload);
// A port on 127.0.0.1 that nothing listens on.
uint16_t unused_port();

// A Forwarder over a LoopbackTunnel, with its log lines kept.
class ForwarderRun {
 public:
  explicit ForwarderRun(ForwardOptions options = {}, int verbosity = 0);
  Forwarder& forwarder() { return forwarder_; }
  wgnet::test::LoopbackTunnel& tunnel() { return tunnel_; }
  // Parses and adds; fails the test on a bad spec.
  void add(Direction direction, const std::string& spec);
  // The port forward `index` listens on, after start().
  uint16_t port(size_t index) const;
  std::vector<std::string> lines();

 private:
  wgnet::test::LoopbackTunnel tunnel_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  tools::Diagnostics diag_;
  Forwarder forwarder_;
};

}  // namespace wgnet::forward::test
