// The dialer's policy on its own (io/dial_plan): address order, each attempt's share of the
// caller's budget, skipped addresses, and the error the caller gets. A fake clock, no threads,
// no sockets.
#include "io/dial_plan.hpp"

#include <gtest/gtest.h>

#include <set>

namespace wgnet::io {
namespace {

using namespace std::chrono_literals;
using Clock = DialPlan::Clock;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

class DialPlanTest : public ::testing::Test {
 protected:
  DialPlan plan(std::vector<IpAddress> addresses, std::chrono::milliseconds timeout = 0ms) {
    DialOptions o;
    o.timeout = timeout;
    o.attempt_timeout = 5000ms;
    return DialPlan("host.test", std::move(addresses), 22, o, t0_,
                    [this](const IpAddress& a) { return !unrouted_.contains(a); });
  }
  const Clock::time_point t0_ = Clock::time_point{} + std::chrono::hours(1);
  std::set<IpAddress> unrouted_;
};

TEST_F(DialPlanTest, OneAddressWithoutBudgetWaitsAsLongAsTcpWould) {
  auto p = plan({ip("10.0.0.1")});
  auto a = p.next(t0_);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->remote, (Endpoint{ip("10.0.0.1"), 22}));
  EXPECT_EQ(a->timeout, kDefaultConnectTimeout);
  EXPECT_TRUE(p.take_log().empty());  // the caller's own report names the one address
}

TEST_F(DialPlanTest, OneAddressGetsWhatIsLeftOfTheBudget) {
  auto p = plan({ip("10.0.0.1")}, 1000ms);
  auto a = p.next(t0_ + 300ms);  // the handshake and the lookup took 300 ms
  ASSERT_TRUE(a);
  EXPECT_EQ(a->timeout, 700ms);
}

TEST_F(DialPlanTest, SeveralAddressesInOrderEachWithItsAttemptTimeoutCappedByTheBudget) {
  auto p = plan({ip("fd00::1"), ip("10.0.0.1")}, 7000ms);
  auto a = p.next(t0_);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->remote.ip, ip("fd00::1"));
  EXPECT_EQ(a->timeout, 5000ms);
  p.failed(make_error(ErrorCode::kTimeout, "timed out"));
  auto b = p.next(t0_ + 5000ms);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->remote.ip, ip("10.0.0.1"));
  EXPECT_EQ(b->timeout, 2000ms);
  auto log = p.take_log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].second, "trying [fd00::1]:22 ...");
  EXPECT_EQ(log[1].second, "connect to [fd00::1]:22 failed: timed out");
  EXPECT_EQ(log[2].second, "trying 10.0.0.1:22 ...");
  p.failed(make_error(ErrorCode::kConnectRefused, "refused"));
  EXPECT_FALSE(p.next(t0_ + 5100ms));
  EXPECT_EQ(p.failure().code, ErrorCode::kConnectRefused);  // the last attempt's error
  EXPECT_TRUE(p.take_log().empty());  // the last failure is the caller's to report
}

TEST_F(DialPlanTest, SpentBudgetEndsWithTimeoutNamingTheAddressWhoseTurnItWas) {
  auto p = plan({ip("10.0.0.1"), ip("10.0.0.2")}, 1000ms);
  ASSERT_TRUE(p.next(t0_));
  p.failed(make_error(ErrorCode::kTimeout, "timed out"));
  EXPECT_FALSE(p.next(t0_ + 1000ms));
  EXPECT_EQ(p.failure().code, ErrorCode::kTimeout);
  EXPECT_EQ(p.failure().message, "connection to 10.0.0.2:22 timed out");
  EXPECT_FALSE(p.next(t0_ + 1000ms));  // and stays over
}

TEST_F(DialPlanTest, AddressesWithoutARouteAreSkippedWithTheReason) {
  unrouted_ = {ip("192.0.2.1")};
  auto p = plan({ip("192.0.2.1"), ip("10.0.0.1")});
  auto a = p.next(t0_);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->remote.ip, ip("10.0.0.1"));
  auto log = p.take_log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0],
            (std::pair<LogLevel, std::string>{
                LogLevel::kDebug, "no route to 192.0.2.1: no peer's AllowedIPs covers it"}));
}

TEST_F(DialPlanTest, NoAddressWithARouteFailsWithNetwork) {
  unrouted_ = {ip("192.0.2.1")};
  auto p = plan({ip("192.0.2.1")});
  EXPECT_FALSE(p.next(t0_));
  EXPECT_EQ(p.failure().code, ErrorCode::kNetwork);
  EXPECT_EQ(p.failure().message, "no route to 192.0.2.1: no peer's AllowedIPs covers it");
  EXPECT_EQ(plan({}).failure().message, "host.test: no address to connect to");
}

TEST(DialErrors, LookupOutOfTimeIsAResolveFailureForTheDial) {
  auto e = lookup_failure_for_dial(make_error(ErrorCode::kTimeout, "could not resolve x"));
  EXPECT_EQ(e.code, ErrorCode::kResolve);
  EXPECT_EQ(e.message, "could not resolve x");
  EXPECT_EQ(lookup_failure_for_dial(make_error(ErrorCode::kInvalidArgument, "bad")).code,
            ErrorCode::kInvalidArgument);
}

TEST(DialErrors, TimeoutBeforeAnyHandshakeIsTheHandshakes) {
  auto e = explain_dial_failure(make_error(ErrorCode::kTimeout, "connection timed out"), false);
  EXPECT_EQ(e.code, ErrorCode::kHandshakeTimeout);
  EXPECT_EQ(e.message, "connection timed out (no WireGuard handshake with the peer has completed)");
  EXPECT_EQ(explain_dial_failure(make_error(ErrorCode::kTimeout, "t"), true).code,
            ErrorCode::kTimeout);
  EXPECT_EQ(explain_dial_failure(make_error(ErrorCode::kConnectRefused, "r"), false).code,
            ErrorCode::kConnectRefused);
}

TEST(DialErrors, UdpTakesTheFirstAddressWithARoute) {
  auto routable = [](const IpAddress& a) { return a != ip("192.0.2.1"); };
  auto r = first_routable("h", {ip("192.0.2.1"), ip("10.0.0.2")}, 53, routable);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Endpoint{ip("10.0.0.2"), 53}));
  auto none = first_routable("h", {ip("192.0.2.1")}, 53, routable);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "no route to h: no peer's AllowedIPs covers its addresses");
}

}  // namespace
}  // namespace wgnet::io
