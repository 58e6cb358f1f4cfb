// Resolver::resolve against the fake server over loopback: families, search list, CNAMEs,
// error messages, timeouts, failover, truncation.
#include <gtest/gtest.h>

#include <chrono>

#include "dns/dns_lab.hpp"
#include "dns/message.hpp"

namespace wgnet::dns::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class ResolverTest : public DnsLab {};

TEST_F(ResolverTest, ResolvesA) {
  dns1_.add("www.example.com. 300 IN A 192.0.2.10");
  dns1_.add("www.example.com. 300 IN A 192.0.2.11");
  dns1_.add("www.example.com. 300 IN AAAA 2001:db8::10");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("www.example.com", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.10", "192.0.2.11"}));
  ASSERT_EQ(dns1_.seen().size(), 1u);
  EXPECT_EQ(dns1_.seen()[0].qtype, TYPE_A);
  EXPECT_FALSE(dns1_.seen()[0].tcp);
}

TEST_F(ResolverTest, ResolvesAAAA) {
  dns1_.add("www.example.com. 300 IN A 192.0.2.10");
  dns1_.add("www.example.com. 300 IN AAAA 2001:db8::10");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("www.example.com", AddressFamily::kV6);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"2001:db8::10"}));
  ASSERT_EQ(dns1_.seen().size(), 1u);
  EXPECT_EQ(dns1_.seen()[0].qtype, TYPE_AAAA);
}

TEST_F(ResolverTest, AnyAsksBothAndInterleavesStartingWithV6) {
  for (const char* a : {"192.0.2.1", "192.0.2.2", "192.0.2.3"}) {
    dns1_.add(std::string("multi.example. 60 IN A ") + a);
  }
  dns1_.add("multi.example. 60 IN AAAA 2001:db8::1");
  dns1_.add("multi.example. 60 IN AAAA 2001:db8::2");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("multi.example", AddressFamily::kAny);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "192.0.2.3"}));
  ASSERT_EQ(dns1_.seen().size(), 2u);
  EXPECT_EQ(transport_.udp_opened(), 1);  // both questions over one socket, at once
}

TEST_F(ResolverTest, AnyWithOnlyV4Answers) {
  dns1_.add("v4only.example. 60 IN A 192.0.2.7");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("v4only.example", AddressFamily::kAny);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.7"}));
}

TEST_F(ResolverTest, IpLiteralsComeBackWithoutAnyQuery) {
  LoopbackResolver no_servers(ResolverConfig{}, transport_);
  auto v4 = no_servers.resolve("192.0.2.55", AddressFamily::kAny);
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(*v4, ips({"192.0.2.55"}));
  auto v6 = no_servers.resolve("2001:db8::55", AddressFamily::kV6);
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(*v6, ips({"2001:db8::55"}));
  auto wrong = no_servers.resolve("2001:db8::55", AddressFamily::kV4);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(wrong.error().message.find("IPv6"), std::string::npos);
  EXPECT_EQ(transport_.udp_opened(), 0);
}

TEST_F(ResolverTest, NoServersRefusesTheSystemResolver) {
  LoopbackResolver r(ResolverConfig{}, transport_);
  auto got = r.resolve("www.example.com", AddressFamily::kAny);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "no DNS server in the tunnel configuration (add DNS= to [Interface]); refusing to "
            "use the system resolver");
  EXPECT_EQ(transport_.udp_opened(), 0);
}

TEST_F(ResolverTest, InvalidNamesAreRejectedBeforeAnyQuery) {
  LoopbackResolver r(config(), transport_);
  for (std::string bad : {std::string(""), std::string("."), std::string(64, 'a') + ".example",
                          std::string(300, 'a')}) {
    auto got = r.resolve(bad, AddressFamily::kAny);
    ASSERT_FALSE(got) << bad;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(dns1_.seen().empty());
}

TEST_F(ResolverTest, ShortNameTriesSearchDomainsFirst) {
  dns1_.add("host.example.net. 60 IN A 192.0.2.20");
  dns1_.add("host. 60 IN A 192.0.2.99");  // must not win: the search list comes first
  auto c = config();
  c.search = {"corp.example", "example.net."};
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("host", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.20"}));
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"host.corp.example.", "host.example.net."}));
}

