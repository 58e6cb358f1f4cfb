// Every Tunnel call through the agent: same results, same error codes, connections handed over
// as descriptors.
#include <gtest/gtest.h>

#include "agent_fixture.hpp"

namespace agent_test {
namespace {

using wgnet::ErrorCode;

TEST_F(AgentEndToEnd, DialTcpEchoesThroughTheAgentAndStatsCountIt) {
  wgnet::AttachInfo info;
  auto tunnel = attach(&info);
  ASSERT_TRUE(tunnel);
  EXPECT_TRUE(info.started);
  EXPECT_GT(info.agent_pid, 0);
  EXPECT_EQ(info.socket_path, paths().socket);
  ASSERT_TRUE(tunnel->wait_handshake());
  auto conn = tunnel->dial_tcp("10.98.0.1", 7, {});
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_EQ(conn->remote.to_string(), "10.98.0.1:7");
  EXPECT_EQ(conn->local.ip.to_string(), "10.98.0.2");
  std::string big(200000, 'x');
  EXPECT_EQ(echo_through(conn->fd.get(), big), big);
  auto stats = tunnel->stats();
  EXPECT_GE(stats.inner_tx_bytes, big.size());
  EXPECT_TRUE(stats.handshake_time.has_value());
  EXPECT_EQ(tunnel->addresses(), config_.interface.addresses);
  auto ep = tunnel->dial_tcp(*wgnet::Endpoint::parse("[fd98::1]:7"));
  ASSERT_TRUE(ep) << ep.error().message;
  EXPECT_EQ(echo_through(ep->fd.get(), "v6"), "v6");
}

TEST_F(AgentEndToEnd, DialErrorsKeepTheirCodeAndMessage) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto refused = tunnel->dial_tcp("10.98.0.1", 9, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConnectRefused) << refused.error().message;
  auto no_route = tunnel->dial_tcp("10.99.0.1", 7, {});
  ASSERT_FALSE(no_route);
  EXPECT_EQ(no_route.error().code, ErrorCode::kNetwork);
  EXPECT_NE(no_route.error().message.find("10.99.0.1"), std::string::npos);
  auto no_dns = tunnel->resolve("example.invalid", wgnet::AddressFamily::kAny);
  ASSERT_FALSE(no_dns);
  EXPECT_EQ(no_dns.error().code, ErrorCode::kResolve);
}

TEST_F(AgentEndToEnd, ResolveReturnsIpLiteralsAsTheyAre) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto ips = tunnel->resolve("fd98::1", wgnet::AddressFamily::kAny);
  ASSERT_TRUE(ips) << ips.error().message;
  ASSERT_EQ(ips->size(), 1u);
  EXPECT_EQ((*ips)[0].to_string(), "fd98::1");
  auto wrong = tunnel->resolve("10.98.0.1", wgnet::AddressFamily::kV6);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AgentEndToEnd, ListenTcpAcceptsTheConnectionThePeerMakes) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto listener = tunnel->listen_tcp("", 9000);
  ASSERT_TRUE(listener) << listener.error().message;
  EXPECT_EQ((*listener)->local().port, 9000);
  auto none = (*listener)->accept(50ms);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kTimeout);
  auto ask = tunnel->dial_tcp("10.98.0.1", 8, {});
  ASSERT_TRUE(ask) << ask.error().message;
  ASSERT_EQ(::write(ask->fd.get(), "tcp 9000\n", 9), 9);
  pollfd p{(*listener)->fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "fd() did not become readable";
  auto conn = (*listener)->accept(5s);
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_EQ(conn->remote.ip.to_string(), "10.98.0.1");
  EXPECT_EQ(conn->local.to_string(), "10.98.0.2:9000");
  char buf[64] = {};
  std::string got;
  while (got.size() < 19) {
    ssize_t n = ::read(conn->fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got, "hello from the peer");
  (*listener)->close();
  auto after = (*listener)->accept(1s);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kClosed);
}

TEST_F(AgentEndToEnd, BlockedAcceptWakesWithClosedWhenAnotherThreadCloses) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto listener = tunnel->listen_tcp("", 0);
  ASSERT_TRUE(listener);
  std::thread closer([&] {
    std::this_thread::sleep_for(100ms);
    (*listener)->close();
  });
  auto got = (*listener)->accept(0ms);
  closer.join();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kClosed);
}

