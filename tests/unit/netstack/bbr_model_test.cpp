// The model-based congestion controller (netstack/patches/0004-model-cc-pacing.patch,
// lwip/priv/tcp_bbr.h) on its own: delivery-rate samples and a fake microsecond clock in, window
// and pacing rate out. A FakePath plays a link of a given rate and RTT: every round trip it
// delivers what was sent one round trip earlier, in kAcksPerRound evenly spaced ACKs.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>

extern "C" {
#include "lwip/priv/tcp_bbr.h"
}

namespace {

constexpr uint16_t kMss = 1380;
constexpr uint32_t kAcksPerRound = 10;

class FakePath {
 public:
  FakePath() { tcp_bbr_init(&bbr, now_us); }

  // One round trip at `rate` bytes/s and `rtt_us`: the window of ACKs, each a rate sample over
  // one RTT. Returns the window the model asks for afterwards.
  uint32_t round(uint32_t rate, uint32_t rtt_us, bool app_limited = false,
                 bool in_recovery = false) {
    const uint32_t per_ack =
        static_cast<uint32_t>(uint64_t{rate} * rtt_us / 1000000 / kAcksPerRound);
    for (uint32_t i = 0; i < kAcksPerRound; ++i) {
      now_us += rtt_us / kAcksPerRound;
      tcp_bbr_sample s{};
      delivered += per_ack;
      s.prior_delivered = delivered - static_cast<uint32_t>(uint64_t{rate} * rtt_us / 1000000);
      s.delivered = delivered;
      s.interval_us = rtt_us;
      s.rtt_us = rtt_us;
      s.acked = per_ack;
      s.inflight = inflight == 0 ? cwnd : inflight;
      s.srtt_us = rtt_us;
      s.mss = kMss;
      s.app_limited = app_limited ? 1 : 0;
      s.in_recovery = in_recovery ? 1 : 0;
      cwnd = tcp_bbr_on_ack(&bbr, &s, cwnd, now_us);
      rates.insert(bbr.pacing_rate);
    }
    return cwnd;
  }

  // Rounds at a steady rate until the model cruises in PROBE_BW (at most 20); in DRAIN the
  // flight falls to one BDP, as the lower pacing rate makes it.
  void settle(uint32_t rate, uint32_t rtt_us) {
    for (int i = 0; i < 20 && bbr.mode != TCP_BBR_PROBE_BW; ++i) {
      inflight =
          bbr.mode == TCP_BBR_DRAIN ? static_cast<uint32_t>(uint64_t{rate} * rtt_us / 1000000) : 0;
      round(rate, rtt_us);
    }
    inflight = 0;
    ASSERT_EQ(bbr.mode, TCP_BBR_PROBE_BW) << "STARTUP and DRAIN did not end in 20 rounds";
  }

  tcp_bbr bbr{};
  uint32_t now_us = 1000;
  uint32_t delivered = 1 << 20;  // prior_delivered of the first samples stays positive
  uint32_t cwnd = 10 * kMss;
  uint32_t inflight = 0;  // 0: the window is full (a bulk sender)
  std::set<uint32_t> rates;
};

constexpr uint32_t kRate = 10'000'000;  // 10 MB/s
constexpr uint32_t kRtt = 20'000;       // 20 ms: BDP 200 kB
constexpr uint32_t kBdp = 200'000;

TEST(BbrModel, StartupGrowsTheWindowByWhatIsAckedEachRound) {
  FakePath p;
  // A path whose measured rate doubles each round, as when the sender doubles in STARTUP.
  uint32_t rate = 500'000;
  uint32_t before = p.cwnd;
  for (int r = 0; r < 4; ++r) {
    uint32_t after = p.round(rate, kRtt);
    EXPECT_EQ(p.bbr.mode, TCP_BBR_STARTUP);
    EXPECT_GT(after, before + rate / 50 * 9 / 10) << "round " << r << ": the window did not grow "
                                                  << "by about what was acked";
    before = after;
    rate *= 2;
  }
}

TEST(BbrModel, StartupEndsWhenTheBandwidthStopsGrowingThenDrainsIntoProbeBw) {
  FakePath p;
  // Three rounds without 25% more bandwidth end STARTUP (the first round sets the reference).
  for (int r = 0; r < 3; ++r) {
    p.round(kRate, kRtt);
    EXPECT_EQ(p.bbr.mode, TCP_BBR_STARTUP) << "round " << r;
  }
  p.round(kRate, kRtt);
  EXPECT_NE(p.bbr.mode, TCP_BBR_STARTUP);
  // DRAIN paces below the bandwidth until the flight is down to one BDP.
  p.inflight = 3 * kBdp;
  p.round(kRate, kRtt);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_DRAIN);
  EXPECT_LT(p.bbr.pacing_rate, kRate / 2);
  p.inflight = kBdp;
  p.round(kRate, kRtt);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_PROBE_BW);
}

