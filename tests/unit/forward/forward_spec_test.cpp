// -L/-R specs as ssh takes them, and the one line a bad one gets.
#include "forward_spec.hpp"

#include <gtest/gtest.h>

namespace wgnet::forward {
namespace {

ForwardSpec parse_ok(Direction direction, const std::string& text) {
  auto spec = parse_forward_spec(direction, text);
  EXPECT_TRUE(spec) << text << ": " << spec.error().message;
  return spec ? *spec : ForwardSpec{};
}

std::string parse_error(Direction direction, const std::string& text) {
  auto spec = parse_forward_spec(direction, text);
  EXPECT_FALSE(spec) << text;
  if (spec) return "";
  EXPECT_EQ(spec.error().code, ErrorCode::kInvalidArgument);
  return spec.error().message;
}

TEST(ForwardSpec, LocalWithoutBindAddressListensOnLoopbackOnly) {
  ForwardSpec s = parse_ok(Direction::kLocal, "8080:web.internal:80");
  EXPECT_EQ(s.direction, Direction::kLocal);
  EXPECT_EQ(s.protocol, Protocol::kTcp);
  EXPECT_EQ(s.listen_address, "127.0.0.1");
  EXPECT_EQ(s.listen_port, 8080);
  EXPECT_EQ(s.host, "web.internal");
  EXPECT_EQ(s.host_port, 80);
  EXPECT_EQ(s.name(), "-L 127.0.0.1:8080");
}

TEST(ForwardSpec, LocalStarOrEmptyBindAddressMeansEveryAddress) {
  EXPECT_EQ(parse_ok(Direction::kLocal, "*:8080:h:80").listen_address, "*");
  EXPECT_EQ(parse_ok(Direction::kLocal, ":8080:h:80").listen_address, "*");
  EXPECT_EQ(parse_ok(Direction::kLocal, "0.0.0.0:8080:h:80").listen_address, "0.0.0.0");
  EXPECT_EQ(parse_ok(Direction::kLocal, "*:8080:h:80").name(), "-L *:8080");
}

TEST(ForwardSpec, BracketedIpv6AddressesOnBothSides) {
  ForwardSpec s = parse_ok(Direction::kLocal, "[::1]:8080:[fd00::2]:80");
  EXPECT_EQ(s.listen_address, "::1");
  EXPECT_EQ(s.host, "fd00::2");
  EXPECT_EQ(s.host_port, 80);
  EXPECT_EQ(s.name(), "-L [::1]:8080");
}

TEST(ForwardSpec, UdpSuffixAppliesToTheWholeSpec) {
  ForwardSpec s = parse_ok(Direction::kLocal, "5353:10.0.0.53:53/udp");
  EXPECT_EQ(s.protocol, Protocol::kUdp);
  EXPECT_EQ(s.host, "10.0.0.53");
  EXPECT_EQ(s.host_port, 53);
  EXPECT_EQ(s.name(), "-L 127.0.0.1:5353/udp");
  EXPECT_EQ(parse_ok(Direction::kLocal, "5353:h:53/tcp").protocol, Protocol::kTcp);
}

TEST(ForwardSpec, LocalPortZeroPicksOne) {
  EXPECT_EQ(parse_ok(Direction::kLocal, "0:h:80").listen_port, 0);
}

TEST(ForwardSpec, RemoteListensOnEveryTunnelAddressByDefault) {
  ForwardSpec s = parse_ok(Direction::kRemote, "8080:localhost:3000");
  EXPECT_EQ(s.direction, Direction::kRemote);
  EXPECT_EQ(s.listen_address, "");
  EXPECT_EQ(s.listen_port, 8080);
  EXPECT_EQ(s.host, "localhost");
  EXPECT_EQ(s.host_port, 3000);
  EXPECT_EQ(s.name(), "-R *:8080");
  EXPECT_EQ(parse_ok(Direction::kRemote, "*:8080:localhost:3000").listen_address, "");
  ForwardSpec v6 = parse_ok(Direction::kRemote, "[fd00::1]:53:127.0.0.1:5353/udp");
  EXPECT_EQ(v6.listen_address, "fd00::1");
  EXPECT_EQ(v6.name(), "-R [fd00::1]:53/udp");
}

TEST(ForwardSpec, BadSpecsNameTheSpecAndWhatIsWrong) {
  EXPECT_EQ(parse_error(Direction::kLocal, "8080:host"),
            "-L '8080:host': expected [bind_address:]port:host:hostport");
  EXPECT_EQ(parse_error(Direction::kRemote, "8080"),
            "-R '8080': expected [tunnel_address:]port:host:hostport");
  EXPECT_EQ(parse_error(Direction::kLocal, "::1:8080:h:80"),
            "-L '::1:8080:h:80': expected [bind_address:]port:host:hostport (IPv6 addresses go "
            "in brackets: [fd00::2])");
  EXPECT_EQ(parse_error(Direction::kLocal, "[::1:8080:h:80"),
            "-L '[::1:8080:h:80': an opening '[' without its ']' (IPv6 addresses go in brackets: "
            "[fd00::2])");
  EXPECT_EQ(parse_error(Direction::kLocal, "[fd00::2]x:8080:h:80"),
            "-L '[fd00::2]x:8080:h:80': text after ']' that is not ':'");
  EXPECT_EQ(parse_error(Direction::kLocal, "8080:[web]:80"),
            "-L '8080:[web]:80': '[web]' is not an IPv6 address");
  EXPECT_EQ(parse_error(Direction::kLocal, "http:h:80"),
            "-L 'http:h:80': the listening port 'http' is not a number 0-65535");
  EXPECT_EQ(parse_error(Direction::kLocal, "65536:h:80"),
            "-L '65536:h:80': the listening port '65536' is not a number 0-65535");
  EXPECT_EQ(parse_error(Direction::kLocal, "8080:h:0"),
            "-L '8080:h:0': the host port '0' is not a number 1-65535");
  EXPECT_EQ(parse_error(Direction::kLocal, "8080:h:"),
            "-L '8080:h:': the host port '' is not a number 1-65535");
  EXPECT_EQ(parse_error(Direction::kLocal, "8080::80"), "-L '8080::80': the host is empty");
  EXPECT_EQ(parse_error(Direction::kLocal, "8080:h:80/sctp"),
            "-L '8080:h:80/sctp': unknown protocol '/sctp' (only /tcp and /udp)");
  EXPECT_EQ(parse_error(Direction::kRemote, "myhost:8080:localhost:3000"),
            "-R 'myhost:8080:localhost:3000': the tunnel address 'myhost' is not an IP address");
}

}  // namespace
}  // namespace wgnet::forward
