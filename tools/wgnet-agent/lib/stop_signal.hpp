// A stop request every thread of the forwards can wait on in poll(): an eventfd that becomes
// readable once raised and stays readable (nobody reads it), so the same fd ends the accept
// loops and every relay_streams (its cancel fd) at once.
#pragma once

#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::forward {

class StopSignal {
 public:
  static Result<StopSignal> create();
  // Any thread, also a signal handler (one write(2)); idempotent.
  void raise() const;
  bool raised() const;
  int fd() const { return fd_.get(); }

 private:
  explicit StopSignal(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

// poll() for POLLIN on fd, `timeout_ms` as poll's (-1 forever); true when readable. EINTR retried.
bool wait_readable(int fd, int timeout_ms);

}  // namespace wgnet::forward
