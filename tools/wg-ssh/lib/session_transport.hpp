// The byte pipe under a libssh2 session: the tunnel's socketpair end, read and written by us
// through libssh2's RECV/SEND callbacks instead of by libssh2 itself.
//
// Why: libssh2 keeps one half-sent packet per session, and a different send while it is pending
// fails with LIBSSH2_ERROR_BAD_USE. With several channels (a shell plus -L connections) that is
// hard to avoid when the socket can push back. Here a send never pushes back: what the socket
// does not take is queued and flushed from the poll loop (POLLOUT), and the loop stops feeding
// channels while the queue is above a high-water mark, so memory stays bounded.
// It also counts bytes and remembers when the server last sent anything (ServerAliveCountMax).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wgnet/fd.hpp"

namespace wgnet::ssh {

class SessionTransport {
 public:
  using Clock = std::chrono::steady_clock;
  // Above this much queued output the session loop stops writing channel data.
  static constexpr size_t kHighWater = 256 * 1024;

  explicit SessionTransport(Fd fd);

  int fd() const { return fd_.get(); }

  // libssh2's callbacks, in its conventions: bytes moved, or -errno (-EAGAIN when empty).
  ssize_t recv(void* buffer, size_t length);
  ssize_t send(const void* buffer, size_t length);

  // Writes queued output; returns false once the socket has failed (error() says how).
  bool flush();
  size_t queued() const { return out_.size() - out_offset_; }
  bool congested() const { return queued() >= kHighWater; }

  // From now on every recv/send fails as a reset connection: lets libssh2 free a session whose
  // peer stopped answering without waiting for it.
  void sever() { severed_ = true; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool at_eof() const { return eof_; }

  uint64_t bytes_received() const { return bytes_received_; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  Clock::time_point last_receive() const { return last_receive_; }
  void touch_receive() { last_receive_ = Clock::now(); }

 private:
  Fd fd_;
  std::vector<uint8_t> out_;
  size_t out_offset_ = 0;
  bool severed_ = false;
  bool eof_ = false;
  std::string error_;
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  Clock::time_point last_receive_ = Clock::now();
};

}  // namespace wgnet::ssh
