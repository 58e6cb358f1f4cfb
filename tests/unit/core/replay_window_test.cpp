// TESTPLAN D1, D2, D4: the replay window against the Linux driver's selftest/counter.c table,
// plus reordering with duplicates.
#include "core/replay_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace wgnet::core {
namespace {

constexpr uint64_t W = ReplayWindow::kWindowSize;  // COUNTER_WINDOW_SIZE
constexpr uint64_t T_LIM = W + 1;

struct Case {
  uint64_t counter;
  bool expected;
};

// D2: the window is the driver's (8192-bit ring, 8128 usable), not 1024/2048.
static_assert(ReplayWindow::kBits == 8192);
static_assert(ReplayWindow::kWindowSize == 8128);
static_assert(REJECT_AFTER_MESSAGES == UINT64_MAX - 8128 - 1);

// D1: cases 1..34 of counter.c, in order, on one window.
TEST(ReplayWindow, KernelVectors34) {
  const Case cases[] = {
      /*  1 */ {0, true},
      /*  2 */ {1, true},
      /*  3 */ {1, false},
      /*  4 */ {9, true},
      /*  5 */ {8, true},
      /*  6 */ {7, true},
      /*  7 */ {7, false},
      /*  8 */ {T_LIM, true},
      /*  9 */ {T_LIM - 1, true},
      /* 10 */ {T_LIM - 1, false},
      /* 11 */ {T_LIM - 2, true},
      /* 12 */ {2, true},
      /* 13 */ {2, false},
      /* 14 */ {T_LIM + 16, true},
      /* 15 */ {3, false},
      /* 16 */ {T_LIM + 16, false},
      /* 17 */ {T_LIM * 4, true},
      /* 18 */ {T_LIM * 4 - (T_LIM - 1), true},
      /* 19 */ {10, false},
      /* 20 */ {T_LIM * 4 - T_LIM, false},
      /* 21 */ {T_LIM * 4 - (T_LIM + 1), false},
      /* 22 */ {T_LIM * 4 - (T_LIM - 2), true},
      /* 23 */ {T_LIM * 4 + 1 - T_LIM, false},
      /* 24 */ {0, false},
      /* 25 */ {REJECT_AFTER_MESSAGES, false},
      /* 26 */ {REJECT_AFTER_MESSAGES - 1, true},
      /* 27 */ {REJECT_AFTER_MESSAGES, false},
      /* 28 */ {REJECT_AFTER_MESSAGES - 1, false},
      /* 29 */ {REJECT_AFTER_MESSAGES - 2, true},
      /* 30 */ {REJECT_AFTER_MESSAGES + 1, false},
      /* 31 */ {REJECT_AFTER_MESSAGES + 2, false},
      /* 32 */ {REJECT_AFTER_MESSAGES - 2, false},
      /* 33 */ {REJECT_AFTER_MESSAGES - 3, true},
      /* 34 */ {0, false},
  };
  static_assert(std::size(cases) == 34);
  ReplayWindow w;
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(w.validate(cases[i].counter), cases[i].expected)
        << "counter.c case " << i + 1 << " (counter " << cases[i].counter << ")";
  }
}

// D1 bulk loops, each on a fresh window as T_INIT does.
TEST(ReplayWindow, KernelBulkAscendingThenZero) {
  ReplayWindow w;
  for (uint64_t i = 1; i <= W; ++i) ASSERT_TRUE(w.validate(i)) << i;
  EXPECT_TRUE(w.validate(0));
  EXPECT_FALSE(w.validate(0));
}

TEST(ReplayWindow, KernelBulkAscendingFromTwoThenOneThenZero) {
  ReplayWindow w;
  for (uint64_t i = 2; i <= W + 1; ++i) ASSERT_TRUE(w.validate(i)) << i;
  EXPECT_TRUE(w.validate(1));
  EXPECT_FALSE(w.validate(0));
}

TEST(ReplayWindow, KernelBulkDescendingFromWindow) {
  ReplayWindow w;
  for (uint64_t i = W + 1; i-- > 0;) ASSERT_TRUE(w.validate(i)) << i;
}

TEST(ReplayWindow, KernelBulkDescendingFromWindowPlusOneThenZero) {
  ReplayWindow w;
  for (uint64_t i = W + 2; i-- > 1;) ASSERT_TRUE(w.validate(i)) << i;
  EXPECT_FALSE(w.validate(0));
}

