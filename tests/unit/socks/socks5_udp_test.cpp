// UDP ASSOCIATE through serve_socks5 on the loopback tunnel double, to a UDP echo on 127.0.0.1:
// the client's datagrams carry the RFC 1928 header out, the echo's come back with one naming it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <string>
#include <thread>
#include <vector>

#include "socks/socks_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using wgnet::Fd;
using Bytes = std::vector<uint8_t>;
using wgnet::test::read_bytes;
using wgnet::test::send_bytes;

Fd udp_socket(uint16_t& port) {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len);
  port = ntohs(sa.sin_port);
  return fd;
}

void send_udp(int fd, uint16_t port, const Bytes& datagram) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
}

// The next datagram within `wait`, or nothing.
Bytes receive_udp(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return {};
  Bytes buf(65536);
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

Bytes to_ipv4(uint16_t port, const std::string& payload, uint8_t frag = 0) {
  Bytes out{
      0, 0, frag, 0x01, 127, 0, 0, 1, static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port)};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes to_name(const std::string& name, uint16_t port, const std::string& payload) {
  Bytes out{0, 0, 0, 0x03, static_cast<uint8_t>(name.size())};
  out.insert(out.end(), name.begin(), name.end());
  out.insert(out.end(), {static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port)});
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// A control connection that asked for an association; `relay_port` is the reply's BND.PORT.
struct Association {
  Fd control;
  uint16_t relay_port = 0;
};

Association associate(uint16_t socks_port, uint16_t client_port) {
  Association a;
  a.control = wgnet::test::connect_tcp(socks_port);
  send_bytes(a.control.get(), Bytes{0x05, 0x01, 0x00});
  EXPECT_EQ(read_bytes(a.control.get(), 2), (Bytes{0x05, 0x00}));
  // DST: where the client will send from (0.0.0.0 and a port: "this port, any address").
  send_bytes(a.control.get(),
             Bytes{0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, static_cast<uint8_t>(client_port >> 8),
                   static_cast<uint8_t>(client_port)});
  Bytes reply = read_bytes(a.control.get(), 10);
  EXPECT_EQ(reply.size(), 10u);
  if (reply.size() < 10) return a;
  EXPECT_EQ(reply[1], 0x00);
  EXPECT_EQ((Bytes{reply[3], reply[4], reply[5], reply[6], reply[7]}),
            (Bytes{0x01, 127, 0, 0, 1}));  // the relay binds udp_relay_address
  a.relay_port = static_cast<uint16_t>(reply[8] << 8 | reply[9]);
  return a;
}

TEST(Socks5Udp, DatagramsReachTheEchoByAddressAndByTunnelNameAndComeBackWithItsHeader) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::test::SocksServer server(tunnel, {});
  wgnet::test::UdpEcho echo;
  uint16_t client_port = 0;
  Fd client = udp_socket(client_port);
  Association a = associate(server.port(), client_port);
  ASSERT_NE(a.relay_port, 0);

  const Bytes header{0,
                     0,
                     0,
                     0x01,
                     127,
                     0,
                     0,
                     1,
                     static_cast<uint8_t>(echo.port() >> 8),
                     static_cast<uint8_t>(echo.port())};
  send_udp(client.get(), a.relay_port, to_ipv4(echo.port(), "by address"));
  Bytes back = receive_udp(client.get(), 2s);
  Bytes expected = header;
  expected.insert(expected.end(), {'b', 'y', ' ', 'a', 'd', 'd', 'r', 'e', 's', 's'});
  EXPECT_EQ(back, expected);

  send_udp(client.get(), a.relay_port, to_name("tunnel-only.test", echo.port(), "by name"));
  back = receive_udp(client.get(), 2s);
  expected = header;
  expected.insert(expected.end(), {'b', 'y', ' ', 'n', 'a', 'm', 'e'});
  EXPECT_EQ(back, expected);
}

