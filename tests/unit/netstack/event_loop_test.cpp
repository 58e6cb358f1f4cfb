// EventLoop: fd dispatch, removal during dispatch, posts from other threads, timer sources that
// fire at their deadline without polling in between.
#include "io/event_loop.hpp"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>
#include <thread>

namespace wgnet::io {
namespace {

using namespace std::chrono_literals;
using Clock = EventLoop::Clock;

struct Pair {
  Fd a, b;
  Pair() {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
    a.reset(sv[0]);
    b.reset(sv[1]);
  }
};

TEST(EventLoop, DispatchesReadableFdsAndStops) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  Pair p;
  int calls = 0;
  l.add(p.b.get(), EPOLLIN, [&](uint32_t events) {
    EXPECT_TRUE(events & EPOLLIN);
    char c;
    EXPECT_EQ(::read(p.b.get(), &c, 1), 1);
    EXPECT_TRUE(l.in_loop_thread());
    if (++calls == 3) l.stop();
  });
  ASSERT_EQ(::write(p.a.get(), "xyz", 3), 3);
  EXPECT_FALSE(l.in_loop_thread());
  l.run();
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(l.is_running());
}

TEST(EventLoop, BeforeSleepRunsOnceAfterEachBatchOfEvents) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  Pair p, q;
  std::vector<std::string> order;
  for (Pair* pair : {&p, &q}) {
    l.add(pair->b.get(), EPOLLIN, [&order, pair](uint32_t) {
      char c;
      while (::read(pair->b.get(), &c, 1) == 1) order.push_back("event");
    });
  }
  l.add_before_sleep([&] {
    order.push_back("flush");
    if (order.size() >= 3) l.stop();
  });
  // Both fds are ready before the loop starts: one wake-up, two handlers, then one flush.
  ASSERT_EQ(::write(p.a.get(), "x", 1), 1);
  ASSERT_EQ(::write(q.a.get(), "y", 1), 1);
  l.run();
  EXPECT_EQ(order, (std::vector<std::string>{"event", "event", "flush"}));
}

TEST(EventLoop, HandlerMayRemoveOtherFdsInTheSameBatch) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  Pair p1, p2;
  int fired = 0;
  // Both become readable before run(): one epoll_wait returns both; whichever handler runs
  // first removes the other, which must then not be called.
  auto handler = [&](int self, int other) {
    return [&, self, other](uint32_t) {
      ++fired;
      l.remove(other);
      l.remove(self);  // removing itself while running is fine too
      l.post([&] { l.stop(); });
    };
  };
  l.add(p1.b.get(), EPOLLIN, handler(p1.b.get(), p2.b.get()));
  l.add(p2.b.get(), EPOLLIN, handler(p2.b.get(), p1.b.get()));
  ASSERT_EQ(::write(p1.a.get(), "x", 1), 1);
  ASSERT_EQ(::write(p2.a.get(), "x", 1), 1);
  l.run();
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(l.contains(p1.b.get()));
  EXPECT_FALSE(l.contains(p2.b.get()));
}

TEST(EventLoop, PostFromOtherThreadsRunsInOrderOnTheLoop) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  std::thread runner([&] { l.run(); });
  std::vector<int> seen;
  std::atomic<bool> all_on_loop{true};
  for (int i = 0; i < 100; ++i) {
    l.post([&, i] {
      all_on_loop = all_on_loop && l.in_loop_thread();
      seen.push_back(i);
    });
  }
  l.post([&] { l.stop(); });
  runner.join();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_TRUE(all_on_loop);
}

TEST(EventLoop, TimerSourceFiresAtItsDeadlineWithoutPolling) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  auto start = Clock::now();
  auto deadline = start + 120ms;
  int deadline_queries = 0;
  Clock::time_point fired_at{};
  auto id = l.add_timer_source(
      [&] {
        ++deadline_queries;
        return fired_at == Clock::time_point{} ? deadline : Clock::time_point::max();
      },
      [&] {
        fired_at = Clock::now();
        l.stop();
      });
  EXPECT_NE(id, 0u);
  l.run();
  EXPECT_GE(fired_at - start, 120ms);
  EXPECT_LT(fired_at - start, 250ms);
  // One sleep, not a polling loop: a handful of deadline queries, not hundreds.
  EXPECT_LE(deadline_queries, 6);
}

// TCP pacing (lwIP patch 0004) wakes the loop every few hundred microseconds on a fast path: a
// deadline 200 us away must not cost a whole millisecond. 50 such deadlines in a row take at
// least 50 ms when timeouts are rounded up to milliseconds (epoll_wait), about 10-15 ms with
// nanosecond timeouts (epoll_pwait2); the bound leaves 3x for a loaded machine.
TEST(EventLoop, SubMillisecondDeadlinesAreNotRoundedUpToMilliseconds) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  constexpr int kWakeups = 50;
  int fired = 0;
  auto deadline = Clock::now() + 200us;
  int deadline_queries = 0;
  l.add_timer_source(
      [&] {
        ++deadline_queries;
        return deadline;
      },
      [&] {
        if (Clock::now() < deadline) return;  // early: the loop asks again
        if (++fired == kWakeups) {
          l.stop();
          deadline = Clock::time_point::max();
          return;
        }
        deadline = Clock::now() + 200us;
      });
  auto start = Clock::now();
  l.run();
  auto took = Clock::now() - start;
  EXPECT_EQ(fired, kWakeups);
  EXPECT_GE(took, kWakeups * 200us);
  EXPECT_LT(took, 45ms) << "each 200 us deadline cost about a millisecond";
  // Sleeps, not a busy loop: about one wait per deadline (and one to stop).
  EXPECT_LE(deadline_queries, 4 * kWakeups);
}

// A source computes its deadline from the clock when asked: "due" comes back as now() + 0,
// which must count as due even though it is later than any instant read before the call.
TEST(EventLoop, DeadlineComputedAsNowPlusZeroFires) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  auto due_at = Clock::now() + 30ms;
  int fired = 0;
  std::atomic<bool> done{false};
  l.add_timer_source(
      [&] {
        auto now = Clock::now();
        return now + std::max(due_at - now, Clock::duration::zero());
      },
      [&] {
        ++fired;
        l.stop();
      });
  std::thread guard([&] {  // ends a spinning loop if the fix regresses
    for (int i = 0; i < 200 && !done; ++i) std::this_thread::sleep_for(10ms);
    l.stop();
  });
  l.run();
  done = true;
  guard.join();
  EXPECT_EQ(fired, 1);
}

TEST(EventLoop, RemovedTimerSourceNeverFires) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  bool fired = false;
  auto id = l.add_timer_source([] { return Clock::now(); }, [&] { fired = true; });
  l.remove_timer_source(id);
  auto later = Clock::now() + 20ms;
  l.add_timer_source([later] { return later; }, [&] { l.stop(); });
  l.run();
  EXPECT_FALSE(fired);
}

TEST(EventLoop, StopFromAnotherThreadWakesAnIdleLoop) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop.ok());
  EventLoop& l = **loop;
  auto start = Clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    l.stop();
  });
  l.run();  // no fds, no timers: sleeps until woken
  stopper.join();
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace wgnet::io
