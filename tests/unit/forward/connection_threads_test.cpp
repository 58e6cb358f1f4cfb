// The reaper behind the TCP forwards: finished threads are joined as they finish, not at the end.
#include "connection_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "stop_signal.hpp"

namespace wgnet::forward {
namespace {

TEST(ConnectionThreads, FinishedThreadsAreReapedWhileOthersRun) {
  auto threads = ConnectionThreads::create();
  ASSERT_TRUE(threads);
  auto release = StopSignal::create();
  ASSERT_TRUE(release);
  std::atomic<int> ran = 0;
  int hold = release->fd();
  ASSERT_TRUE(threads->spawn([&ran, hold] {
    wait_readable(hold, 5000);  // a long-lived connection
    ++ran;
  }));
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(threads->spawn([&ran] { ++ran; }));
    if (wait_readable(threads->finished_fd(), 0)) threads->reap();
  }
  for (int i = 0; i < 500 && threads->count() > 1; ++i) {
    wait_readable(threads->finished_fd(), 10);
    threads->reap();
  }
  EXPECT_EQ(threads->count(), 1u);  // only the one still running
  release->raise();
  threads->join_all();
  EXPECT_EQ(threads->count(), 0u);
  EXPECT_EQ(ran, 201);
}

}  // namespace
}  // namespace wgnet::forward
