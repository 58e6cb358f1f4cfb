// Resolver::resolve with the caller's deadline (curl's -m, a dial's timeout) against the fake
// server over loopback: a silent server costs the time allowed, not 3 rounds x 2 s, and the error
// is then kTimeout; a deadline the rounds never reach changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "dns/dns_lab.hpp"

namespace wgnet::dns::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class ResolverDeadlineTest : public DnsLab {
 protected:
  // The resolver's own defaults (2 s per try, 3 rounds): what a tool gets.
  ResolverConfig defaults(std::vector<IpAddress> servers = {}) const {
    ResolverConfig c = config(std::move(servers));
    c.timeout = ResolverConfig{}.timeout;
    c.attempts = ResolverConfig{}.attempts;
    return c;
  }

  // One resolve() with `config` and, if given, a deadline `budget` from now; how long it took.
  struct Timed {
    Result<std::vector<IpAddress>> got;
    Clock::duration elapsed;
  };
  Timed timed_resolve(const ResolverConfig& config, const char* name, AddressFamily family,
                      std::optional<milliseconds> budget) {
    LoopbackResolver r(config, transport_);
    auto start = Clock::now();
    auto got = budget ? r.resolve(name, family, start + *budget) : r.resolve(name, family);
    return {std::move(got), Clock::now() - start};
  }
};

TEST_F(ResolverDeadlineTest, SilentServerEndsAtTheDeadlineWithTimeout) {
  dns1_.set_silent(true);
  auto [got, elapsed] = timed_resolve(defaults(), "quiet", AddressFamily::kAny, milliseconds(300));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(got.error().message,
            "could not resolve quiet: no reply from DNS server(s) 10.64.0.53 within the 300 ms "
            "allowed");
  EXPECT_GE(elapsed, milliseconds(290));
  EXPECT_LT(elapsed, milliseconds(600));
  EXPECT_EQ(transport_.udp_opened(), 1);  // the try was cut short, no other started
}

TEST_F(ResolverDeadlineTest, SearchNamesAreNotAskedAfterTheDeadline) {
  dns1_.set_silent(true);
  auto c = defaults();
  c.search = {"corp.example", "example.net"};
  auto [got, elapsed] = timed_resolve(c, "quiet", AddressFamily::kV4, milliseconds(300));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_LT(elapsed, milliseconds(600));
  EXPECT_EQ(transport_.udp_opened(), 1);
}

TEST_F(ResolverDeadlineTest, DeadlineCutsTheLastOfSeveralRoundsShort) {
  dns1_.set_silent(true);
  auto c = config();
  c.timeout = milliseconds(200);
  c.attempts = 3;
  auto [got, elapsed] = timed_resolve(c, "quiet.example", AddressFamily::kV4, milliseconds(500));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_NE(got.error().message.find("within the 500 ms allowed"), std::string::npos)
      << got.error().message;
  EXPECT_GE(elapsed, milliseconds(490));  // two full tries, then the rest of the budget
  EXPECT_LT(elapsed, milliseconds(800));
  EXPECT_EQ(transport_.udp_opened(), 3);
}

TEST_F(ResolverDeadlineTest, DeadlineBeyondTheRoundsChangesNothing) {
  dns1_.set_silent(true);
  auto c = config();
  c.timeout = milliseconds(100);
  c.attempts = 2;
  auto [got, elapsed] = timed_resolve(c, "quiet", AddressFamily::kAny, milliseconds(5000));
  ASSERT_FALSE(got);
  // The rounds ended first: the same kResolve as without a deadline.
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_EQ(got.error().message,
            "could not resolve quiet: no reply from DNS server(s) 10.64.0.53 (2 attempts, 100 ms "
            "each)");
  EXPECT_LT(elapsed, milliseconds(1000));
}

TEST_F(ResolverDeadlineTest, WithoutDeadlineTheRoundsRunOut) {
  dns1_.set_silent(true);
  auto c = config();
  c.timeout = milliseconds(150);
  c.attempts = 3;
  auto [got, elapsed] = timed_resolve(c, "quiet", AddressFamily::kAny, std::nullopt);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_GE(elapsed, milliseconds(440));  // all three tries, in full
  EXPECT_EQ(transport_.udp_opened(), 3);
}

TEST_F(ResolverDeadlineTest, AnswerWithinTheDeadline) {
  dns1_.add("www.example. 60 IN A 192.0.2.30");
  LoopbackResolver r(defaults(), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4, Clock::now() + milliseconds(2000));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.30"}));
}

TEST_F(ResolverDeadlineTest, NxdomainWithinTheDeadlineIsStillResolveError) {
  LoopbackResolver r(defaults(), transport_);
  auto got = r.resolve("nope.example", AddressFamily::kAny, Clock::now() + milliseconds(2000));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kResolve);
  EXPECT_NE(got.error().message.find("NXDOMAIN"), std::string::npos) << got.error().message;
}

TEST_F(ResolverDeadlineTest, DeadlineAlreadyPassedAsksNobody) {
  dns1_.add("www.example. 60 IN A 192.0.2.30");
  LoopbackResolver r(defaults(), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4, Clock::now() - milliseconds(1));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(got.error().message,
            "could not resolve www.example: no answer within the 0 ms allowed");
  EXPECT_EQ(transport_.udp_opened(), 0);
  // A literal needs no time at all.
  auto literal = r.resolve("192.0.2.1", AddressFamily::kV4, Clock::now() - milliseconds(1));
  ASSERT_TRUE(literal) << literal.error().message;
}

TEST_F(ResolverDeadlineTest, OnlyTheServersAskedAreNamed) {
  // Each try waits for min(own timeout, deadline): a silent first server can use all of it, and
  // the message then names only the server that was asked.
  dns1_.set_silent(true);
  dns2_.add("www.example. 60 IN A 192.0.2.31");
  LoopbackResolver r(defaults({server1_, server2_}), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4, Clock::now() + milliseconds(300));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(got.error().message,
            "could not resolve www.example: no reply from DNS server(s) 10.64.0.53 within the "
            "300 ms allowed");
  EXPECT_TRUE(dns2_.seen().empty());
}

TEST_F(ResolverDeadlineTest, SecondServerAnswersWhenTheDeadlineLeavesTime) {
  dns1_.set_silent(true);
  dns2_.add("www.example. 60 IN A 192.0.2.31");
  auto c = config({server1_, server2_});
  c.timeout = milliseconds(200);
  LoopbackResolver r(c, transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4, Clock::now() + milliseconds(1500));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.31"}));
}

}  // namespace
}  // namespace wgnet::dns::test
