// The public API's rules about threads and lifetimes (wgnet/tunnel.hpp, top): listeners and UDP
// sockets that outlive their Tunnel answer kClosed, close() wakes a blocked accept, listener
// fds are pollable, one tunnel per process, and a LogSink that calls back into the Tunnel gets
// an error instead of a deadlock. Run under ASan too (build-asan): nothing here may touch
// freed memory.
#include <gtest/gtest.h>
#include <poll.h>

#include <future>

#include "self_tunnel.hpp"

namespace {

using namespace std::chrono_literals;
using self_tunnel::SelfTunnel;

bool readable(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) == 1 && (p.revents & POLLIN);
}

TEST_F(SelfTunnel, HandlesThatOutliveTheTunnelAnswerClosed) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto listener = tunnel->listen_tcp("", 9000);
  auto socket = tunnel->bind_udp("", 9001);
  ASSERT_TRUE(listener) << listener.error().message;
  ASSERT_TRUE(socket) << socket.error().message;
  auto echo = tunnel->dial_tcp("10.98.0.1", 7, {});
  ASSERT_TRUE(echo) << echo.error().message;
  tunnel.reset();

  // A connection's fd stays a valid descriptor that now reads end-of-file (or an error).
  ASSERT_TRUE(readable(echo->fd.get(), 2s));
  char byte;
  EXPECT_LE(::read(echo->fd.get(), &byte, 1), 0);

  auto conn = (*listener)->accept(100ms);
  ASSERT_FALSE(conn);
  ASSERT_EQ(conn.error().code, wgnet::ErrorCode::kClosed) << conn.error().message;
  conn = (*listener)->accept(0ms);  // would wait forever on a live listener
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kClosed);

  std::vector<uint8_t> buf(64);
  wgnet::Endpoint from;
  auto got = (*socket)->recv_from(buf, from, 100ms);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, wgnet::ErrorCode::kClosed) << got.error().message;
  auto sent = (*socket)->send_to(buf, *wgnet::Endpoint::parse("10.98.0.1:7"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, wgnet::ErrorCode::kClosed) << sent.error().message;

  // Pollers wake too, and closing the handles afterwards is harmless.
  EXPECT_TRUE(readable((*listener)->fd(), 0ms));
  EXPECT_TRUE(readable((*socket)->fd(), 0ms));
  (*listener)->close();
  listener->reset();
  socket->reset();
}

// A Pinger follows the same rule: after its Tunnel is gone, send and receive answer kClosed
// (a receive already waiting wakes up) and destroying it touches nothing of the old stack.
TEST_F(SelfTunnel, PingerThatOutlivesTheTunnelAnswersClosed) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto pinger = tunnel->open_pinger(*wgnet::IpAddress::parse("10.98.0.1"));
  ASSERT_TRUE(pinger) << pinger.error().message;
  ASSERT_TRUE((*pinger)->send(1, 56));
  ASSERT_TRUE((*pinger)->receive(3s));
  std::thread waiting([&] {
    auto reply = (*pinger)->receive(0ms);  // would wait forever on a live tunnel
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, wgnet::ErrorCode::kClosed) << reply.error().message;
  });
  std::this_thread::sleep_for(100ms);
  tunnel.reset();
  waiting.join();
  auto sent = (*pinger)->send(2, 56);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, wgnet::ErrorCode::kClosed) << sent.error().message;
  pinger->reset();
}

TEST_F(SelfTunnel, DestroyingTheTunnelWakesBlockedAcceptAndRecv) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto listener = tunnel->listen_tcp("", 9000);
  auto socket = tunnel->bind_udp("", 9001);
  ASSERT_TRUE(listener && socket);
  auto accepted = std::async(std::launch::async, [&] { return (*listener)->accept(0ms); });
  auto received = std::async(std::launch::async, [&] {
    std::vector<uint8_t> buf(64);
    wgnet::Endpoint from;
    return (*socket)->recv_from(buf, from, 0ms);
  });
  std::this_thread::sleep_for(100ms);  // both are waiting now
  tunnel.reset();
  ASSERT_EQ(accepted.wait_for(2s), std::future_status::ready);
  ASSERT_EQ(received.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(accepted.get().error().code, wgnet::ErrorCode::kClosed);
  EXPECT_EQ(received.get().error().code, wgnet::ErrorCode::kClosed);
}

TEST_F(SelfTunnel, CloseWakesABlockedAccept) {
  auto tunnel = connect_pair();
  ASSERT_TRUE(tunnel);
  auto listener = tunnel->listen_tcp("", 9000);
  ASSERT_TRUE(listener);
  EXPECT_FALSE(readable((*listener)->fd(), 0ms));  // nothing waiting yet
  auto accepted = std::async(std::launch::async, [&] { return (*listener)->accept(0ms); });
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  (*listener)->close();
  ASSERT_EQ(accepted.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  auto result = accepted.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, wgnet::ErrorCode::kClosed) << result.error().message;
  EXPECT_TRUE(readable((*listener)->fd(), 0ms));
  // The port is free again.
  EXPECT_TRUE(tunnel->listen_tcp("", 9000));
}

