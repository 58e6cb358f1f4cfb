// The one event loop that drives a Tunnel: epoll over file descriptors, a wake-up eventfd for
// work posted from other threads, and timer sources polled every iteration. The loop sleeps
// exactly until the earliest deadline or the next event; there is no polling interval.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

class EventLoop {
 public:
  // Receives the ready bits: EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP (level-triggered).
  using Handler = std::function<void(uint32_t events)>;
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;

  static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loop thread only (or while the loop is not running). Handlers may add, modify and remove
  // any fd, their own included, while being dispatched: a removed fd gets no further events,
  // even ones already collected in the same epoll_wait batch. Note that EPOLLHUP and EPOLLERR
  // are reported even when not asked for: remove an fd you no longer want to hear about.
  void add(int fd, uint32_t events, Handler h);
  void modify(int fd, uint32_t events);
  void remove(int fd);
  bool contains(int fd) const;

  // Any thread: queues fn to run on the loop thread (in order) and wakes the loop.
  void post(std::function<void()> fn);

  // A timer source is asked for its next deadline (Clock::time_point::max() = none) before every
  // sleep; `fire` runs on the loop thread once that deadline has passed. Loop thread only (or
  // before run()). The returned id removes it; removal during dispatch is safe.
  TimerId add_timer_source(std::function<Clock::time_point()> next_deadline,
                           std::function<void()> fire);
  void remove_timer_source(TimerId id);

  // Runs on the loop thread at the end of every iteration, just before the loop sleeps: the
  // place to flush output batched during the iteration (UDP datagrams, socket writes), so that
  // one wake-up costs one system call per destination instead of one per packet. Loop thread
  // only (or before run()).
  void add_before_sleep(std::function<void()> fn);

  // Runs until stop(); the calling thread becomes the loop thread.
  void run();
  // Any thread; run() returns after the current iteration.
  void stop();
  // True only on the loop thread while run() executes.
  bool in_loop_thread() const;
  // Whether run() is executing. Before it starts and after it returns, the loop's owner may
  // set up and tear down from any one thread (add/remove and the lwIP stack included).
  bool is_running() const { return running_.load(std::memory_order_acquire); }

 private:
  struct Registration {
    int fd;
    uint32_t events;
    Handler handler;
  };
  struct TimerSource {
    TimerId id;
    std::function<Clock::time_point()> next_deadline;
    std::function<void()> fire;
  };

  EventLoop(Fd epoll, Fd wake);
  // How long to sleep: nullopt when there is no deadline (until an event).
  std::optional<Clock::duration> wait_time(Clock::time_point now);
  int wait(epoll_event* events, int max_events, std::optional<Clock::duration> timeout);
  void dispatch(const epoll_event* events, int n);
  void fire_timers();
  void run_posted();

  Fd epoll_;
  Fd wake_;
  // Registrations are keyed by a never-reused token (epoll_event.data.u64), so an event for an
  // fd removed and re-added within one batch never reaches the new handler.
  std::unordered_map<uint64_t, std::shared_ptr<Registration>> by_token_;
  std::unordered_map<int, uint64_t> token_by_fd_;
  uint64_t next_token_ = 1;
  std::vector<TimerSource> timers_;
  std::vector<std::function<void()>> before_sleep_;
  TimerId next_timer_ = 1;
  bool use_pwait2_ = true;  // epoll_pwait2 (Linux 5.11): sleeps with nanosecond timeouts

  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::thread::id loop_thread_;
};

}  // namespace wgnet::io
