// A queue filled on the event loop thread and drained by a caller thread (accepted
// connections, datagrams, echo replies), with a bound so that a caller that stops draining
// cannot make the loop hold unbounded memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace wgnet::io {

template <class T>
class HandoffQueue {
 public:
  explicit HandoffQueue(size_t limit) : limit_(limit) {}
  bool push(T item) {
    {
      std::lock_guard lock(mu_);
      if (items_.size() >= limit_) return false;
      items_.push_back(std::move(item));
    }
    cv_.notify_one();
    return true;
  }
  // timeout 0 waits forever.
  std::optional<T> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    auto ready = [this] { return !items_.empty(); };
    if (timeout.count() == 0) {
      cv_.wait(lock, ready);
    } else if (!cv_.wait_for(lock, timeout, ready)) {
      return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  size_t limit_;
};

}  // namespace wgnet::io
