// serve_socks5 driven byte by byte by a hand-written client over a socketpair, on the loopback
// tunnel double: one test per reply code, authentication, cancel, and UDP ASSOCIATE.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "socks/socks_test_support.hpp"
#include "wgnet/socks5.hpp"

namespace {

using namespace std::chrono_literals;
using wgnet::Fd;
using Bytes = std::vector<uint8_t>;
using wgnet::test::closed_port;
using wgnet::test::closes_without_data;
using wgnet::test::read_bytes;
using wgnet::test::send_bytes;

const Bytes kNoAuthGreeting{0x05, 0x01, 0x00};

Bytes connect_ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return {0x05,
          0x01,
          0x00,
          0x01,
          a,
          b,
          c,
          d,
          static_cast<uint8_t>(port >> 8),
          static_cast<uint8_t>(port)};
}

Bytes connect_name(const std::string& name, uint16_t port, uint8_t command = 0x01) {
  Bytes out{0x05, command, 0x00, 0x03, static_cast<uint8_t>(name.size())};
  out.insert(out.end(), name.begin(), name.end());
  out.push_back(static_cast<uint8_t>(port >> 8));
  out.push_back(static_cast<uint8_t>(port));
  return out;
}

Bytes user_pass(const std::string& user, const std::string& password) {
  Bytes out{0x01, static_cast<uint8_t>(user.size())};
  out.insert(out.end(), user.begin(), user.end());
  out.push_back(static_cast<uint8_t>(password.size()));
  out.insert(out.end(), password.begin(), password.end());
  return out;
}

// One serve_socks5 call on one end of a socketpair; the test is the client on the other.
class SocksSession {
 public:
  explicit SocksSession(wgnet::Tunnel& tunnel, wgnet::Socks5Options options = {})
      : options_(std::move(options)), cancel_(::eventfd(0, EFD_CLOEXEC)) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    client_ = Fd(sv[0]);
    options_.log = [this](wgnet::LogLevel, const std::string& line) {
      std::lock_guard lock(mutex_);
      log_ += line;
    };
    done_ = std::async(std::launch::async, [this, &tunnel, fd = sv[1]] {
      wgnet::serve_socks5(tunnel, Fd(fd), options_, cancel_.get());
    });
  }
  ~SocksSession() { cancel(); }

  int fd() const { return client_.get(); }
  void close_client() { client_.reset(); }
  void cancel() {
    uint64_t one = 1;
    (void)!::write(cancel_.get(), &one, sizeof one);
  }
  bool finished_within(std::chrono::milliseconds limit) {
    return done_.wait_for(limit) == std::future_status::ready;
  }
  std::string log() {
    finished_within(5s);
    std::lock_guard lock(mutex_);
    return log_;
  }

  // Greeting (no-auth) and request; returns the reply's first 4 bytes plus its address.
  Bytes request(const Bytes& request) {
    send_bytes(fd(), kNoAuthGreeting);
    EXPECT_EQ(read_bytes(fd(), 2), (Bytes{0x05, 0x00}));
    send_bytes(fd(), request);
    return read_reply();
  }
  Bytes read_reply() {
    Bytes head = read_bytes(fd(), 4);
    if (head.size() < 4) return head;
    size_t rest = head[3] == 0x04 ? 18 : 6;
    Bytes tail = read_bytes(fd(), rest);
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  }

 private:
  wgnet::Socks5Options options_;
  Fd cancel_;
  Fd client_;
  std::mutex mutex_;
  std::string log_;
  std::future<void> done_;
};

uint16_t port_of(const Bytes& reply) {
  return static_cast<uint16_t>(reply[reply.size() - 2] << 8 | reply.back());
}

// ---- CONNECT: one test per reply code ----

