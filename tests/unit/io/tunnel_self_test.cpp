// Two wgnet tunnels talking to each other over loopback UDP (TESTPLAN K2, without root).
#include <gtest/gtest.h>

#include <random>

#include "self_tunnel.hpp"

namespace {

using namespace std::chrono_literals;
using self_tunnel::SelfTunnel;
using self_tunnel::write_all;

TEST_F(SelfTunnel, TcpEchoV4AndV6) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());

  for (const char* host : {"10.98.0.1", "fd98::1"}) {
    auto conn = tunnel->dial_tcp(host, 7, {});
    ASSERT_TRUE(conn) << host << ": " << conn.error().message;
    // 1 MiB of random bytes out and back, with the write side closed at the end (half-close).
    std::vector<uint8_t> data(1 << 20);
    std::mt19937 rng(42);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    std::thread writer([&] {
      write_all(conn->fd.get(), data.data(), data.size());
      ::shutdown(conn->fd.get(), SHUT_WR);
    });
    std::vector<uint8_t> got;
    std::vector<uint8_t> buf(65536);
    for (;;) {
      ssize_t n = ::read(conn->fd.get(), buf.data(), buf.size());
      if (n <= 0) break;
      got.insert(got.end(), buf.begin(), buf.begin() + n);
    }
    writer.join();
    EXPECT_EQ(got.size(), data.size()) << host;
    EXPECT_TRUE(got == data) << host;
  }
  auto stats = tunnel->stats();
  EXPECT_GT(stats.tx_bytes, 2u << 20);
  EXPECT_GT(stats.rx_bytes, 2u << 20);
  EXPECT_TRUE(stats.handshake_time.has_value());
}

TEST_F(SelfTunnel, UdpEcho) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto conn = tunnel->dial_udp("10.98.0.1", 7, {});
  ASSERT_TRUE(conn) << conn.error().message;
  const std::string msg = "datagram through the tunnel";
  // The server binds its UDP port just after its tunnel is up, so the first datagram may
  // arrive before anyone listens: send again (bounded) until the echo comes back.
  timeval tv{1, 0};
  setsockopt(conn->fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string echoed;
  for (int attempt = 0; attempt < 5 && echoed.empty(); ++attempt) {
    ASSERT_EQ(::send(conn->fd.get(), msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
    char buf[256];
    ssize_t n = ::recv(conn->fd.get(), buf, sizeof buf, 0);
    if (n > 0) echoed.assign(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(echoed, msg);
}

TEST_F(SelfTunnel, WrongPeerKeyIsAHandshakeTimeout) {
  wgnet::TunnelOptions opts;
  opts.handshake_timeout = 1500ms;
  auto start = std::chrono::steady_clock::now();
  auto tunnel = connect_pair(/*wrong_server_key=*/true, opts);
  ASSERT_TRUE(tunnel);
  auto conn = tunnel->dial_tcp("10.98.0.1", 7, {});
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kHandshakeTimeout);
  EXPECT_NE(conn.error().message.find("handshake"), std::string::npos);
  EXPECT_LT(elapsed, 4s);
}

TEST_F(SelfTunnel, NamesWithoutDnsFailClearly) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto addrs = tunnel->resolve("intranet.example", wgnet::AddressFamily::kAny);
  ASSERT_FALSE(addrs);
  EXPECT_EQ(addrs.error().code, wgnet::ErrorCode::kResolve);
  EXPECT_NE(addrs.error().message.find("DNS"), std::string::npos) << addrs.error().message;
}

// 10.98.0.53 is inside the peer's AllowedIPs, but nothing there answers: the server tunnel's
// stack drops datagrams for an address it does not have.
constexpr const char* kSilentDns = "10.98.0.53";

TEST_F(SelfTunnel, ResolveTimeoutBoundsASilentDnsServer) {
  auto tunnel = connect_pair(false, {}, kSilentDns);
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  auto start = std::chrono::steady_clock::now();
  auto addrs = tunnel->resolve("web.example", wgnet::AddressFamily::kAny, 300ms);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(addrs);
  EXPECT_EQ(addrs.error().code, wgnet::ErrorCode::kTimeout);
  EXPECT_EQ(addrs.error().message,
            "could not resolve web.example: no reply from DNS server(s) 10.98.0.53 within the "
            "300 ms allowed");
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(elapsed, 1000ms);  // the resolver alone would wait 3 x 2 s
}

TEST_F(SelfTunnel, DialTimeoutCoversTheNameLookup) {
  auto tunnel = connect_pair(false, {}, kSilentDns);
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  wgnet::DialOptions opts;
  opts.timeout = 400ms;
  for (bool udp : {false, true}) {
    auto start = std::chrono::steady_clock::now();
    auto conn =
        udp ? tunnel->dial_udp("web.example", 7, opts) : tunnel->dial_tcp("web.example", 7, opts);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(conn) << (udp ? "udp" : "tcp");
    // The stage that failed: the name, not a connection (nc stops a port scan on it).
    EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kResolve) << conn.error().message;
    EXPECT_NE(conn.error().message.find("within the"), std::string::npos) << conn.error().message;
    EXPECT_LT(elapsed, 1200ms) << (udp ? "udp" : "tcp");
  }
}

TEST_F(SelfTunnel, ResolveTimeoutBoundsTheHandshakeWait) {
  wgnet::TunnelOptions opts;
  opts.handshake_timeout = 10s;
  auto tunnel = connect_pair(/*wrong_server_key=*/true, opts, kSilentDns);
  ASSERT_TRUE(tunnel);
  auto start = std::chrono::steady_clock::now();
  auto addrs = tunnel->resolve("web.example", wgnet::AddressFamily::kAny, 300ms);
  auto resolve_elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(addrs);
  EXPECT_EQ(addrs.error().code, wgnet::ErrorCode::kHandshakeTimeout) << addrs.error().message;
  EXPECT_NE(addrs.error().message.find("0.3 s"), std::string::npos) << addrs.error().message;
  EXPECT_LT(resolve_elapsed, 1500ms);

  wgnet::DialOptions dial;
  dial.timeout = 300ms;
  start = std::chrono::steady_clock::now();
  auto conn = tunnel->dial_tcp("10.98.0.1", 7, dial);
  auto dial_elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kHandshakeTimeout) << conn.error().message;
  EXPECT_LT(dial_elapsed, 1500ms);
}

TEST_F(SelfTunnel, AddressOutsideAllowedIpsIsRefusedAtOnce) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto conn = tunnel->dial_tcp("192.0.2.1", 7, {});  // never sent: no peer covers it
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kNetwork);
}

}  // namespace
