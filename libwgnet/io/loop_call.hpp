// Runs a function on the event loop thread and waits for its result: the one way caller threads
// touch state that the loop owns (device, lwIP).
#pragma once

#include <future>
#include <type_traits>
#include <utility>

#include "io/event_loop.hpp"

namespace wgnet::io {

template <class F>
auto call_on_loop(EventLoop& loop, F&& fn) -> std::invoke_result_t<F> {
  using R = std::invoke_result_t<F>;
  if (loop.in_loop_thread()) return fn();
  std::promise<R> done;
  auto result = done.get_future();
  loop.post([&] {
    if constexpr (std::is_void_v<R>) {
      fn();
      done.set_value();
    } else {
      done.set_value(fn());
    }
  });
  return result.get();
}

// For loop operations that complete later through a callback: `start(callback)` runs on the
// loop, and the caller waits until the callback delivers the result.
template <class R, class Start>
R await_on_loop(EventLoop& loop, Start&& start) {
  auto done = std::make_shared<std::promise<R>>();
  auto result = done->get_future();
  loop.post([&start, done] { start([done](R value) { done->set_value(std::move(value)); }); });
  return result.get();
}

}  // namespace wgnet::io
