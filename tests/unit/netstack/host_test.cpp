// NetstackHost as a whole: configuration checks, one stack per process, the single-owner rule
// (H1), address families, ISN and port unpredictability (H9), bounded TIME_WAIT (H6).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "io/netstack_host.hpp"
#include "netstack/two_stacks.hpp"

namespace wgnet::testing {
namespace {

io::NetstackConfig v4_only() {
  io::NetstackConfig c;
  c.addresses.push_back(*IpPrefix::parse("10.0.0.1/24"));
  return c;
}

TEST(NetstackHost, RejectsUnusableConfigs) {
  auto loop = io::EventLoop::create();
  ASSERT_TRUE(loop.ok());
  auto none = io::NetstackHost::create(**loop, {}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  io::NetstackConfig small;
  small.addresses.push_back(*IpPrefix::parse("fd00::1/64"));
  small.mtu = 1200;
  auto tiny = io::NetstackHost::create(**loop, small, {});
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(tiny.error().message.find("1280"), std::string::npos) << tiny.error().message;
}

// lwIP is a process-wide singleton: a second stack is refused, and one can be made again once
// the first is gone. (In a child: the test process itself never initialises lwIP.)
TEST(NetstackHost, OneStackPerProcess) {
  EXPECT_EXIT(
      {
        auto loop = io::EventLoop::create();
        auto first = io::NetstackHost::create(**loop, v4_only(), {});
        if (!first.ok()) std::_Exit(2);
        auto second = io::NetstackHost::create(**loop, v4_only(), {});
        if (second.ok() || second.error().code != ErrorCode::kInternal) std::_Exit(3);
        first->reset();
        auto again = io::NetstackHost::create(**loop, v4_only(), {});
        std::_Exit(again.ok() ? 0 : 4);
      },
      ::testing::ExitedWithCode(0), "");
}

// H1: while the loop runs, lwIP may only be entered from the loop thread.
TEST(NetstackHostDeathTest, LwipFromAnotherThreadAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto loop = io::EventLoop::create();
        auto host = io::NetstackHost::create(**loop, v4_only(), {});
        std::thread t([&] { (*loop)->run(); });
        while (!(*loop)->is_running()) std::this_thread::yield();
        (void)(*host)->dial_udp(ep("10.0.0.2", 53));  // wrong thread
        (*loop)->stop();
        t.join();
      },
      "does not own the stack");
}

TEST(NetstackHost, DialWithoutAnAddressOfThatFamily) {
  EXPECT_EXIT(
      {
        auto loop = io::EventLoop::create();
        auto host = io::NetstackHost::create(**loop, v4_only(), {});
        auto udp = (*host)->dial_udp(ep("fd00::2", 53));
        if (udp.ok() || udp.error().code != ErrorCode::kNetwork) std::_Exit(2);
        std::optional<Result<Connection>> tcp;
        (*host)->dial_tcp(ep("fd00::2", 22), 1s, [&](Result<Connection> r) {
          tcp.emplace(std::move(r));
          (*loop)->stop();
        });
        (*loop)->run();
        if (!tcp || tcp->ok() || tcp->error().code != ErrorCode::kNetwork) std::_Exit(3);
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// H9: the ISN of each SYN (RFC 6528 hook) and the source ports (CSPRNG) follow no simple
// pattern: no two deltas alike, ports not sequential.
TEST(NetstackHost, IsnAndPortsAreUnpredictable) {
  constexpr int kConnections = 40;
  run_pair(
      [](Side& a) {
        std::vector<std::pair<uint16_t, uint32_t>> syns;  // (source port, ISN)
        a.on_loop([&] {
          a.tap = [&syns](std::span<const uint8_t> pkt) {
            if (pkt.size() < 40 || (pkt[0] >> 4) != 4 || pkt[9] != 6) return;
            const uint8_t* tcp = pkt.data() + (pkt[0] & 0x0F) * 4;
            bool syn = tcp[13] & 0x02, ack = tcp[13] & 0x10;
            if (syn && !ack) syns.emplace_back(be16(tcp), be32(tcp + 4));
          };
        });
        a.wait_signal();
        for (int i = 0; i < kConnections; ++i) {
          auto c = a.dial(ep("10.0.0.2", 443));
          ASSERT_TRUE(c.ok()) << c.error().message;
        }
        a.on_loop([&] { a.tap = nullptr; });
        a.signal();
        ASSERT_EQ(syns.size(), static_cast<size_t>(kConnections));
        std::set<uint32_t> deltas;
        int sequential_ports = 0;
        for (size_t i = 1; i < syns.size(); ++i) {
          deltas.insert(syns[i].second - syns[i - 1].second);
          if (syns[i].first == syns[i - 1].first + 1) ++sequential_ports;
        }
        EXPECT_EQ(deltas.size(), syns.size() - 1) << "ISN deltas repeat";
        EXPECT_LT(sequential_ports, 3);
        // The keyed hash spreads ISNs over the whole space: at least one far from another.
        uint32_t spread = 0;
        for (auto& s : syns) spread = std::max(spread, s.second - syns[0].second);
        EXPECT_GT(spread, 1u << 28);
      },
      [](Side& b) {
        b.listen(ep("10.0.0.2", 443));
        b.signal();
        for (int i = 0; i < kConnections; ++i) b.accept();
        b.wait_signal();
      });
}

// H6 (short): many short connections; the client, which closes first, keeps its TIME_WAIT pcbs
// bounded by our cap instead of one per connection for 2 * MSL.
TEST(NetstackHost, TimeWaitIsBounded) {
  constexpr int kConnections = 300;
  run_pair(
      [](Side& a) {
        a.wait_signal();
        for (int i = 0; i < kConnections; ++i) {
          auto c = a.dial(ep("10.0.0.2", 25));
          ASSERT_TRUE(c.ok()) << i << ": " << c.error().message;
          ASSERT_EQ(::shutdown(c->fd.get(), SHUT_WR), 0);
          ASSERT_EQ(read_to_eof(c->fd.get()), "x");
        }
        ASSERT_TRUE(a.wait_stats([](const auto& s) { return s.tcp_bridges == 0; }, 5s));
        auto st = a.stats();
        EXPECT_GT(st.tcp_time_wait_pcbs, 10u);
        EXPECT_LE(st.tcp_time_wait_pcbs, 64u + 8u);
        EXPECT_LE(st.tcp_pcbs, 64u + 8u);
        a.signal();
      },
      [](Side& b) {
        b.listen(ep("10.0.0.2", 25));
        b.signal();
        for (int i = 0; i < kConnections; ++i) {
          Connection c = b.accept();
          EXPECT_EQ(read_to_eof(c.fd.get()), "");
          ASSERT_TRUE(write_all(c.fd.get(), "x", 1));
        }
        b.wait_signal();
      });
}

}  // namespace
}  // namespace wgnet::testing
