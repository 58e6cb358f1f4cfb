#include "connection_threads.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>

namespace wgnet::forward {

Result<ConnectionThreads> ConnectionThreads::create() {
  Fd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) return make_error(ErrorCode::kIo, std::string("eventfd: ") + std::strerror(errno));
  return ConnectionThreads(std::move(fd));
}

Result<void> ConnectionThreads::spawn(std::function<void()> work) {
  Worker& worker = workers_.emplace_back();
  int finished = finished_.get();
  try {
    worker.thread = std::thread([&worker, finished, work = std::move(work)] {
      work();
      worker.done = true;
      uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(finished, &one, sizeof one);
    });
  } catch (const std::system_error& e) {
    workers_.pop_back();
    return make_error(ErrorCode::kInternal, std::string("cannot start a thread: ") + e.what());
  }
  return {};
}

void ConnectionThreads::reap() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(finished_.get(), &count, sizeof count);  // reset
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void ConnectionThreads::join_all() {
  for (Worker& worker : workers_) {
    if (worker.thread.joinable()) worker.thread.join();
  }
  workers_.clear();
}

}  // namespace wgnet::forward