TEST(Socks5Session, ConnectSucceedsWithTheConnectionsLocalEndpointAndRelaysBothWays) {
  wgnet::test::SocksTestTunnel tunnel;
  uint16_t port = 0;
  Fd listener = wgnet::test::listen_tcp(port);
  SocksSession s(tunnel);
  Bytes reply = s.request(connect_ipv4(127, 0, 0, 1, port));
  ASSERT_EQ(reply.size(), 10u);
  EXPECT_EQ(reply[1], 0x00);
  EXPECT_EQ(reply[3], 0x01);
  EXPECT_EQ((Bytes{reply[4], reply[5], reply[6], reply[7]}), (Bytes{127, 0, 0, 1}));
  // BND.PORT is the connection's own port: the one the server sees the connection come from.
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  Fd server(::accept(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len));
  ASSERT_TRUE(server);
  EXPECT_EQ(port_of(reply), ntohs(peer.sin_port));

  send_bytes(s.fd(), Bytes{'u', 'p'});
  EXPECT_EQ(read_bytes(server.get(), 2), (Bytes{'u', 'p'}));
  send_bytes(server.get(), Bytes{'d', 'o', 'w', 'n'});
  EXPECT_EQ(read_bytes(s.fd(), 4), (Bytes{'d', 'o', 'w', 'n'}));
  server.reset();
  EXPECT_TRUE(closes_without_data(s.fd()));
  s.close_client();
  EXPECT_TRUE(s.finished_within(5s));
  EXPECT_NE(s.log().find("CONNECT 127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(Socks5Session, DomainNameIsDialledByNameSoTheTunnelResolvesIt) {
  wgnet::test::SocksTestTunnel tunnel;
  uint16_t port = 0;
  Fd listener = wgnet::test::listen_tcp(port);
  wgnet::Socks5Options options;
  options.dial_timeout = 1234ms;
  SocksSession s(tunnel, options);
  Bytes reply = s.request(connect_name("tunnel-only.test", port));
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x00);
  EXPECT_EQ(tunnel.last_dial_host(), "tunnel-only.test");
  EXPECT_EQ(tunnel.last_dial_timeout(), 1234ms);
}

TEST(Socks5Session, Ipv6DestinationIsDialledAsItsAddressText) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes req{0x05, 0x01, 0x00, 0x04, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 80};
  Bytes reply = s.request(req);
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x03);  // the double reaches only 127.0.0.1: kNetwork
  EXPECT_EQ(tunnel.last_dial_host(), "fd00::7");
}

TEST(Socks5Session, NoRouteRepliesNetworkUnreachable) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes reply = s.request(connect_ipv4(10, 1, 2, 3, 80));
  ASSERT_EQ(reply.size(), 10u);
  EXPECT_EQ(reply[1], 0x03);
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_NE(s.log().find("(reply 3)"), std::string::npos);
}

// The reply code a fresh session sends for `request`, after which it must close.
int failed_reply_code(const Bytes& request) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes reply = s.request(request);
  if (reply.size() < 2) return -1;
  EXPECT_TRUE(closes_without_data(s.fd()));
  return reply[1];
}

TEST(Socks5Session, UnknownNameRepliesHostUnreachable) {
  EXPECT_EQ(failed_reply_code(connect_name("nosuch.test", 80)), 0x04);
}

TEST(Socks5Session, NoHandshakeRepliesHostUnreachable) {
  EXPECT_EQ(failed_reply_code(connect_name("handshake.test", 80)), 0x04);
}

TEST(Socks5Session, ResetRepliesConnectionRefused) {
  EXPECT_EQ(failed_reply_code(connect_ipv4(127, 0, 0, 1, closed_port())), 0x05);
}

TEST(Socks5Session, DialTimeoutRepliesTtlExpired) {
  EXPECT_EQ(failed_reply_code(connect_name("timeout.test", 80)), 0x06);
}

TEST(Socks5Session, OtherFailureRepliesGeneralFailure) {
  EXPECT_EQ(failed_reply_code(connect_name("broken.test", 80)), 0x01);
}

TEST(Socks5Session, BindRepliesCommandNotSupported) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes reply = s.request(connect_name("localhost", 80, 0x02));
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x07);
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_EQ(tunnel.dials(), 0);
}

TEST(Socks5Session, UnknownAddressTypeRepliesAddressTypeNotSupported) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes reply = s.request(Bytes{0x05, 0x01, 0x00, 0x05, 1, 2, 3, 4});
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x08);
  EXPECT_TRUE(closes_without_data(s.fd()));
}

TEST(Socks5Session, MalformedRequestRepliesGeneralFailure) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  Bytes reply = s.request(Bytes{0x05, 0x01, 0x00, 0x03, 0, 0, 80});  // empty name
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x01);
  EXPECT_EQ(tunnel.dials(), 0);
}

TEST(Socks5Session, DataSentRightBehindTheRequestReachesTheServerFirst) {
  wgnet::test::SocksTestTunnel tunnel;
  uint16_t port = 0;
  Fd listener = wgnet::test::listen_tcp(port);
  SocksSession s(tunnel);
  // Greeting, request and payload in one write, as an optimistic client sends them.
  Bytes all = kNoAuthGreeting;
  Bytes req = connect_ipv4(127, 0, 0, 1, port);
  all.insert(all.end(), req.begin(), req.end());
  all.insert(all.end(), {'e', 'a', 'r', 'l', 'y'});
  send_bytes(s.fd(), all);
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x00}));
  Bytes reply = s.read_reply();
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x00);
  Fd server(::accept(listener.get(), nullptr, nullptr));
  EXPECT_EQ(read_bytes(server.get(), 5), (Bytes{'e', 'a', 'r', 'l', 'y'}));
}

