// The far side for the agent's end-to-end tests, in a forked child (lwIP is one per process):
// a self-tunnel peer (tests/unit/io/self_tunnel.hpp) with TCP echo on port 7 (many connections
// at once), UDP echo on port 7, and a call-back service on TCP port 8: send it "tcp PORT\n" or
// "udp PORT\n" and it connects (or sends a datagram) to our tunnel address on PORT, saying
// "hello from the peer".
#pragma once

#include <thread>

#include "io/self_tunnel.hpp"

namespace agent_test {

inline void echo_connection(wgnet::Connection conn) {
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    ssize_t n = ::read(conn.fd.get(), buf.data(), buf.size());
    if (n <= 0) break;
    if (!self_tunnel::write_all(conn.fd.get(), buf.data(), static_cast<size_t>(n))) break;
  }
}

inline void call_back(wgnet::Tunnel& tunnel, wgnet::Connection conn) {
  std::string line;
  char c;
  while (line.size() < 32 && ::read(conn.fd.get(), &c, 1) == 1 && c != '\n') line += c;
  bool udp = line.rfind("udp ", 0) == 0;
  auto port = static_cast<uint16_t>(std::atoi(line.c_str() + 4));
  const std::string hello = "hello from the peer";
  if (udp) {
    auto sock = tunnel.bind_udp("", 0);
    if (sock)
      (void)(*sock)->send_to({reinterpret_cast<const uint8_t*>(hello.data()), hello.size()},
                             *wgnet::Endpoint::parse("10.98.0.2:" + std::to_string(port)));
  } else {
    auto back = tunnel.dial_tcp("10.98.0.2", port, {});
    if (back)
      self_tunnel::write_all(back->fd.get(), reinterpret_cast<const uint8_t*>(hello.data()),
                             hello.size());
  }
  (void)!::write(conn.fd.get(), "done\n", 5);
}

[[noreturn]] inline void run_peer(const std::string& text, int seconds, int ready_fd) {
  auto tunnel = self_tunnel::open_server_tunnel(text, seconds);
  auto udp = tunnel->bind_udp("", 7);
  auto echo = tunnel->listen_tcp("", 7);
  auto back = tunnel->listen_tcp("", 8);
  if (!udp || !echo || !back) _exit(12);
  (void)!::write(ready_fd, "r", 1);
  std::thread([&] {
    std::vector<uint8_t> buf(65536);
    for (;;) {
      wgnet::Endpoint from;
      auto n = (*udp)->recv_from(buf, from, std::chrono::milliseconds(0));
      if (n) (void)(*udp)->send_to({buf.data(), *n}, from);
    }
  }).detach();
  std::thread([&] {
    for (;;) {
      auto conn = (*back)->accept(std::chrono::milliseconds(0));
      if (conn) std::thread(call_back, std::ref(*tunnel), std::move(*conn)).detach();
    }
  }).detach();
  for (;;) {
    auto conn = (*echo)->accept(std::chrono::milliseconds(0));
    if (conn) std::thread(echo_connection, std::move(*conn)).detach();
  }
}

}  // namespace agent_test
