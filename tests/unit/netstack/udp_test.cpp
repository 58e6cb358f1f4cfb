// UDP through two lwIP stacks: connected flows (dial_udp, a SOCK_SEQPACKET fd) against an
// unconnected binding (bind_udp + udp_send_to), IPv4 and IPv6, and flow teardown.
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>
#include <thread>

#include "netstack/two_stacks.hpp"

namespace wgnet::testing {
namespace {

void udp_echo(const char* server_ip) {
  run_pair(
      [&](Side& a) {
        auto base = a.stats();
        a.wait_signal();
        auto conn = a.on_loop([&] { return a.host().dial_udp(ep(server_ip, 53)); });
        ASSERT_TRUE(conn.ok()) << conn.error().message;
        set_timeouts(conn->fd.get(), 5s);
        EXPECT_EQ(conn->remote, ep(server_ip, 53));
        EXPECT_GE(conn->local.port, 49152);
        int type = 0;
        socklen_t len = sizeof type;
        ::getsockopt(conn->fd.get(), SOL_SOCKET, SO_TYPE, &type, &len);
        EXPECT_EQ(type, SOCK_SEQPACKET);
        for (const std::string& msg : std::vector<std::string>{"one", "two datagrams", std::string(1400, 'x'), std::string(4000, 'y')}) {
          ASSERT_EQ(::send(conn->fd.get(), msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
          char buf[8192];
          ssize_t n = ::recv(conn->fd.get(), buf, sizeof buf, 0);
          ASSERT_EQ(n, static_cast<ssize_t>(msg.size() + 5)) << "one datagram per read";
          EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "echo:" + msg);
        }
        EXPECT_EQ(a.stats().udp_bridges, 1u);
        conn->fd.reset();  // closing the app end ends the flow
        EXPECT_TRUE(a.wait_stats([&](const auto& s) {
          return s.udp_bridges == 0 && s.udp_pcbs == base.udp_pcbs; }, 2s));
        a.signal();
      },
      [&](Side& b) {
        Endpoint bound;
        auto& host = b.host();
        auto id = b.on_loop([&] {
          return host.bind_udp(ep("0.0.0.0", 53), [&host, &b](const Endpoint& from, std::span<const uint8_t> data) {
            std::string reply = "echo:" + std::string(data.begin(), data.end());
            // Called on the loop thread: answer right away.
            auto sent = host.udp_send_to(1, from, {reinterpret_cast<const uint8_t*>(reply.data()), reply.size()});
            EXPECT_TRUE(sent.ok()) << sent.error().message;
            (void)b;
          }, &bound);
        });
        ASSERT_TRUE(id.ok()) << id.error().message;
        EXPECT_EQ(*id, 1u) << "the callback above assumes the first id";
        EXPECT_EQ(bound.port, 53);
        b.signal();
        b.wait_signal();
        b.on_loop([&] { host.close_udp(*id); });
        EXPECT_EQ(b.stats().udp_pcbs, 0u);
      });
}

TEST(NetstackUdp, EchoIpv4) { udp_echo("10.0.0.2"); }
TEST(NetstackUdp, EchoIpv6) { udp_echo("fd00::2"); }

TEST(NetstackUdp, RandomPortsAndErrors) {
  run_pair(
      [](Side& a) {
        // Ephemeral ports come from the CSPRNG, not lwIP's counter: not consecutive.
        std::vector<Connection> flows;
        int consecutive = 0;
        for (int i = 0; i < 8; ++i) {
          auto c = a.on_loop([&] { return a.host().dial_udp(ep("10.0.0.2", 9)); });
          ASSERT_TRUE(c.ok()) << c.error().message;
          if (!flows.empty() && c->local.port == flows.back().local.port + 1) ++consecutive;
          flows.push_back(std::move(*c));
        }
        EXPECT_LT(consecutive, 3);
        Endpoint bound;
        auto id = a.on_loop([&] { return a.host().bind_udp(ep("10.0.0.1", 0), [](auto&, auto) {}, &bound); });
        ASSERT_TRUE(id.ok());
        EXPECT_GE(bound.port, 49152);
        std::vector<uint8_t> big(70000);
        auto r = a.on_loop([&] { return a.host().udp_send_to(*id, ep("10.0.0.2", 9), big); });
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        auto closed = a.on_loop([&] { return a.host().udp_send_to(12345, ep("10.0.0.2", 9), {}); });
        EXPECT_FALSE(closed.ok());
        auto dup = a.on_loop([&] { return a.host().bind_udp(bound, [](auto&, auto) {}); });
        ASSERT_FALSE(dup.ok());
        EXPECT_EQ(dup.error().code, ErrorCode::kInvalidArgument) << dup.error().message;
        a.on_loop([&] { a.host().close_udp(*id); });
        a.signal();
      },
      [](Side& b) { b.wait_signal(); });
}

// H8: a flood into a flow whose app does not read is dropped and counted (the socket buffer is
// the only queue), nothing leaks, and the flow works again once the app reads.
constexpr int kFlood = 3000;

TEST(NetstackUdp, FloodToAnUnreadFlowIsDroppedAndRecovers) {
  run_pair(
      [](Side& a) {
        auto conn = a.on_loop([&] { return a.host().dial_udp(ep("10.0.0.2", 7000)); });
        ASSERT_TRUE(conn.ok()) << conn.error().message;
        set_timeouts(conn->fd.get(), 5s);
        auto base = a.stats();
        a.signal(static_cast<uint8_t>(conn->local.port >> 8));
        a.signal(static_cast<uint8_t>(conn->local.port & 0xFF));
        EXPECT_EQ(a.wait_signal(), 9);  // B has sent its flood
        // Every datagram of the flood has reached our stack (one packet each).
        EXPECT_TRUE(a.wait_stats([&](const auto& s) {
          return s.inner_rx_packets >= base.inner_rx_packets + kFlood; }, 5s));
        EXPECT_GT(a.stats().udp_dropped, 0u);
        auto st = a.stats();
        EXPECT_EQ(st.heap_bytes, base.heap_bytes);
        EXPECT_EQ(st.pbufs, base.pbufs);
        std::printf("[ udp flood ] %llu of %d datagrams dropped at the app's full socket\n",
                    static_cast<unsigned long long>(st.udp_dropped), kFlood);
        // Drain what was queued, then the flow still works both ways.
        char buf[2048];
        int queued = 0;
        while (::recv(conn->fd.get(), buf, sizeof buf, MSG_DONTWAIT) > 0) ++queued;
        EXPECT_GT(queued, 0);
        EXPECT_EQ(queued + static_cast<int>(st.udp_dropped), kFlood);
        ASSERT_EQ(::send(conn->fd.get(), "ping", 4, 0), 4);
        ssize_t n = ::recv(conn->fd.get(), buf, sizeof buf, 0);
        EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "pong");
        a.signal();
      },
      [](Side& b) {
        uint16_t port = static_cast<uint16_t>(b.wait_signal() << 8);
        port = static_cast<uint16_t>(port | b.wait_signal());
        auto& host = b.host();
        auto id = b.on_loop([&] {
          return host.bind_udp(ep("10.0.0.2", 7000), [&host](const Endpoint& from, std::span<const uint8_t>) {
            (void)host.udp_send_to(1, from, {reinterpret_cast<const uint8_t*>("pong"), 4});
          });
        });
        ASSERT_TRUE(id.ok() && *id == 1u);
        std::vector<uint8_t> payload(1000, 0xAB);
        for (int i = 0; i < kFlood; i += 100) {
          b.on_loop([&] {
            for (int j = 0; j < 100; ++j) (void)host.udp_send_to(*id, ep("10.0.0.1", port), payload);
          });
        }
        b.signal(9);
        b.wait_signal();
      });
}

}  // namespace
}  // namespace wgnet::testing
