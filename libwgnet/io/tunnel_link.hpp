// What a TcpListener or UdpSocket holds instead of references into its Tunnel, so that handles
// may outlive it: a way to run code against the stack on the loop while the tunnel is open, and
// kClosed after. Closing it (the Tunnel's destructor does, before stopping the loop) waits for
// calls in flight, refuses new ones and wakes every wait registered with watch().
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "io/closable.hpp"
#include "io/event_loop.hpp"
#include "io/loop_call.hpp"
#include "io/netstack_host.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

class TunnelLink {
 public:
  TunnelLink(EventLoop& loop, NetstackHost& stack, std::thread::id loop_thread)
      : loop_(&loop), stack_(&stack), loop_thread_(loop_thread) {}

  // Runs fn(stack) on the loop thread and returns its Result; kClosed once closed.
  template <class F>
  auto on_stack(F&& fn) -> std::invoke_result_t<F, NetstackHost&> {
    if (on_loop_thread()) {  // the loop runs, so the stack is there: no lock (see close())
      if (!open_.load()) return closed_error();
      return fn(*stack_);
    }
    std::shared_lock lock(mu_);
    if (!open_.load()) return closed_error();
    return call_on_loop(*loop_, [&] { return fn(*stack_); });
  }

  bool on_loop_thread() const { return std::this_thread::get_id() == loop_thread_; }
  bool is_open() const { return open_.load(); }

  // `waiter` is closed when the link closes (at once if it already has).
  void watch(const std::shared_ptr<Closable>& waiter);

  // Loop still running, called from the tunnel's owner thread.
  void close();

  static Error closed_error() {
    return make_error(ErrorCode::kClosed, "the tunnel has been closed");
  }

 private:
  // Held shared by calls from caller threads while they use loop_/stack_, exclusively by
  // close(). Calls on the loop thread skip it: a LogSink calling in while close() waits for
  // the lock would otherwise stall the loop that the readers it waits for need.
  std::shared_mutex mu_;
  std::atomic<bool> open_{true};
  EventLoop* loop_;
  NetstackHost* stack_;
  std::thread::id loop_thread_;

  std::mutex watched_mu_;
  std::vector<std::weak_ptr<Closable>> watched_;
};

// The error for a call that would wait for the event loop, made on the loop thread itself
// (from a LogSink): it would wait for itself forever.
Error called_on_loop_thread(const std::string& call);

}  // namespace wgnet::io