TEST_F(ResolverTest, ShortNameFallsBackToItselfLast) {
  dns1_.add("host. 60 IN A 192.0.2.99");
  auto c = config();
  c.search = {"corp.example"};
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("host", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.99"}));
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"host.corp.example.", "host."}));
}

TEST_F(ResolverTest, NameWithNdotsDotsIsTriedAsItIsFirst) {
  dns1_.add("www.example. 60 IN A 192.0.2.30");
  dns1_.add("www.example.corp.example. 60 IN A 192.0.2.31");
  auto c = config();
  c.search = {"corp.example"};
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.30"}));
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"www.example."}));
}

TEST_F(ResolverTest, HigherNdotsSendsDottedNamesThroughTheSearchList) {
  dns1_.add("a.b. 60 IN A 192.0.2.40");
  dns1_.add("a.b.corp.example. 60 IN A 192.0.2.41");
  auto c = config();
  c.search = {"corp.example"};
  c.ndots = 3;
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("a.b", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.41"}));
}

TEST_F(ResolverTest, TrailingDotMakesTheNameAbsolute) {
  dns1_.add("host.corp.example. 60 IN A 192.0.2.50");
  auto c = config();
  c.search = {"corp.example"};
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("host.", AddressFamily::kV4);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message, "could not resolve host.: NXDOMAIN (no such name)");
  EXPECT_EQ(qnames(dns1_), (std::vector<std::string>{"host."}));
}

TEST_F(ResolverTest, FollowsCnameChainInTheAnswer) {
  dns1_.add("alias.example. 60 IN CNAME middle.example.");
  dns1_.add("middle.example. 60 IN CNAME real.example.");
  dns1_.add("real.example. 60 IN A 192.0.2.60");
  dns1_.add("real.example. 60 IN AAAA 2001:db8::60");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("alias.example", AddressFamily::kAny);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"2001:db8::60", "192.0.2.60"}));
}

TEST_F(ResolverTest, NxdomainSaysSoAndNamesTheTriedNames) {
  auto c = config();
  c.search = {"corp.example"};
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("nope", AddressFamily::kAny);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve nope: NXDOMAIN (no such name; tried nope.corp.example, nope)");
}

TEST_F(ResolverTest, NodataIsNotReportedAsNxdomain) {
  dns1_.add("v4only.example. 60 IN A 192.0.2.7");
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("v4only.example", AddressFamily::kV6);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve v4only.example: the name has no IPv6 address (AAAA record) "
            "(NODATA)");
}

TEST_F(ResolverTest, ServfailNamesTheServerAndTheCode) {
  dns1_.add("www.example. 60 IN A 192.0.2.7");
  dns1_.set_rcode(LDNS_RCODE_SERVFAIL);
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve www.example: DNS server 10.64.0.53 answered SERVFAIL");
  EXPECT_EQ(dns1_.seen().size(), static_cast<size_t>(ResolverConfig{}.attempts));  // one each
}