TEST_F(AgentEndToEnd, BindUdpSendsAndReceivesDatagrams) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto sock = tunnel->bind_udp("", 0);
  ASSERT_TRUE(sock) << sock.error().message;
  std::string msg = "datagram through the agent";
  auto to = *wgnet::Endpoint::parse("10.98.0.1:7");
  ASSERT_TRUE((*sock)->send_to({reinterpret_cast<const uint8_t*>(msg.data()), msg.size()}, to));
  std::vector<uint8_t> buf(100);
  wgnet::Endpoint from;
  auto n = (*sock)->recv_from(buf, from, 5s);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<long>(*n)), msg);
  EXPECT_EQ(from, to);
  auto none = (*sock)->recv_from(buf, from, 50ms);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kTimeout);
  std::vector<uint8_t> huge(65508);
  auto too_big = (*sock)->send_to(huge, to);  // the tunnel's own refusal, carried back
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_big.error().message.find("larger than UDP allows"), std::string::npos);
  (*sock)->close();
  auto closed = (*sock)->send_to(buf, to);
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, ErrorCode::kClosed);
}

TEST_F(AgentEndToEnd, DialUdpAndListenUdpFirstCarryDatagrams) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  auto conn = tunnel->dial_udp("10.98.0.1", 7, {});
  ASSERT_TRUE(conn) << conn.error().message;
  ASSERT_EQ(::write(conn->fd.get(), "one", 3), 3);
  char buf[16];
  pollfd p{conn->fd.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(::read(conn->fd.get(), buf, sizeof buf), 3);

  std::thread ask([&] {
    std::this_thread::sleep_for(100ms);
    auto c = tunnel->dial_tcp("10.98.0.1", 8, {});
    if (c) {
      (void)!::write(c->fd.get(), "udp 9001\n", 9);
      char done[8];
      (void)!::read(c->fd.get(), done, sizeof done);
    }
  });
  auto first = tunnel->listen_udp_first("", 9001, 5s);
  ask.join();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->remote.ip.to_string(), "10.98.0.1");
  char dgram[64];
  ssize_t n = ::read(first->fd.get(), dgram, sizeof dgram);
  EXPECT_EQ(std::string(dgram, static_cast<size_t>(std::max<ssize_t>(n, 0))),
            "hello from the peer");
  auto late = tunnel->listen_udp_first("", 9002, 50ms);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kTimeout);
}

TEST_F(AgentEndToEnd, PingGetsTheEchoReplyThroughTheAgent) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  wgnet::PingOptions o;
  o.sequence = 5;
  o.timeout = 3s;
  auto reply = tunnel->ping(wgnet::IpAddress::v4(10, 98, 0, 1), o);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->sequence, 5);
  EXPECT_EQ(reply->from.to_string(), "10.98.0.1");
  EXPECT_EQ(reply->bytes, 64u);
  auto pinger = tunnel->open_pinger(wgnet::IpAddress::v4(10, 98, 0, 1));
  ASSERT_TRUE(pinger);
  auto too_big = (*pinger)->send(1, 70000);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, ErrorCode::kInvalidArgument);
  auto unroutable = tunnel->open_pinger(wgnet::IpAddress::v4(10, 99, 0, 1));
  ASSERT_FALSE(unroutable);
  EXPECT_EQ(unroutable.error().code, ErrorCode::kNetwork);
}

TEST_F(AgentEndToEnd, TwoClientsShareOneAgentAndDialAtOnce) {
  wgnet::AttachInfo first_info, second_info;
  auto first = attach(&first_info);
  auto second = attach(&second_info);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first_info.started);
  EXPECT_FALSE(second_info.started);
  EXPECT_EQ(first_info.agent_pid, second_info.agent_pid);
  auto run = [](wgnet::Tunnel& t, std::string* out) {
    for (int i = 0; i < 5; ++i) {
      auto c = t.dial_tcp("10.98.0.1", 7, {});
      if (!c) return;
      *out += echo_through(c->fd.get(), "abc");
    }
  };
  std::string a, b;
  std::thread ta(run, std::ref(*first), &a), tb(run, std::ref(*second), &b);
  ta.join();
  tb.join();
  EXPECT_EQ(a, "abcabcabcabcabc");
  EXPECT_EQ(b, "abcabcabcabcabc");
  // One tunnel: both see the same first handshake.
  EXPECT_EQ(first->stats().handshake_time, second->stats().handshake_time);
}

}  // namespace
}  // namespace agent_test
