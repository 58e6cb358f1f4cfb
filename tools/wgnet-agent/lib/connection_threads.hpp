// One thread per forwarded connection, joined as soon as it finishes: a forward that serves
// 10,000 connections over a day holds only the threads of the connections still open. Finished
// threads announce themselves on an eventfd the accept loop polls, so reaping needs no timer.
// All members but the workers' own ending are called from one thread (the accept loop).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <thread>

#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::forward {

class ConnectionThreads {
 public:
  static Result<ConnectionThreads> create();
  ConnectionThreads(ConnectionThreads&&) = default;
  ~ConnectionThreads() { join_all(); }

  // Runs `work` on a thread of its own. On failure to start one (thread limit), `work` is not
  // run and the error says so.
  Result<void> spawn(std::function<void()> work);
  // Readable while some finished thread waits to be joined.
  int finished_fd() const { return finished_.get(); }
  // Joins the finished threads.
  void reap();
  // Threads started and not yet joined.
  size_t count() const { return workers_.size(); }
  // Waits for every thread (the caller has told them to end first).
  void join_all();

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  explicit ConnectionThreads(Fd finished) : finished_(std::move(finished)) {}

  Fd finished_;
  std::list<Worker> workers_;  // a list: workers keep their address while others come and go
};

}  // namespace wgnet::forward
