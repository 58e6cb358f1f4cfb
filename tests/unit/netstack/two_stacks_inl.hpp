// Template part of two_stacks.hpp.
#pragma once

#include <future>

namespace wgnet::testing {

template <class F>
auto Side::on_loop(F&& fn) -> std::invoke_result_t<F> {
  using R = std::invoke_result_t<F>;
  std::promise<R> done;
  auto result = done.get_future();
  loop_->post([&] {
    if constexpr (std::is_void_v<R>) {
      fn();
      done.set_value();
    } else {
      done.set_value(fn());
    }
  });
  return result.get();
}

}  // namespace wgnet::testing