TEST(Socks5Udp, FragmentsUnknownNamesAndOtherSendersAreDropped) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::test::SocksServer server(tunnel, {});
  wgnet::test::UdpEcho echo;
  uint16_t client_port = 0, stranger_port = 0;
  Fd client = udp_socket(client_port);
  Fd stranger = udp_socket(stranger_port);
  Association a = associate(server.port(), client_port);
  ASSERT_NE(a.relay_port, 0);

  send_udp(client.get(), a.relay_port, to_ipv4(echo.port(), "fragment", 1));
  EXPECT_TRUE(receive_udp(client.get(), 300ms).empty());
  send_udp(client.get(), a.relay_port, to_name("nosuch.test", echo.port(), "lost"));
  EXPECT_TRUE(receive_udp(client.get(), 300ms).empty());
  // Not the port the request named: someone else on the machine.
  send_udp(stranger.get(), a.relay_port, to_ipv4(echo.port(), "stranger"));
  EXPECT_TRUE(receive_udp(stranger.get(), 300ms).empty());
  send_udp(client.get(), a.relay_port, Bytes{0, 0});  // shorter than any header
  EXPECT_TRUE(receive_udp(client.get(), 300ms).empty());

  // The association still works for its client.
  send_udp(client.get(), a.relay_port, to_ipv4(echo.port(), "ok"));
  Bytes back = receive_udp(client.get(), 2s);
  ASSERT_GE(back.size(), 12u);
  EXPECT_EQ(std::string(back.end() - 2, back.end()), "ok");

  a.control.reset();
  for (int i = 0; i < 100 && server.log_lines().empty(); ++i) std::this_thread::sleep_for(20ms);
  auto lines = server.log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("1 datagrams out, 1 in, 4 dropped"), std::string::npos) << lines[0];
}

TEST(Socks5Udp, FirstSenderIsTheOnlyClientWhenTheRequestNamedNoPort) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::test::SocksServer server(tunnel, {});
  wgnet::test::UdpEcho echo;
  uint16_t first_port = 0, second_port = 0;
  Fd first = udp_socket(first_port);
  Fd second = udp_socket(second_port);
  Association a = associate(server.port(), 0);
  ASSERT_NE(a.relay_port, 0);
  send_udp(first.get(), a.relay_port, to_ipv4(echo.port(), "one"));
  EXPECT_FALSE(receive_udp(first.get(), 2s).empty());
  send_udp(second.get(), a.relay_port, to_ipv4(echo.port(), "two"));
  EXPECT_TRUE(receive_udp(second.get(), 300ms).empty());
}

TEST(Socks5Udp, ClosingTheControlConnectionEndsTheAssociation) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::test::SocksServer server(tunnel, {});
  uint16_t client_port = 0;
  Fd client = udp_socket(client_port);
  Association a = associate(server.port(), client_port);
  ASSERT_NE(a.relay_port, 0);
  a.control.reset();
  for (int i = 0; i < 100 && server.log_lines().empty(); ++i) std::this_thread::sleep_for(20ms);
  auto lines = server.log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("UDP ASSOCIATE relay 127.0.0.1:" + std::to_string(a.relay_port)),
            std::string::npos)
      << lines[0];
}

TEST(Socks5Udp, UnusableRelayAddressRepliesGeneralFailure) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::Socks5Options options;
  options.udp_relay_address = "not-an-address";
  wgnet::test::SocksServer server(tunnel, options);
  Fd control = wgnet::test::connect_tcp(server.port());
  send_bytes(control.get(), Bytes{0x05, 0x01, 0x00});
  EXPECT_EQ(read_bytes(control.get(), 2), (Bytes{0x05, 0x00}));
  send_bytes(control.get(), Bytes{0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0});
  Bytes reply = read_bytes(control.get(), 10);
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x01);
  EXPECT_TRUE(wgnet::test::closes_without_data(control.get()));
}

}  // namespace
