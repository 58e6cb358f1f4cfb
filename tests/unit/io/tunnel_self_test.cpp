// Two wgnet tunnels talking to each other over loopback UDP (TESTPLAN K2, without root).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

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

// Child: the server's tunnel sends "first" to the client's port `port` (again every 100 ms, from
// one flow, bounded) until an answer comes back, then stays up until it is killed.
[[noreturn]] void send_until_answered(const std::string& text, uint16_t port) {
  auto tunnel = self_tunnel::open_server_tunnel(text, 30);
  std::optional<wgnet::Connection> conn;
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (!conn) {
      // Fails until the client's handshake has told us its endpoint.
      if (auto dialed = tunnel->dial_udp("10.98.0.2", port, {})) conn = std::move(*dialed);
    }
    if (conn) (void)::send(conn->fd.get(), "first", 5, MSG_NOSIGNAL);
    pollfd p{conn ? conn->fd.get() : -1, POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) break;
  }
  for (;;) ::pause();
}

// nc -u -l: the flow of the first sender behaves as dial_udp's. In particular it ends when the
// app stops writing (shutdown(SHUT_WR)): the app reads EOF. (The relay it replaces read that
// EOF as an empty datagram over and over, sending each to the remote, and its fd never ended.)
TEST_F(SelfTunnel, ListenUdpFirstFlowEndsWhenTheAppStopsWriting) {
  constexpr uint16_t kPort = 9100;
  auto cfgs = self_tunnel::make_configs(self_tunnel::free_udp_port());
  child_ = fork();
  ASSERT_GE(child_, 0);
  if (child_ == 0) send_until_answered(cfgs.server, kPort);
  auto config = wgnet::parse_config(cfgs.client, "client.conf");
  ASSERT_TRUE(config) << config.error().message;
  auto tunnel = wgnet::Tunnel::open(*config, {});
  ASSERT_TRUE(tunnel) << tunnel.error().message;
  ASSERT_TRUE((*tunnel)->wait_handshake());

  auto conn = (*tunnel)->listen_udp_first("", kPort, 10s);
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_EQ(conn->remote.ip.to_string(), "10.98.0.1");
  char buf[64];
  ASSERT_EQ(::recv(conn->fd.get(), buf, sizeof buf, 0), 5);
  EXPECT_EQ(std::string(buf, 5), "first");
  ASSERT_EQ(::send(conn->fd.get(), "answer", 6, 0), 6);

  ASSERT_EQ(::shutdown(conn->fd.get(), SHUT_WR), 0);
  timeval tv{2, 0};
  setsockopt(conn->fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ssize_t n = 0;
  for (int reads = 0; reads < 100; ++reads) {  // datagrams sent before our answer came, then EOF
    n = ::recv(conn->fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
  }
  EXPECT_EQ(n, 0) << "no EOF within 2 s: " << std::strerror(errno);
}

TEST_F(SelfTunnel, ListenUdpFirstTimesOutAndGivesThePortBack) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto start = std::chrono::steady_clock::now();
  auto conn = tunnel->listen_udp_first("", 9101, 300ms);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kTimeout) << conn.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(tunnel->bind_udp("", 9101)) << "the timed-out binding still holds the port";
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

// ---- ICMP echo (Tunnel::ping, Pinger): the server tunnel's lwIP answers echo requests ----

TEST_F(SelfTunnel, PingGetsEchoRepliesOverV4AndV6) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  for (const char* host : {"10.98.0.1", "fd98::1"}) {
    auto to = *wgnet::IpAddress::parse(host);
    wgnet::PingOptions opts;
    opts.sequence = 7;
    opts.timeout = 3s;
    auto reply = tunnel->ping(to, opts);
    ASSERT_TRUE(reply) << host << ": " << reply.error().message;
    EXPECT_EQ(reply->from, to);
    EXPECT_EQ(reply->sequence, 7);
    EXPECT_EQ(reply->bytes, 64u);  // 8-byte ICMP header + 56 data bytes, ping's "64 bytes"
    EXPECT_GT(reply->ttl, 0);
    ASSERT_TRUE(reply->rtt.has_value());
    EXPECT_GT(reply->rtt->count(), 0);
    EXPECT_LT(*reply->rtt, 3s);
  }
}

TEST_F(SelfTunnel, PingerKeepsManyRequestsOutstanding) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto pinger = tunnel->open_pinger(*wgnet::IpAddress::parse("10.98.0.1"));
  ASSERT_TRUE(pinger) << pinger.error().message;
  for (uint16_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE((*pinger)->send(seq, 56));
  std::vector<uint16_t> got;
  for (int i = 0; i < 5; ++i) {
    auto reply = (*pinger)->receive(3s);
    ASSERT_TRUE(reply) << reply.error().message;
    got.push_back(reply->sequence);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint16_t>{1, 2, 3, 4, 5}));
  auto extra = (*pinger)->receive(200ms);
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().code, wgnet::ErrorCode::kTimeout);
}

