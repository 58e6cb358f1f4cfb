// What the SOCKS5 tests share: a tunnel double with failures on demand, a SOCKS server that
// runs serve_socks5 per accepted connection (TCP or Unix socket, as the agent and the lead's
// --socks do), a hand-written client and small kernel-socket peers on 127.0.0.1.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/loopback_tunnel.hpp"
#include "tools/loopback_udp_echo.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/socks5.hpp"

namespace wgnet::test {

// LoopbackTunnel plus: "tunnel-only.test" resolves (to 127.0.0.1) only here, never through the
// system resolver; dials to "timeout.test", "handshake.test" and "broken.test" fail with
// kTimeout, kHandshakeTimeout and kInternal; every dial's host is recorded.
class SocksTestTunnel : public LoopbackTunnel {
 public:
  using LoopbackTunnel::dial_tcp;
  Result<Connection> dial_tcp(const std::string& host, uint16_t port,
                              const DialOptions& options) override;
  Result<std::vector<IpAddress>> resolve(const std::string& name, AddressFamily family,
                                         std::chrono::milliseconds timeout) override;
  std::string last_dial_host();
  std::chrono::milliseconds last_dial_timeout() const { return last_dial_timeout_; }

 private:
  std::mutex mutex_;
  std::string last_dial_host_;
  std::atomic<std::chrono::milliseconds> last_dial_timeout_{std::chrono::milliseconds{0}};
};

// Accepts on 127.0.0.1 (tcp) or a Unix socket path and serves each connection on its own
// thread; the destructor cancels every session (through serve_socks5's cancel fd) and joins.
class SocksServer {
 public:
  SocksServer(Tunnel& tunnel, Socks5Options options);                    // TCP, 127.0.0.1:0
  SocksServer(Tunnel& tunnel, Socks5Options options, std::string path);  // Unix socket
  ~SocksServer();
  SocksServer(const SocksServer&) = delete;
  SocksServer& operator=(const SocksServer&) = delete;

  uint16_t port() const { return port_; }
  const std::string& path() const { return path_; }
  std::vector<std::string> log_lines();

 private:
  void start();
  void accept_loop();

  Tunnel& tunnel_;
  Socks5Options options_;
  std::string path_;
  uint16_t port_ = 0;
  Fd listener_;
  Fd cancel_;  // eventfd
  std::mutex mutex_;
  std::vector<std::string> log_;
  std::vector<std::thread> sessions_;
  std::thread acceptor_;
};

// A connected stream socket to the SOCKS server, or one end of a socketpair.
Fd connect_tcp(uint16_t port);
// A kernel TCP listener on 127.0.0.1:0 and its port.
Fd listen_tcp(uint16_t& port);
// A port on 127.0.0.1 where nothing listens (bound, then closed).
uint16_t closed_port();

void send_bytes(int fd, const std::vector<uint8_t>& bytes);
// Exactly n bytes, or fewer if the peer closed or 5 s passed.
std::vector<uint8_t> read_bytes(int fd, size_t n);
// Everything until EOF (10 s at most).
std::string read_to_eof(int fd);
// True if the peer closes (EOF or reset) within 5 s without sending anything more.
bool closes_without_data(int fd);

// A UDP echo on 127.0.0.1: answers each datagram, unchanged, to its sender.
using UdpEcho = LoopbackUdpEcho;

}  // namespace wgnet::test
