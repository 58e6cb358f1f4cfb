// A queue filled on the event loop thread and drained by a caller thread (accepted
// connections, datagrams, echo replies), with a bound so that a caller that stops draining
// cannot make the loop hold unbounded memory. Its eventfd (semaphore mode: one count per item)
// is what a caller polls; closing empties the queue, wakes every waiter and leaves the eventfd
// readable for good (a handle closed, or its tunnel gone: see TunnelLink::watch).
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "io/closable.hpp"
#include "wgnet/fd.hpp"

namespace wgnet::io {

template <class T>
class HandoffQueue final : public Closable {
 public:
  explicit HandoffQueue(size_t limit)
      : limit_(limit), ready_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE)) {}
  bool pollable() const { return static_cast<bool>(ready_); }
  int fd() const { return ready_.get(); }

  bool push(T item) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= limit_) return false;
      items_.push_back(std::move(item));
      signal();
    }
    cv_.notify_one();
    return true;
  }
  enum class Status { kItem, kTimeout, kClosed };
  // timeout 0 waits forever.
  Status pop(std::chrono::milliseconds timeout, T& out) {
    std::unique_lock lock(mu_);
    auto ready = [this] { return closed_ || !items_.empty(); };
    if (timeout.count() == 0) {
      cv_.wait(lock, ready);
    } else if (!cv_.wait_for(lock, timeout, ready)) {
      return Status::kTimeout;
    }
    if (closed_) return Status::kClosed;
    out = std::move(items_.front());
    items_.pop_front();
    uint64_t one;
    (void)!::read(ready_.get(), &one, sizeof one);
    return Status::kItem;
  }
  void close() override {
    std::deque<T> dropped;  // destroyed outside the lock (connections close their fds)
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      closed_ = true;
      dropped.swap(items_);
      signal();
    }
    cv_.notify_all();
  }

 private:
  void signal() {
    uint64_t one = 1;
    (void)!::write(ready_.get(), &one, sizeof one);
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false;
  size_t limit_;
  Fd ready_;
};

}  // namespace wgnet::io
