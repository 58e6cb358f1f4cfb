#include "delay_queue.hpp"

#include <utility>

namespace wgnet::relay {

std::vector<uint8_t> DelayQueue::buffer(const uint8_t* data, size_t len) {
  std::vector<uint8_t> out;
  if (!spare_.empty()) {
    out = std::move(spare_.back());
    spare_.pop_back();
  }
  out.assign(data, data + len);
  return out;
}

void DelayQueue::push(Held held) {
  held.order = next_order_++;
  heap_.push(std::move(held));
}

Held DelayQueue::pop() {
  // priority_queue::top() is const; the element is moved out right before pop() discards it.
  Held held = std::move(const_cast<Held&>(heap_.top()));
  heap_.pop();
  return held;
}

void DelayQueue::recycle(std::vector<uint8_t> bytes) {
  // Enough spares for a burst; beyond that, let them go.
  if (spare_.size() < 4096) spare_.push_back(std::move(bytes));
}

}  // namespace wgnet::relay