TEST(ReplayWindow, KernelBulkDescendingThenTopThenZero) {
  ReplayWindow w;
  for (uint64_t i = W + 1; i-- > 1;) ASSERT_TRUE(w.validate(i)) << i;
  EXPECT_TRUE(w.validate(W + 1));
  EXPECT_FALSE(w.validate(0));
}

TEST(ReplayWindow, KernelBulkDescendingThenZeroThenTop) {
  ReplayWindow w;
  for (uint64_t i = W + 1; i-- > 1;) ASSERT_TRUE(w.validate(i)) << i;
  EXPECT_TRUE(w.validate(0));
  EXPECT_TRUE(w.validate(W + 1));
}

TEST(ReplayWindow, ResetForgetsEverything) {
  ReplayWindow w;
  ASSERT_TRUE(w.validate(5));
  ASSERT_TRUE(w.validate(100000));
  ASSERT_FALSE(w.validate(5));
  w.reset();
  EXPECT_TRUE(w.validate(5));
  EXPECT_TRUE(w.validate(0));
  EXPECT_FALSE(w.validate(5));
}

// The exact left edge: with top counter t accepted, t - W is still tracked, t - W - 1 is not.
TEST(ReplayWindow, WindowEdge) {
  ReplayWindow w;
  const uint64_t t = 1'000'000;
  ASSERT_TRUE(w.validate(t));
  EXPECT_TRUE(w.validate(t - W));
  EXPECT_FALSE(w.validate(t - W));
  EXPECT_FALSE(w.validate(t - W - 1));
}

// A jump of more than a whole ring must clear all stale bits from the previous lap.
TEST(ReplayWindow, LargeJumpClearsRing) {
  ReplayWindow w;
  for (uint64_t i = 0; i < ReplayWindow::kBits; ++i) ASSERT_TRUE(w.validate(i));
  const uint64_t base = 10 * uint64_t{ReplayWindow::kBits} + 7;
  ASSERT_TRUE(w.validate(base + W));
  for (uint64_t i = base; i < base + W; ++i) ASSERT_TRUE(w.validate(i)) << i;
  for (uint64_t i = base; i <= base + W; ++i) ASSERT_FALSE(w.validate(i)) << i;
}

// D4: 8000 counters, all inside the window, in random order with duplicates mixed in: each
// counter accepted exactly once.
TEST(ReplayWindow, ReorderWithinWindowWithDuplicates) {
  constexpr uint64_t kCount = 8000;
  static_assert(kCount <= W);
  std::mt19937 rng(20261125);
  for (int round = 0; round < 5; ++round) {
    std::vector<uint64_t> stream;
    const uint64_t base = round == 0 ? 0 : rng();
    for (uint64_t i = 0; i < kCount; ++i) {
      const int copies = 1 + static_cast<int>(rng() % 3);
      for (int c = 0; c < copies; ++c) stream.push_back(base + i);
    }
    std::shuffle(stream.begin(), stream.end(), rng);

    ReplayWindow w;
    std::vector<int> accepted(kCount, 0);
    for (uint64_t c : stream) {
      if (w.validate(c)) ++accepted[c - base];
    }
    for (uint64_t i = 0; i < kCount; ++i) {
      ASSERT_EQ(accepted[i], 1) << "round " << round << " counter " << base + i;
    }
  }
}

// A long stream with bounded reordering (displacement < window) and duplicates: still each
// counter exactly once, across many laps of the ring.
TEST(ReplayWindow, SlidingReorderAcrossManyLaps) {
  constexpr uint64_t kCount = 200'000;
  constexpr uint64_t kBlock = 4000;  // shuffle within blocks, so displacement < 2 * kBlock < W
  static_assert(2 * kBlock < W);
  std::mt19937 rng(7);
  std::vector<uint64_t> stream;
  for (uint64_t b = 0; b < kCount; b += kBlock) {
    std::vector<uint64_t> block;
    for (uint64_t i = b; i < b + kBlock; ++i) {
      block.push_back(i);
      if (rng() % 8 == 0) block.push_back(i);
    }
    std::shuffle(block.begin(), block.end(), rng);
    stream.insert(stream.end(), block.begin(), block.end());
  }
  ReplayWindow w;
  std::vector<uint8_t> accepted(kCount, 0);
  for (uint64_t c : stream) {
    if (w.validate(c)) ++accepted[c];
  }
  EXPECT_EQ(std::count(accepted.begin(), accepted.end(), 1), static_cast<long>(kCount));
}

}  // namespace
}  // namespace wgnet::core
