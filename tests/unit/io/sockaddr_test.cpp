// wgnet/sockaddr.hpp: Endpoint <-> sockaddr, the one conversion tools and the library share.
#include "wgnet/sockaddr.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>

namespace {

TEST(Sockaddr, Ipv4AndIpv6AddressesBecomeEndpoints) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(8080);
  sin.sin_addr.s_addr = htonl(0x0a4d0001);
  auto ep = wgnet::from_sockaddr(reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->to_string(), "10.77.0.1:8080");

  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(443);
  sin6.sin6_addr.s6_addr[0] = 0xfd;
  sin6.sin6_addr.s6_addr[1] = 0x77;
  sin6.sin6_addr.s6_addr[15] = 1;
  ep = wgnet::from_sockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof sin6);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->to_string(), "[fd77::1]:443");
}

TEST(Sockaddr, Ipv4MappedIpv6IsReportedAsIpv4) {
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(22);
  sin6.sin6_addr.s6_addr[10] = 0xff;
  sin6.sin6_addr.s6_addr[11] = 0xff;
  sin6.sin6_addr.s6_addr[12] = 127;
  sin6.sin6_addr.s6_addr[15] = 1;
  auto ep = wgnet::from_sockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof sin6);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->to_string(), "127.0.0.1:22");
}

TEST(Sockaddr, OtherFamiliesAndShortLengthsAreRefused) {
  sockaddr sa{};
  sa.sa_family = AF_UNIX;
  EXPECT_FALSE(wgnet::from_sockaddr(&sa, sizeof sa));
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  EXPECT_FALSE(wgnet::from_sockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof(sockaddr_in)));
}

TEST(Sockaddr, EndpointsRoundTrip) {
  for (const char* text : {"198.18.0.1:51820", "[fd00::1]:7", "[::]:0"}) {
    auto ep = wgnet::Endpoint::parse(text);
    ASSERT_TRUE(ep) << text;
    sockaddr_storage ss;
    socklen_t len = wgnet::to_sockaddr(*ep, ss);
    EXPECT_EQ(len, ep->ip.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6)) << text;
    auto back = wgnet::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, *ep) << text;
  }
}

}  // namespace