TEST(BbrModel, ProbeBwWindowIsTwoBandwidthDelayProducts) {
  FakePath p;
  p.settle(kRate, kRtt);
  for (int r = 0; r < 10; ++r) p.round(kRate, kRtt);
  EXPECT_EQ(tcp_bbr_max_bw(&p.bbr), kRate);
  EXPECT_EQ(p.bbr.min_rtt_us, kRtt);
  // 2 BDP + 3 MSS + what ACK bunching needs (here one ACK's worth: they come evenly spaced).
  EXPECT_GE(p.cwnd, 2 * kBdp + 3 * kMss);
  EXPECT_LE(p.cwnd, 2 * kBdp + 3 * kMss + kBdp / kAcksPerRound + kMss);
}

// A sub-millisecond path (loopback, the lab's direct veth): the ends work in batches of about a
// millisecond, so the window allows for a 1 ms round trip at least (TCP_BBR_MIN_RTT_FLOOR_US).
TEST(BbrModel, SubMillisecondPathGetsTheWindowOfAMillisecond) {
  FakePath p;
  constexpr uint32_t kFast = 100'000'000;            // 100 MB/s
  p.settle(kFast, 100);                              // 100 us: a BDP of 10 kB
  for (int r = 0; r < 40; ++r) p.round(kFast, 100);  // grows by what is acked: 10 kB a round
  EXPECT_EQ(p.bbr.min_rtt_us, 100u);
  EXPECT_GE(p.cwnd, 2 * kFast / 1000) << "two BDPs of a 1 ms round trip";
}

// The point of the model (issue 10): Reno halves its window on every loss, so 1% random loss
// at 20 ms holds it to ~0.8 MB/s whatever the link. Here 1% of the data goes missing each round
// (the delivery rate is 1% lower) and every ACK comes during loss recovery: the window and the
// rate stay where the bandwidth puts them.
TEST(BbrModel, RandomLossDoesNotShrinkTheWindow) {
  FakePath p;
  p.settle(kRate, kRtt);
  for (int r = 0; r < 10; ++r) p.round(kRate, kRtt);
  const uint32_t cwnd = p.cwnd;
  for (int r = 0; r < 50; ++r) {
    p.round(kRate / 100 * 99, kRtt, false, true);
    ASSERT_GE(p.cwnd, 2 * kBdp / 100 * 98) << "round " << r;
  }
  EXPECT_GE(p.cwnd, cwnd / 100 * 98);
  EXPECT_GE(tcp_bbr_max_bw(&p.bbr), kRate / 100 * 99);
}

TEST(BbrModel, BandwidthEstimateIsTheHighestOfTheLastTenRounds) {
  FakePath p;
  p.settle(kRate, kRtt);
  for (int r = 0; r < 10; ++r) p.round(kRate, kRtt);
  // The path halves: for nine rounds the estimate remembers the old rate...
  for (int r = 0; r < 9; ++r) {
    p.round(kRate / 2, kRtt);
    ASSERT_EQ(tcp_bbr_max_bw(&p.bbr), kRate) << "round " << r;
  }
  // ...then it has aged out.
  for (int r = 0; r < 3; ++r) p.round(kRate / 2, kRtt);
  EXPECT_EQ(tcp_bbr_max_bw(&p.bbr), kRate / 2);
}