TEST_F(SelfTunnel, PingAboveTheMtuTravelsInFragments) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  for (const char* host : {"10.98.0.1", "fd98::1"}) {
    wgnet::PingOptions opts;
    opts.payload_size = 3000;  // two and a bit 1420-byte packets
    opts.timeout = 3s;
    auto reply = tunnel->ping(*wgnet::IpAddress::parse(host), opts);
    ASSERT_TRUE(reply) << host << ": " << reply.error().message;
    EXPECT_EQ(reply->bytes, 3008u) << host;
  }
}

TEST_F(SelfTunnel, PingersSeeOnlyTheirOwnReplies) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto to = *wgnet::IpAddress::parse("10.98.0.1");
  auto first = tunnel->open_pinger(to);
  auto second = tunnel->open_pinger(to);
  ASSERT_TRUE(first && second);
  ASSERT_NE((*first)->identifier(), (*second)->identifier());
  ASSERT_TRUE((*first)->send(1, 56));
  EXPECT_TRUE((*first)->receive(3s));
  EXPECT_FALSE((*second)->receive(300ms));
}

TEST_F(SelfTunnel, PingLimitsAndUnansweredAddresses) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  wgnet::PingOptions opts;
  opts.timeout = 300ms;
  // Inside AllowedIPs, but the server's stack has no such address: no reply.
  auto silent = tunnel->ping(*wgnet::IpAddress::parse("10.98.0.99"), opts);
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().code, wgnet::ErrorCode::kTimeout);
  // No peer covers it: refused before anything is sent.
  auto unroutable = tunnel->ping(*wgnet::IpAddress::parse("192.0.2.1"), opts);
  ASSERT_FALSE(unroutable);
  EXPECT_EQ(unroutable.error().code, wgnet::ErrorCode::kNetwork);
  // One IP datagram holds at most 65507 data bytes over IPv4 and 65527 over IPv6.
  auto pinger = tunnel->open_pinger(*wgnet::IpAddress::parse("10.98.0.1"));
  ASSERT_TRUE(pinger);
  auto too_big = (*pinger)->send(1, 65508);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, wgnet::ErrorCode::kInvalidArgument);
  EXPECT_TRUE((*pinger)->send(2, 65507));
  EXPECT_TRUE((*pinger)->receive(3s));
}

// The open file descriptors of this process, counted.
size_t open_fds() {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

// A lookup runs on the tunnel's loop through lwIP's own UDP: no socketpair (or any other file
// descriptor) while it waits, and no thread of its own.
TEST_F(SelfTunnel, LookupHoldsNoFileDescriptorWhileItWaits) {
  auto tunnel = connect_pair(false, {}, kSilentDns);
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  size_t before = open_fds();
  std::thread lookup(
      [&] { (void)tunnel->resolve("web.example", wgnet::AddressFamily::kAny, 600ms); });
  std::this_thread::sleep_for(300ms);  // the lookup is waiting for the silent server now
  size_t during = open_fds();
  lookup.join();
  EXPECT_EQ(during, before);
  EXPECT_EQ(open_fds(), before);
}

// query_dns through the real stack: the echo server on port 7 sends each query back unchanged,
// which is no reply (QR=0), so every try waits out its time, each from its own port.
TEST_F(SelfTunnel, QueryDnsIgnoresAnEchoedQueryAndEndsAfterItsTries) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  wgnet::DnsQuestion question;
  question.name = "web.example";
  auto query = wgnet::build_dns_query(question);
  ASSERT_TRUE(query);
  wgnet::DnsQueryOptions options;
  options.timeout = 200ms;
  options.tries = 2;
  auto start = std::chrono::steady_clock::now();
  auto reply =
      tunnel->query_dns(wgnet::Endpoint{*wgnet::IpAddress::parse("10.98.0.1"), 7}, *query, options);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, wgnet::ErrorCode::kTimeout);
  EXPECT_EQ(reply.error().message, "no reply from DNS server 10.98.0.1 (2 tries, 200 ms each)");
  EXPECT_GE(elapsed, 390ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST_F(SelfTunnel, QueryDnsToAServerNoPeerCoversFailsAtOnce) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  wgnet::DnsQuestion question;
  question.name = "web.example";
  auto query = wgnet::build_dns_query(question);
  ASSERT_TRUE(query);
  auto start = std::chrono::steady_clock::now();
  wgnet::DnsQueryOptions options;
  options.tries = 1;
  auto reply = tunnel->query_dns(wgnet::Endpoint{*wgnet::IpAddress::parse("192.0.2.53"), 53},
                                 *query, options);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, wgnet::ErrorCode::kNetwork) << reply.error().message;
  EXPECT_NE(reply.error().message.find("AllowedIPs"), std::string::npos) << reply.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
}

}  // namespace
