// The lab relay's command line and impairment model (tests/udp_relay).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impairment.hpp"
#include "relay_options.hpp"

namespace wgnet::relay {
namespace {

using std::chrono::milliseconds;

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "wgnet-udp-relay");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_relay_options(static_cast<int>(argv.size()), argv.data());
}

TEST(RelayOptions, parses_every_impairment) {
  auto r = parse({"--listen", "198.18.0.1:51821", "--upstream", "[::1]:51820", "--delay-ms", "50",
                  "--jitter-ms", "5", "--loss", "1.5", "--reorder", "2", "--dup", "0.5", "--seed",
                  "7", "--max-seconds", "30"});
  ASSERT_TRUE(r.options) << r.error;
  EXPECT_EQ(r.options->listen.family(), AF_INET);
  EXPECT_EQ(r.options->upstream.family(), AF_INET6);
  EXPECT_EQ(r.options->delay_ms, 50u);
  EXPECT_EQ(r.options->jitter_ms, 5u);
  EXPECT_DOUBLE_EQ(r.options->loss_pct, 1.5);
  EXPECT_DOUBLE_EQ(r.options->reorder_pct, 2);
  EXPECT_DOUBLE_EQ(r.options->dup_pct, 0.5);
  EXPECT_EQ(r.options->seed, 7u);
  EXPECT_EQ(r.options->max_seconds, 30u);
}

TEST(RelayOptions, bad_input_names_the_option) {
  const std::string base[] = {"--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args(std::begin(base), std::end(base));
    args.insert(args.end(), extra.begin(), extra.end());
    return parse(args).error;
  };
  EXPECT_EQ(with({"--loss", "101"}), "--loss: `101' is not a percentage 0..100");
  EXPECT_EQ(with({"--delay-ms", "-1"}), "--delay-ms: `-1' is not a number");
  EXPECT_EQ(with({"--max-seconds", "0"}), "--max-seconds: `0' is not a number > 0");
  EXPECT_EQ(with({"--dup"}), "--dup: missing value");
  EXPECT_EQ(with({"--frobnicate", "1"}), "--frobnicate: unknown option");
  EXPECT_EQ(parse({"--listen", "localhost:1"}).error,
            "--listen: `localhost:1' is not a numeric ADDR:PORT or [ADDR6]:PORT");
  EXPECT_EQ(parse({"--listen", "127.0.0.1:1"}).error, "--upstream: required");
}

RelayOptions impaired(double loss, double reorder, double dup, uint32_t jitter = 0) {
  RelayOptions o;
  o.delay_ms = 50;
  o.jitter_ms = jitter;
  o.loss_pct = loss;
  o.reorder_pct = reorder;
  o.dup_pct = dup;
  o.seed = 42;
  return o;
}

TEST(Impairment, rates_follow_the_options_and_the_seed_repeats_them) {
  const auto now = Clock::time_point{} + std::chrono::hours(1);
  Impairment a(impaired(10, 5, 2)), b(impaired(10, 5, 2));
  ImpairmentCounters ca, cb;
  size_t copies = 0;
  for (int i = 0; i < 100000; ++i) {
    const Fate fa = a.decide(now, ca);
    const Fate fb = b.decide(now, cb);
    ASSERT_EQ(fa.copies, fb.copies);
    copies += fa.copies;
  }
  EXPECT_NEAR(static_cast<double>(ca.lost), 10000, 600);
  EXPECT_NEAR(static_cast<double>(ca.reordered), 4500, 400);  // 5% of the 90% not lost
  EXPECT_NEAR(static_cast<double>(ca.duplicated), 1800, 250);
  EXPECT_EQ(copies, 100000 - ca.lost + ca.duplicated);
  EXPECT_EQ(ca.lost, cb.lost);
}

TEST(Impairment, delay_jitter_and_reorder_hold_back) {
  const auto now = Clock::time_point{} + std::chrono::hours(1);
  ImpairmentCounters c;
  Impairment plain(impaired(0, 0, 0));
  EXPECT_EQ(plain.decide(now, c).send_at[0], now + milliseconds(50));
  Impairment jittery(impaired(0, 0, 0, 20));
  auto lo = now + std::chrono::hours(1), hi = now;
  for (int i = 0; i < 10000; ++i) {
    const auto at = jittery.decide(now, c).send_at[0];
    lo = std::min(lo, at);
    hi = std::max(hi, at);
  }
  EXPECT_GE(lo, now + milliseconds(30));
  EXPECT_LE(hi, now + milliseconds(70));
  EXPECT_LT(lo, now + milliseconds(32));
  EXPECT_GT(hi, now + milliseconds(68));
  Impairment always_reordered(impaired(0, 100, 0));
  const Fate f = always_reordered.decide(now, c);
  EXPECT_TRUE(f.reordered);
  EXPECT_EQ(f.send_at[0], now + milliseconds(60));  // + --reorder-ms (10)
}

}  // namespace
}  // namespace wgnet::relay