TEST(BbrModel, ApplicationLimitedSamplesDoNotLowerTheEstimate) {
  FakePath p;
  p.settle(kRate, kRtt);
  for (int r = 0; r < 10; ++r) p.round(kRate, kRtt);
  // An application that sends little: its samples are not recorded below the estimate.
  for (int r = 0; r < 9; ++r) p.round(kRate / 10, kRtt, true);
  EXPECT_EQ(tcp_bbr_max_bw(&p.bbr), kRate);
  for (int r = 0; r < 3; ++r) p.round(kRate / 10, kRtt, true);
  EXPECT_EQ(tcp_bbr_max_bw(&p.bbr), kRate / 10) << "expired; the newest sample is all there is";
}

// A sender whose application (not the path) sets the pace must not conclude that the path is
// full: STARTUP ends only after three rounds of flat bandwidth that were not app-limited.
TEST(BbrModel, StartupDoesNotEndWhileApplicationLimited) {
  FakePath p;
  for (int r = 0; r < 8; ++r) p.round(kRate, kRtt, true);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_STARTUP);
  for (int r = 0; r < 3; ++r) p.round(kRate, kRtt);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_STARTUP) << "the first full round sets the reference";
  p.round(kRate, kRtt);
  EXPECT_NE(p.bbr.mode, TCP_BBR_STARTUP);
}

TEST(BbrModel, PacingCyclesThroughProbingDrainingAndCruising) {
  FakePath p;
  p.settle(kRate, kRtt);
  p.rates.clear();
  for (int r = 0; r < 20; ++r) p.round(kRate, kRtt);
  // 1% under each: 1.25x, 0.75x and 1x the bandwidth.
  EXPECT_TRUE(p.rates.count(kRate / 100 * 99 * 5 / 4)) << "never probed at 1.25x";
  EXPECT_TRUE(p.rates.count(kRate / 100 * 99 * 3 / 4)) << "never drained at 0.75x";
  EXPECT_TRUE(p.rates.count(kRate / 100 * 99)) << "never cruised at 1x";
  EXPECT_EQ(p.rates.size(), 3u);
}

TEST(BbrModel, ProbeRttAfterTenSecondsWithoutALowerRttThenRestoresTheWindow) {
  FakePath p;
  p.settle(kRate, kRtt);
  for (int r = 0; r < 10; ++r) p.round(kRate, kRtt);
  const uint32_t cwnd = p.cwnd;
  // A standing queue: every RTT sample is 25 ms now, never the 20 ms minimum again.
  const uint32_t start = p.now_us;
  p.inflight = 2 * kBdp;  // a bulk sender's flight, which PROBE_RTT must first drain
  while (p.bbr.mode != TCP_BBR_PROBE_RTT && p.now_us - start < 11'000'000) p.round(kRate, 25'000);
  ASSERT_EQ(p.bbr.mode, TCP_BBR_PROBE_RTT) << "no PROBE_RTT in 11 s";
  EXPECT_GE(p.now_us - start, 10'000'000u) << "PROBE_RTT before the minimum RTT was 10 s old";
  EXPECT_EQ(p.cwnd, uint32_t{TCP_BBR_MIN_CWND_SEGS} * kMss);
  // While the flight is above 4 segments the hold does not start.
  for (int r = 0; r < 25; ++r) p.round(kRate, kRtt);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_PROBE_RTT) << "left PROBE_RTT without draining the flight";
  // The flight is down to 4 segments: the hold lasts 200 ms and at least a round trip.
  p.inflight = TCP_BBR_MIN_CWND_SEGS * kMss;
  const uint32_t drained = p.now_us;
  while (p.bbr.mode == TCP_BBR_PROBE_RTT && p.now_us - drained < 1'000'000) p.round(kRate, 20'000);
  EXPECT_EQ(p.bbr.mode, TCP_BBR_PROBE_BW);
  EXPECT_GE(p.now_us - drained, TCP_BBR_PROBE_RTT_US);
  EXPECT_LE(p.now_us - drained, TCP_BBR_PROBE_RTT_US + 3 * 20'000u);
  EXPECT_GE(p.cwnd, cwnd) << "the window from before PROBE_RTT was not restored";
}

TEST(BbrModel, NoSamplesNoModel) {
  FakePath p;
  EXPECT_EQ(tcp_bbr_max_bw(&p.bbr), 0u);
  EXPECT_EQ(p.bbr.pacing_rate, 0u) << "pacing before any RTT or rate is known";
  EXPECT_EQ(p.bbr.mode, TCP_BBR_STARTUP);
}

}  // namespace