TEST_F(ResolverTest, ServfailFromFirstServerFallsThroughToSecond) {
  dns1_.set_rcode(LDNS_RCODE_SERVFAIL);
  dns2_.add("www.example. 60 IN A 192.0.2.8");
  LoopbackResolver r(config({server1_, server2_}), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.8"}));
}

TEST_F(ResolverTest, AddressesOfOneFamilyAreNotHeldUpByAFailureOfTheOther) {
  dns1_.add("www.example. 60 IN A 192.0.2.8");
  dns1_.set_rcode(LDNS_RCODE_SERVFAIL, TYPE_AAAA);
  dns2_.set_silent(true);
  auto c = config({server1_, server2_});
  c.timeout = milliseconds(300);
  LoopbackResolver r(c, transport_);
  auto start = Clock::now();
  auto got = r.resolve("www.example", AddressFamily::kAny);
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.8"}));
  EXPECT_TRUE(dns2_.seen().empty());
  EXPECT_LT(elapsed, milliseconds(250));
}

TEST_F(ResolverTest, NoReplyIsBoundedInTime) {
  dns1_.set_silent(true);
  auto c = config();
  c.timeout = milliseconds(200);
  c.attempts = 2;
  c.search = {"corp.example", "example.net"};  // must not multiply the wait
  LoopbackResolver r(c, transport_);
  auto start = Clock::now();
  auto got = r.resolve("quiet", AddressFamily::kAny);
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve quiet: no reply from DNS server(s) 10.64.0.53 (2 attempts, 200 ms "
            "each)");
  EXPECT_LT(elapsed, milliseconds(1500));
  EXPECT_GE(elapsed, milliseconds(390));  // really waited both tries
  EXPECT_EQ(transport_.udp_opened(), 2);
}

TEST_F(ResolverTest, NoReplyListsEveryServer) {
  dns1_.set_silent(true);
  dns2_.set_silent(true);
  auto c = config({server1_, server2_});
  c.timeout = milliseconds(100);
  c.attempts = 1;
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("quiet.example", AddressFamily::kV4);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("no reply from DNS server(s) 10.64.0.53, 10.64.0.54"),
            std::string::npos)
      << got.error().message;
}

TEST_F(ResolverTest, DeadFirstServerSecondAnswers) {
  dns1_.set_silent(true);
  dns2_.add("www.example. 60 IN A 192.0.2.9");
  auto c = config({server1_, server2_});
  c.timeout = milliseconds(200);
  LoopbackResolver r(c, transport_);
  auto start = Clock::now();
  auto got = r.resolve("www.example", AddressFamily::kV4);
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.9"}));
  EXPECT_EQ(dns1_.seen().size(), 1u);
  EXPECT_LT(elapsed, milliseconds(1000));
}

TEST_F(ResolverTest, SilentServerIsAskedLastForTheNextSearchName) {
  dns1_.set_silent(true);
  dns2_.add("host.example.net. 60 IN A 192.0.2.21");
  auto c = config({server1_, server2_});
  c.timeout = milliseconds(300);
  c.search = {"corp.example", "example.net"};
  LoopbackResolver r(c, transport_);
  auto start = Clock::now();
  auto got = r.resolve("host", AddressFamily::kV4);
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.21"}));
  EXPECT_EQ(dns1_.seen().size(), 1u);     // only for the first name
  EXPECT_LT(elapsed, milliseconds(550));  // one timeout, not one per search domain
}

TEST_F(ResolverTest, UnreachableServerIsSkipped) {
  dns2_.add("www.example. 60 IN A 192.0.2.12");
  LoopbackResolver r(config({ip("10.64.0.99"), server2_}), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.12"}));
}

TEST_F(ResolverTest, TransportErrorIsReportedWhenNothingAnswers) {
  auto c = config({ip("10.64.0.99")});
  c.attempts = 1;
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve www.example: no route to 10.64.0.99 in the tunnel");
}

TEST_F(ResolverTest, TruncatedAnswerIsFetchedOverTcp) {
  // 40 A records: about 660 bytes, over the 512 a plain UDP reply may carry.
  std::vector<IpAddress> want;
  for (int i = 1; i <= 40; ++i) {
    std::string addr = "192.0.2." + std::to_string(i);
    dns1_.add("big.example. 60 IN A " + addr);
    want.push_back(ip(addr.c_str()));
  }
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("big.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, want);
  auto seen = dns1_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].tcp);
  EXPECT_TRUE(seen[1].tcp);
  EXPECT_NE(seen[0].id, seen[1].id);  // a fresh ID for the TCP retry
}

}  // namespace
}  // namespace wgnet::dns::test
