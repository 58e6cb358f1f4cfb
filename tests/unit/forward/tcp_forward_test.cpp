// -L and -R over TCP through the loopback tunnel double: many concurrent clients each get their
// own answer (and their half-close through), one failing connection leaves the others alone,
// stop() ends live connections at once, and finished connection threads do not pile up.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "forward/forward_test_support.hpp"

namespace wgnet::forward::test {
namespace {

constexpr int kClients = 50;

// Runs kClients clients at once against 127.0.0.1:port; each sends its own payload and must get
// exactly its own echo back.
void expect_concurrent_echoes(uint16_t port) {
  std::vector<Fd> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(connect_loopback(port));
    ASSERT_TRUE(clients.back()) << "client " << i;
  }
  std::vector<std::future<std::string>> answers;
  for (int i = 0; i < kClients; ++i) {
    std::string payload =
        "client " + std::to_string(i) + " " + std::string(1000 + i * 37, 'a' + i % 26);
    answers.push_back(std::async(
        std::launch::async, [fd = clients[i].get(), payload] { return exchange(fd, payload); }));
  }
  for (int i = 0; i < kClients; ++i) {
    std::string payload =
        "client " + std::to_string(i) + " " + std::string(1000 + i * 37, 'a' + i % 26);
    EXPECT_EQ(answers[i].get(), "echo:" + payload) << "client " << i;
  }
}

TEST(TcpLocalForward, FiftyConcurrentClientsEachGetTheirOwnAnswer) {
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  expect_concurrent_echoes(run.port(0));
  EXPECT_EQ(server.connections(), kClients);
  EXPECT_EQ(run.tunnel().dials(), kClients);
}

TEST(TcpLocalForward, PortZeroIsReportedAsSshDoes) {
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:80");
  ASSERT_TRUE(run.forwarder().start());
  EXPECT_EQ(run.lines(), std::vector<std::string>{"wgnet-agent: -L 127.0.0.1:0: allocated port " +
                                                  std::to_string(run.port(0))});
}

TEST(TcpLocalForward, RefusedDialClosesOnlyThatClientAndLogsOneLine) {
  EchoTcpServer server;
  uint16_t closed = unused_port();
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(closed));
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  Fd working = connect_loopback(run.port(1));
  Fd refused = connect_loopback(run.port(0));
  ASSERT_TRUE(working && refused);
  EXPECT_EQ(read_to_end(refused.get()), "");  // closed, and quickly (no 5 s read timeout)
  EXPECT_EQ(exchange(working.get(), "still here"), "echo:still here");
  auto lines = run.lines();
  ASSERT_EQ(lines.size(), 3u);  // two "allocated port" lines, then the failure
  EXPECT_EQ(lines[2].rfind("wgnet-agent: warning: -L 127.0.0.1:0: connection from 127.0.0.1:", 0),
            0u)
      << lines[2];
  EXPECT_NE(lines[2].find(": connect to localhost port " + std::to_string(closed) +
                          " through the tunnel failed: Connection refused"),
            std::string::npos)
      << lines[2];
}

TEST(TcpLocalForward, BracketedIpv6BindAddressListensThereOnly) {
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "[::1]:0:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  EXPECT_EQ(run.forwarder().bound()[0].listening.ip, *IpAddress::parse("::1"));
  Fd v6 = connect_to(Endpoint{*IpAddress::parse("::1"), run.port(0)});
  ASSERT_TRUE(v6);
  EXPECT_EQ(exchange(v6.get(), "over v6"), "echo:over v6");
  EXPECT_FALSE(connect_loopback(run.port(0)));  // not on 127.0.0.1
}

TEST(TcpLocalForward, HalfCloseReachesTheServerAndItsAnswerStillComesBack) {
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  Fd client = connect_loopback(run.port(0));
  ASSERT_TRUE(client);
  // The server answers only after end of stream: an answer proves the half-close went through
  // while our receiving direction stayed open.
  EXPECT_EQ(exchange(client.get(), std::string(300000, 'x')), "echo:" + std::string(300000, 'x'));
}

TEST(TcpRemoteForward, FiftyConcurrentClientsFromThePeerSideEachGetTheirOwnAnswer) {
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kRemote, "8080:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  // The loopback tunnel's "tunnel port 8080" is a kernel port of its choosing.
  auto port = run.tunnel().wait_listening(8080, 1000ms);
  ASSERT_TRUE(port);
  EXPECT_EQ(run.port(0), *port);
  expect_concurrent_echoes(*port);
  EXPECT_EQ(server.connections(), kClients);
}

