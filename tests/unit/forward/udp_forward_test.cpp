// -L and -R over UDP through the loopback tunnel double: each client address has its own
// session, answers go back to the client that asked, idle sessions expire and the table is
// capped (the oldest session makes room).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "forward/forward_test_support.hpp"

namespace wgnet::forward::test {
namespace {

TEST(UdpLocalForward, SeveralClientsEachGetTheirOwnAnswers) {
  EchoUdpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  std::vector<Fd> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(udp_client());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 8; ++i) {
      std::string payload = "client " + std::to_string(i) + " round " + std::to_string(round);
      EXPECT_EQ(udp_exchange(clients[i].get(), run.port(0), payload), "echo:" + payload);
    }
  }
  EXPECT_EQ(run.tunnel().dials(), 8);  // one session per client, kept across rounds
}

TEST(UdpLocalForward, IdleSessionExpiresAndTheNextDatagramOpensANewOne) {
  EchoUdpServer server;
  ForwardOptions options;
  options.udp_idle_expiry = 100ms;
  ForwarderRun run(options);
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  Fd client = udp_client();
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "one"), "echo:one");
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "two"), "echo:two");
  EXPECT_EQ(run.tunnel().dials(), 1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "three"), "echo:three");
  EXPECT_EQ(run.tunnel().dials(), 2);
}

TEST(UdpLocalForward, AtTheSessionCapTheOldestSessionIsClosed) {
  EchoUdpServer server;
  ForwardOptions options;
  options.udp_max_sessions = 2;
  ForwarderRun run(options);
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  Fd a = udp_client(), b = udp_client(), c = udp_client();
  EXPECT_EQ(udp_exchange(a.get(), run.port(0), "a"), "echo:a");
  EXPECT_EQ(udp_exchange(b.get(), run.port(0), "b"), "echo:b");
  EXPECT_EQ(udp_exchange(c.get(), run.port(0), "c"), "echo:c");  // evicts a's session
  EXPECT_EQ(run.tunnel().dials(), 3);
  EXPECT_EQ(udp_exchange(b.get(), run.port(0), "b2"), "echo:b2");  // b's session is still there
  EXPECT_EQ(run.tunnel().dials(), 3);
  EXPECT_EQ(udp_exchange(a.get(), run.port(0), "a2"), "echo:a2");  // a needs a new one
  EXPECT_EQ(run.tunnel().dials(), 4);
}

TEST(UdpLocalForward, UnresolvableHostLogsAndDropsTheDatagram) {
  ForwarderRun run;
  run.add(Direction::kLocal, "0:nowhere.internal:53/udp");
  ASSERT_TRUE(run.forwarder().start());
  Fd client = udp_client(300ms);
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "query"), "");
  auto lines = run.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("wgnet-agent: warning: -L 127.0.0.1:0/udp: datagram from 127.0.0.1:", 0),
            0u)
      << lines[1];
  EXPECT_NE(lines[1].find(": nowhere.internal port 53 (udp) through the tunnel: `nowhere.internal' "
                          "not found through the tunnel's DNS"),
            std::string::npos)
      << lines[1];
}

TEST(UdpLocalForward, AllAddressesForwardAnswersAnIpv4ClientOfTheDualStackSocket) {
  EchoUdpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "*:0:localhost:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  Fd client = udp_client();
  // The answer goes out of an IPv6 socket to an IPv4 client (as ::ffff:127.0.0.1).
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "v4 client"), "echo:v4 client");
}

TEST(UdpRemoteForward, EachRemoteEndpointGetsItsOwnAnswers) {
  EchoUdpServer server;
  ForwarderRun run;
  run.add(Direction::kRemote, "5353:127.0.0.1:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  auto port = run.tunnel().wait_listening(5353, 1000ms);
  ASSERT_TRUE(port);
  std::vector<Fd> peers;
  for (int i = 0; i < 5; ++i) peers.push_back(udp_client());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) {
      std::string payload = "peer " + std::to_string(i) + " round " + std::to_string(round);
      EXPECT_EQ(udp_exchange(peers[i].get(), *port, payload), "echo:" + payload);
    }
  }
}

TEST(UdpForward, StopEndsThePollLoopsPromptly) {
  EchoUdpServer server;
  ForwarderRun run;
  run.add(Direction::kLocal, "0:localhost:" + std::to_string(server.port()) + "/udp");
  run.add(Direction::kRemote, "5353:localhost:" + std::to_string(server.port()) + "/udp");
  ASSERT_TRUE(run.forwarder().start());
  Fd client = udp_client();
  EXPECT_EQ(udp_exchange(client.get(), run.port(0), "x"), "echo:x");
  EXPECT_EQ(udp_exchange(client.get(), run.port(1), "y"), "echo:y");
  auto begin = std::chrono::steady_clock::now();
  run.forwarder().stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 500ms);
  Fd late = udp_client(200ms);
  EXPECT_EQ(udp_exchange(late.get(), run.port(0), "z"), "");
}

}  // namespace
}  // namespace wgnet::forward::test
