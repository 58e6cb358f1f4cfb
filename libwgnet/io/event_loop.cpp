#include "io/event_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace wgnet::io {
namespace {

constexpr int kMaxEvents = 64;

Error os_error(const char* what) {
  return make_error(ErrorCode::kIo, std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  Fd ep(::epoll_create1(EPOLL_CLOEXEC));
  if (!ep) return os_error("epoll_create1");
  Fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return os_error("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // token 0 is the wake-up eventfd
  if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0) return os_error("epoll_ctl");
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(ep), std::move(wake)));
}

EventLoop::EventLoop(Fd epoll, Fd wake) : epoll_(std::move(epoll)), wake_(std::move(wake)) {}

EventLoop::~EventLoop() = default;

bool EventLoop::in_loop_thread() const {
  return is_running() && std::this_thread::get_id() == loop_thread_;
}

void EventLoop::add(int fd, uint32_t events, Handler h) {
  assert(in_loop_thread() || !is_running());
  assert(!token_by_fd_.contains(fd) && "fd already registered");
  uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    // Only a bug can get here (bad fd, duplicate, or an fd type epoll refuses).
    assert(false && "epoll_ctl(ADD) failed");
    return;
  }
  by_token_[token] = std::make_shared<Registration>(Registration{fd, events, std::move(h)});
  token_by_fd_[fd] = token;
}

void EventLoop::modify(int fd, uint32_t events) {
  assert(in_loop_thread() || !is_running());
  auto it = token_by_fd_.find(fd);
  if (it == token_by_fd_.end()) return;
  auto& reg = *by_token_.at(it->second);
  if (reg.events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = it->second;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) == 0) reg.events = events;
}

void EventLoop::remove(int fd) {
  assert(in_loop_thread() || !is_running());
  auto it = token_by_fd_.find(fd);
  if (it == token_by_fd_.end()) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  by_token_.erase(it->second);
  token_by_fd_.erase(it);
}

bool EventLoop::contains(int fd) const { return token_by_fd_.contains(fd); }

void EventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop is awake or will be.
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

EventLoop::TimerId EventLoop::add_timer_source(std::function<Clock::time_point()> next_deadline,
                                               std::function<void()> fire) {
  assert(in_loop_thread() || !is_running());
  TimerId id = next_timer_++;
  timers_.push_back(TimerSource{id, std::move(next_deadline), std::move(fire)});
  return id;
}

void EventLoop::remove_timer_source(TimerId id) {
  assert(in_loop_thread() || !is_running());
  std::erase_if(timers_, [id](const TimerSource& t) { return t.id == id; });
}

void EventLoop::stop() {
  stop_.store(true, std::memory_order_release);
  post([] {});  // wake the loop so it sees the flag
}

std::optional<EventLoop::Clock::duration> EventLoop::wait_time(Clock::time_point now) {
  {
    std::lock_guard lock(posted_mu_);
    if (!posted_.empty()) return Clock::duration::zero();
  }
  auto earliest = Clock::time_point::max();
  for (const auto& t : timers_) earliest = std::min(earliest, t.next_deadline());
  if (earliest == Clock::time_point::max()) return std::nullopt;
  if (earliest <= now) return Clock::duration::zero();
  return std::min<Clock::duration>(earliest - now, std::chrono::hours(24));
}

int EventLoop::wait(epoll_event* events, int max_events, std::optional<Clock::duration> timeout) {
  // Nanoseconds: TCP pacing wakes every few hundred microseconds on a fast path, and a
  // millisecond timeout would turn each wait into a whole millisecond.
  if (use_pwait2_) {
    timespec ts{};
    timespec* ts_ptr = nullptr;
    if (timeout) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*timeout).count();
      ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      ts_ptr = &ts;
    }
    int n = ::epoll_pwait2(epoll_.get(), events, max_events, ts_ptr, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    use_pwait2_ = false;  // a kernel before 5.11
  }
  // Round up: waking a little late is harmless, waking early would spin until the deadline.
  int ms = timeout
               ? static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*timeout).count())
               : -1;
  return ::epoll_wait(epoll_.get(), events, max_events, ms);
}

void EventLoop::run() {
  loop_thread_ = std::this_thread::get_id();
  running_.store(true, std::memory_order_release);
  epoll_event events[kMaxEvents];
  while (!stop_.load(std::memory_order_acquire)) {
    int n = wait(events, kMaxEvents, wait_time(Clock::now()));
    if (n < 0 && errno != EINTR) break;  // only EBADF/EINVAL: a bug, nothing to retry
    if (n > 0) dispatch(events, n);
    run_posted();
    fire_timers();
    for (auto& fn : before_sleep_) fn();
  }
  running_.store(false, std::memory_order_release);
  stop_.store(false, std::memory_order_release);
}

void EventLoop::add_before_sleep(std::function<void()> fn) { before_sleep_.push_back(std::move(fn)); }

void EventLoop::dispatch(const epoll_event* events, int n) {
  for (int i = 0; i < n; ++i) {
    uint64_t token = events[i].data.u64;
    if (token == 0) {
      uint64_t count;
      [[maybe_unused]] ssize_t r = ::read(wake_.get(), &count, sizeof count);
      continue;
    }
    auto it = by_token_.find(token);
    if (it == by_token_.end()) continue;  // removed earlier in this batch
    // Keep the registration alive while its handler runs, even if the handler removes it.
    std::shared_ptr<Registration> reg = it->second;
    reg->handler(events[i].events);
  }
}

void EventLoop::run_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(posted_mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void EventLoop::fire_timers() {
  // Snapshot the ids: a fire() may add or remove timer sources. The clock is read after each
  // deadline, so a source that reports "due" as `Clock::now() + 0` is due.
  std::vector<TimerId> due;
  for (const auto& t : timers_) {
    auto deadline = t.next_deadline();
    if (deadline <= Clock::now()) due.push_back(t.id);
  }
  for (TimerId id : due) {
    auto it = std::find_if(timers_.begin(), timers_.end(),
                           [id](const TimerSource& t) { return t.id == id; });
    if (it == timers_.end()) continue;
    auto fire = it->fire;  // copy: fire() may remove its own source
    fire();
  }
}

}  // namespace wgnet::io