TEST(TcpRemoteForward, RefusedLocalServiceClosesTheTunnelConnectionAndLogs) {
  uint16_t closed = unused_port();
  ForwarderRun run;
  run.add(Direction::kRemote, "8080:127.0.0.1:" + std::to_string(closed));
  ASSERT_TRUE(run.forwarder().start());
  Fd client = connect_loopback(run.port(0));
  ASSERT_TRUE(client);
  EXPECT_EQ(exchange(client.get(), "hello"), "");
  auto lines = run.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("wgnet-agent: warning: -R *:8080: connection from 127.0.0.1:"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(": connect to 127.0.0.1 port " + std::to_string(closed) +
                          " failed: Connection refused"),
            std::string::npos)
      << lines[0];
}

TEST(Forwarder, BindFailureNamesTheSpecAndServesNothing) {
  EchoTcpServer busy;  // listening on its port: nobody else can bind it
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:80");
  run.add(Direction::kLocal, std::to_string(busy.port()) + ":localhost:80");
  auto started = run.forwarder().start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message,
            "-L 127.0.0.1:" + std::to_string(busy.port()) + ": Address already in use");
  EXPECT_TRUE(run.forwarder().bound().empty());
  // The first forward, bound before the failure, was closed again.
  auto lines = run.lines();
  ASSERT_EQ(lines.size(), 1u);
  uint16_t first = static_cast<uint16_t>(std::stoi(lines[0].substr(lines[0].rfind(' ') + 1)));
  EXPECT_FALSE(connect_loopback(first));
}

TEST(Forwarder, RemoteBindFailureNamesTheSpec) {
  ForwarderRun run;
  run.add(Direction::kRemote, "10.9.9.9:8080:localhost:80");
  auto started = run.forwarder().start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "-R 10.9.9.9:8080: `10.9.9.9' is not one of our addresses");
}

TEST(Forwarder, StopWithLiveConnectionsReturnsPromptlyAndClosesThem) {
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()));
  run.add(Direction::kRemote, "8080:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  std::vector<Fd> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(connect_loopback(run.port(i % 2)));
    ASSERT_TRUE(clients.back());
    ASSERT_EQ(::send(clients.back().get(), "partial", 7, 0), 7);
  }
  // Every connection reached the server and is open (no half-close: no answer yet).
  for (int i = 0; i < 100 && server.connections() < 10; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server.connections(), 10);
  auto begin = std::chrono::steady_clock::now();
  run.forwarder().stop();
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(took, 500ms);
  for (auto& c : clients) EXPECT_EQ(read_to_end(c.get()), "");
  EXPECT_FALSE(connect_loopback(run.port(0)));  // the -L listener is closed
}

TEST(Forwarder, WaitReturnsOnceTheWakeFdIsReadable) {
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:80");
  ASSERT_TRUE(run.forwarder().start());
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Fd read_end(fds[0]), write_end(fds[1]);
  auto waiting = std::async(std::launch::async, [&] { run.forwarder().wait(read_end.get()); });
  EXPECT_EQ(waiting.wait_for(100ms), std::future_status::timeout);
  ASSERT_EQ(::write(write_end.get(), "x", 1), 1);
  EXPECT_EQ(waiting.wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(connect_loopback(run.port(0)));
}

// Mapped regions of this process: each thread not yet joined keeps its stack (and guard page)
// mapped, so a forward that never joined finished connection threads grows this by thousands.
size_t mapped_regions() {
  std::ifstream maps("/proc/self/maps");
  size_t n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

// Resident memory in KiB (VmRSS).
long resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// 1000 connections here; WGNET_FORWARD_CONNECTIONS=10000 for the long run.
TEST(TcpLocalForward, FinishedConnectionThreadsAreJoinedNotAccumulated) {
  const char* env = std::getenv("WGNET_FORWARD_CONNECTIONS");
  const int connections = env ? std::atoi(env) : 1000;
  EchoTcpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()));
  ASSERT_TRUE(run.forwarder().start());
  auto one = [&](int i) {
    Fd c = connect_loopback(run.port(0));
    ASSERT_TRUE(c);
    ASSERT_EQ(exchange(c.get(), std::to_string(i)), "echo:" + std::to_string(i));
  };
  for (int i = 0; i < 100; ++i) one(i);  // warm up: allocator arenas, cached stacks
  size_t regions_before = mapped_regions();
  long rss_before = resident_kib();
  for (int i = 0; i < connections; ++i) one(i);
  std::this_thread::sleep_for(50ms);  // the last thread's end reaches the accept loop
  EXPECT_LT(mapped_regions(), regions_before + 40);
  long rss_after = resident_kib();
#ifndef __SANITIZE_ADDRESS__  // ASan's quarantine holds freed memory on purpose
  EXPECT_LT(rss_after - rss_before, 2048) << "KiB after 100 connections: " << rss_before;
#endif
  std::printf("after 100 connections: %ld KiB resident, after %d more: %ld KiB\n", rss_before,
              connections, rss_after);
}

}  // namespace
}  // namespace wgnet::forward::test
