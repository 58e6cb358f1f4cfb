// TESTPLAN C6: the kernel ratelimiter's token bucket (selftest/ratelimiter.c expectations).
#include <gtest/gtest.h>

#include "core/ratelimiter.hpp"

namespace wgnet::core {
namespace {

using namespace std::chrono_literals;

// 5 allowed, 6th denied; +50 ms one more; +100 ms two more (kernel table).
void expect_kernel_sequence(Ratelimiter& rl, const IpAddress& ip, std::chrono::nanoseconds t) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.allow(ip, t)) << i;
  EXPECT_FALSE(rl.allow(ip, t));
  t += 50ms;
  EXPECT_TRUE(rl.allow(ip, t));
  EXPECT_FALSE(rl.allow(ip, t));
  t += 100ms;
  EXPECT_TRUE(rl.allow(ip, t));
  EXPECT_TRUE(rl.allow(ip, t));
  EXPECT_FALSE(rl.allow(ip, t));
}

TEST(Ratelimiter, C6_ratelimit_token_bucket) {
  Ratelimiter rl;
  const auto t0 = std::chrono::nanoseconds(10s);
  const IpAddress a = IpAddress::v4(198, 18, 0, 1);
  const IpAddress b = IpAddress::v4(198, 18, 0, 2);
  expect_kernel_sequence(rl, a, t0);
  expect_kernel_sequence(rl, b, t0);  // another source is unaffected

  // IPv6: keyed by /64, so another host in the same /64 shares the bucket.
  const IpAddress v6a = *IpAddress::parse("fd00:1:2:3::1");
  const IpAddress v6b = *IpAddress::parse("fd00:1:2:3:ffff::2");
  const IpAddress v6c = *IpAddress::parse("fd00:1:2:4::1");
  expect_kernel_sequence(rl, v6a, t0);
  EXPECT_FALSE(rl.allow(v6b, t0 + 150ms));
  expect_kernel_sequence(rl, v6c, t0);

  // Full bucket again after a second of silence.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.allow(a, t0 + 2s));
}

TEST(Ratelimiter, C6_table_full_fails_closed) {
  Ratelimiter rl(4);
  const auto t = std::chrono::nanoseconds(1s);
  for (uint8_t i = 1; i <= 4; ++i) EXPECT_TRUE(rl.allow(IpAddress::v4(198, 18, 1, i), t));
  EXPECT_FALSE(rl.allow(IpAddress::v4(198, 18, 1, 5), t));
  EXPECT_TRUE(rl.allow(IpAddress::v4(198, 18, 1, 1), t));  // known sources keep their bucket
  // Idle entries are collected after a second, making room again.
  EXPECT_TRUE(rl.allow(IpAddress::v4(198, 18, 1, 5), t + 2s));
}

}  // namespace
}  // namespace wgnet::core