// Child: the server tunnel dials the client's listener at 10.98.0.2:9000 (bounded tries) and
// says hello.
[[noreturn]] void dial_back(const std::string& text) {
  auto tunnel = self_tunnel::open_server_tunnel(text, 30);
  wgnet::DialOptions dial;
  dial.timeout = 1000ms;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto conn = tunnel->dial_tcp(*wgnet::Endpoint::parse("10.98.0.2:9000"), dial);
    if (!conn) {
      std::this_thread::sleep_for(200ms);
      continue;
    }
    (void)!::write(conn->fd.get(), "hello", 5);
    char c;
    (void)!::read(conn->fd.get(), &c, 1);  // until the client closes
    _exit(0);
  }
  _exit(12);
}

TEST_F(SelfTunnel, ListenerFdIsReadableWhileAConnectionWaits) {
  auto cfgs = self_tunnel::make_configs(self_tunnel::free_udp_port());
  // Fork first: a child forked from a process with an open tunnel could not open its own.
  child_ = fork();
  ASSERT_GE(child_, 0);
  if (child_ == 0) dial_back(cfgs.server);
  auto config = wgnet::parse_config(cfgs.client, "client.conf");
  ASSERT_TRUE(config);
  auto tunnel = wgnet::Tunnel::open(*config, {});
  ASSERT_TRUE(tunnel) << tunnel.error().message;
  auto listener = (*tunnel)->listen_tcp("", 9000);
  ASSERT_TRUE(listener);

  ASSERT_TRUE(readable((*listener)->fd(), 10s));
  auto conn = (*listener)->accept(1ms);  // ready: no wait
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_FALSE(readable((*listener)->fd(), 0ms));  // the one connection was taken
  char buf[5];
  ASSERT_TRUE(readable(conn->fd.get(), 5s));
  EXPECT_EQ(::read(conn->fd.get(), buf, sizeof buf), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
}

TEST(OneTunnelPerProcess, ASecondOpenTunnelIsRefusedWithTheReason) {
  auto cfgs = self_tunnel::make_configs(self_tunnel::free_udp_port());
  auto config = wgnet::parse_config(cfgs.client, "client.conf");
  ASSERT_TRUE(config);
  auto first = wgnet::Tunnel::open(*config, {});
  ASSERT_TRUE(first) << first.error().message;
  auto second = wgnet::Tunnel::open(*config, {});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, wgnet::ErrorCode::kInvalidArgument);
  EXPECT_NE(second.error().message.find("one per process"), std::string::npos)
      << second.error().message;
  first->reset();
  auto again = wgnet::Tunnel::open(*config, {});  // the first is gone: allowed again
  EXPECT_TRUE(again) << again.error().message;
}

TEST_F(SelfTunnel, LogSinkCallingTheTunnelGetsAnErrorNotADeadlock) {
  std::atomic<wgnet::Tunnel*> target{nullptr};
  std::promise<wgnet::Result<wgnet::Connection>> from_sink;
  std::atomic<bool> dialled{false};
  wgnet::TunnelOptions opts;
  opts.log = [&](wgnet::LogLevel, const std::string& message) {
    // A drop is reported on the loop thread; dial from there, once.
    if (message.find("dropped packet") == std::string::npos) return;
    wgnet::Tunnel* tunnel = target.load();
    if (!tunnel || dialled.exchange(true)) return;
    from_sink.set_value(tunnel->dial_tcp("10.98.0.1", 7, {}));
  };
  auto tunnel = connect_pair(false, opts);
  ASSERT_TRUE(tunnel);
  ASSERT_TRUE(tunnel->wait_handshake());
  target = tunnel.get();
  auto socket = tunnel->bind_udp("", 9001);
  ASSERT_TRUE(socket);
  // 192.0.2.1 is no peer's: the device drops the datagram and says so on the loop thread.
  // Sent from another thread: with the loop stuck, send_to would never return either.
  auto sent = std::async(std::launch::async, [&] {
    return (*socket)->send_to(std::vector<uint8_t>{1}, *wgnet::Endpoint::parse("192.0.2.1:9"));
  });
  auto result = from_sink.get_future();
  if (result.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "the LogSink's dial never returned (deadlocked loop)";
    std::_Exit(1);  // the loop is stuck: the tunnel cannot be destroyed
  }
  auto conn = result.get();
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, wgnet::ErrorCode::kInvalidArgument);
  EXPECT_NE(conn.error().message.find("event loop thread"), std::string::npos)
      << conn.error().message;
  EXPECT_EQ(sent.wait_for(2s), std::future_status::ready);
  target = nullptr;
}

}  // namespace