// ---- negotiation and authentication ----

TEST(Socks5Session, NotSocks5IsClosedWithoutAReply) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  send_bytes(s.fd(), Bytes{0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0});
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_NE(s.log().find("not a SOCKS5 greeting"), std::string::npos);
}

TEST(Socks5Session, PasswordOnlyClientIsRefusedWhenNoCredentialsAreSet) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  send_bytes(s.fd(), Bytes{0x05, 0x01, 0x02});
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0xFF}));
  EXPECT_TRUE(closes_without_data(s.fd()));
}

wgnet::Socks5Options with_password() {
  wgnet::Socks5Options options;
  options.credentials = wgnet::Socks5Credentials{"alice", "s3cret"};
  return options;
}

TEST(Socks5Session, NoAuthClientIsRefusedWhenCredentialsAreSet) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel, with_password());
  send_bytes(s.fd(), kNoAuthGreeting);
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0xFF}));
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_EQ(tunnel.dials(), 0);
}

TEST(Socks5Session, RightPasswordLetsTheRequestThrough) {
  wgnet::test::SocksTestTunnel tunnel;
  uint16_t port = 0;
  Fd listener = wgnet::test::listen_tcp(port);
  SocksSession s(tunnel, with_password());
  send_bytes(s.fd(), Bytes{0x05, 0x02, 0x00, 0x02});
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x02}));
  send_bytes(s.fd(), user_pass("alice", "s3cret"));
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x01, 0x00}));
  send_bytes(s.fd(), connect_ipv4(127, 0, 0, 1, port));
  Bytes reply = s.read_reply();
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[1], 0x00);
}

TEST(Socks5Session, WrongPasswordGetsStatusOneAndTheConnectionCloses) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel, with_password());
  send_bytes(s.fd(), Bytes{0x05, 0x01, 0x02});
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x02}));
  send_bytes(s.fd(), user_pass("alice", "guess"));
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x01, 0x01}));
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_EQ(tunnel.dials(), 0);
  const std::string log = s.log();
  EXPECT_NE(log.find("wrong username or password for user `alice'"), std::string::npos);
  EXPECT_EQ(log.find("guess"), std::string::npos);  // the password tried never reaches the log
}

TEST(Socks5Session, MalformedAuthenticationGetsStatusOneAndTheConnectionCloses) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel, with_password());
  send_bytes(s.fd(), Bytes{0x05, 0x01, 0x02});
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x02}));
  send_bytes(s.fd(), connect_ipv4(127, 0, 0, 1, 80));  // skipped authentication
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x01, 0x01}));
  EXPECT_TRUE(closes_without_data(s.fd()));
}

// ---- ending ----

TEST(Socks5Session, CancelEndsASilentClientsSessionPromptly) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  send_bytes(s.fd(), Bytes{0x05});  // half a greeting, then nothing
  EXPECT_FALSE(s.finished_within(200ms));
  s.cancel();
  EXPECT_TRUE(s.finished_within(1s));
}

TEST(Socks5Session, CancelEndsARelayingSessionPromptly) {
  wgnet::test::SocksTestTunnel tunnel;
  uint16_t port = 0;
  Fd listener = wgnet::test::listen_tcp(port);
  SocksSession s(tunnel);
  Bytes reply = s.request(connect_ipv4(127, 0, 0, 1, port));
  ASSERT_GE(reply.size(), 2u);
  ASSERT_EQ(reply[1], 0x00);
  EXPECT_FALSE(s.finished_within(200ms));
  s.cancel();
  EXPECT_TRUE(s.finished_within(1s));
  EXPECT_NE(s.log().find("(cancelled)"), std::string::npos);
}

TEST(Socks5Session, ClientSilentPastTheNegotiationTimeoutIsDropped) {
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::Socks5Options options;
  options.negotiation_timeout = 300ms;
  SocksSession s(tunnel, options);
  send_bytes(s.fd(), kNoAuthGreeting);
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x00}));
  // ... and no request.
  EXPECT_FALSE(s.finished_within(100ms));
  EXPECT_TRUE(s.finished_within(2s));
  EXPECT_TRUE(closes_without_data(s.fd()));
  EXPECT_NE(s.log().find("before its request"), std::string::npos);
}

TEST(Socks5Session, ClientClosingBeforeItsRequestEndsTheSession) {
  wgnet::test::SocksTestTunnel tunnel;
  SocksSession s(tunnel);
  send_bytes(s.fd(), kNoAuthGreeting);
  EXPECT_EQ(read_bytes(s.fd(), 2), (Bytes{0x05, 0x00}));
  s.close_client();
  EXPECT_TRUE(s.finished_within(1s));
  EXPECT_EQ(tunnel.dials(), 0);
}

}  // namespace
