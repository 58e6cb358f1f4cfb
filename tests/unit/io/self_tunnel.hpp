// Two wgnet tunnels talking to each other over loopback UDP (TESTPLAN K2, without root): the
// SelfTunnel fixture. lwIP is one instance per process, so each tunnel lives in its own process:
// the fixture forks a child that runs the "server" tunnel (TCP and UDP echo on port 7), and the
// test runs the client tunnel.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wgnet/config.hpp"
#include "wgnet/tunnel.hpp"

namespace self_tunnel {

using namespace std::chrono_literals;

inline int free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  ::close(fd);
  return ntohs(sin.sin_port);
}

struct Pair {
  std::string server;
  std::string client;
};

// `client_dns`: a DNS= line's value for the client (empty: none).
inline Pair make_configs(int port, bool wrong_server_key = false,
                         const std::string& client_dns = "") {
  auto server_key = wgnet::generate_private_key();
  auto client_key = wgnet::generate_private_key();
  auto server_pub = wrong_server_key ? wgnet::public_key_of(wgnet::generate_private_key())
                                     : wgnet::public_key_of(server_key);
  Pair p;
  p.server = "[Interface]\nPrivateKey = " + wgnet::key_to_base64(server_key) +
             "\nAddress = 10.98.0.1/24, fd98::1/64\nListenPort = " + std::to_string(port) +
             "\n[Peer]\nPublicKey = " + wgnet::key_to_base64(wgnet::public_key_of(client_key)) +
             "\nAllowedIPs = 10.98.0.2/32, fd98::2/128\n";
  p.client = "[Interface]\nPrivateKey = " + wgnet::key_to_base64(client_key) +
             "\nAddress = 10.98.0.2/32, fd98::2/128\n" +
             (client_dns.empty() ? "" : "DNS = " + client_dns + "\n") +
             "[Peer]\nPublicKey = " + wgnet::key_to_base64(server_pub) +
             "\nEndpoint = 127.0.0.1:" + std::to_string(port) +
             "\nAllowedIPs = 10.98.0.0/24, fd98::/64\n";
  return p;
}

inline bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Child: the server's tunnel on 127.0.0.1, ending the child process if it cannot be opened;
// the child ends anyway after `seconds`.
inline std::unique_ptr<wgnet::Tunnel> open_server_tunnel(const std::string& text, int seconds) {
  alarm(static_cast<unsigned>(seconds));
  auto config = wgnet::parse_config(text, "server.conf");
  if (!config) _exit(10);
  wgnet::TunnelOptions opts;
  opts.listen_address = "127.0.0.1";
  auto tunnel = wgnet::Tunnel::open(*config, opts);
  if (!tunnel) _exit(11);
  return std::move(*tunnel);
}

// Child: a tunnel that echoes TCP on port 7 (one connection at a time) and UDP on port 7,
// for at most `seconds`. Writes a byte to `ready_fd` once both ports are open.
[[noreturn]] inline void run_echo_server(const std::string& text, int seconds, int ready_fd) {
  auto tunnel = open_server_tunnel(text, seconds);
  auto udp = tunnel->bind_udp("", 7);
  auto listener = tunnel->listen_tcp("", 7);
  if (!listener || !udp) _exit(12);
  (void)!::write(ready_fd, "r", 1);
  std::thread udp_echo([&] {
    std::vector<uint8_t> buf(65536);
    for (;;) {
      wgnet::Endpoint from;
      auto n = (*udp)->recv_from(buf, from, 0ms);
      if (n) (void)(*udp)->send_to({buf.data(), *n}, from);
    }
  });
  udp_echo.detach();
  for (;;) {
    auto conn = (*listener)->accept(0ms);
    if (!conn) continue;
    std::vector<uint8_t> buf(1 << 16);
    for (;;) {
      ssize_t n = ::read(conn->fd.get(), buf.data(), buf.size());
      if (n <= 0) break;
      if (!write_all(conn->fd.get(), buf.data(), static_cast<size_t>(n))) break;
    }
  }
}

class SelfTunnel : public ::testing::Test {
 protected:
  // Returns once the child's echo ports are open (or it failed): a client dialling as soon as
  // the handshake completes must not meet a port that is not listening yet.
  void start_server(const std::string& text) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    child_ = fork();
    ASSERT_GE(child_, 0);
    if (child_ == 0) {
      ::close(ready[0]);
      run_echo_server(text, 60, ready[1]);
    }
    ::close(ready[1]);
    pollfd p{ready[0], POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 10000), 1) << "the echo server did not start";
    ::close(ready[0]);
  }
  // Starts the echo server in a child process and opens the client's tunnel to it.
  std::unique_ptr<wgnet::Tunnel> connect_pair(bool wrong_server_key = false,
                                              wgnet::TunnelOptions opts = {},
                                              const std::string& client_dns = "") {
    auto cfgs = make_configs(free_udp_port(), wrong_server_key, client_dns);
    start_server(cfgs.server);
    auto config = wgnet::parse_config(cfgs.client, "client.conf");
    EXPECT_TRUE(config) << config.error().message;
    if (!config) return nullptr;
    auto tunnel = wgnet::Tunnel::open(*config, std::move(opts));
    EXPECT_TRUE(tunnel) << tunnel.error().message;
    return tunnel ? std::move(*tunnel) : nullptr;
  }
  void TearDown() override {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
  }
  pid_t child_ = -1;
};

}  // namespace self_tunnel
