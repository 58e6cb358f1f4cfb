// Datagrams waiting for their send time, earliest first (FIFO among equal times), with their
// buffers recycled so a fast stream does not allocate per datagram.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "impairment.hpp"

namespace wgnet::relay {

struct Held {
  Clock::time_point send_at;
  uint64_t order = 0;
  uint64_t client = 0;  // the client's id (its upstream socket may be gone by send time)
  bool to_upstream = false;
  std::vector<uint8_t> bytes;
};

class DelayQueue {
 public:
  explicit DelayQueue(size_t limit) : limit_(limit) {}
  bool full() const { return heap_.size() >= limit_; }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  Clock::time_point earliest() const { return heap_.top().send_at; }
  // A buffer (recycled if one is free) holding `data`.
  std::vector<uint8_t> buffer(const uint8_t* data, size_t len);
  void push(Held held);
  // Removes the earliest; the caller hands its buffer back with recycle().
  Held pop();
  void recycle(std::vector<uint8_t> bytes);

 private:
  struct Later {
    bool operator()(const Held& a, const Held& b) const {
      return a.send_at != b.send_at ? a.send_at > b.send_at : a.order > b.order;
    }
  };
  size_t limit_;
  uint64_t next_order_ = 0;
  std::priority_queue<Held, std::vector<Held>, Later> heap_;
  std::vector<std::vector<uint8_t>> spare_;
};

}  // namespace wgnet::relay
