#include "session_transport.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace wgnet::ssh {

SessionTransport::SessionTransport(Fd fd) : fd_(std::move(fd)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
}

ssize_t SessionTransport::recv(void* buffer, size_t length) {
  if (severed_) return -ECONNRESET;
  // Output first: a reply the server waits for may still be queued here.
  flush();
  ssize_t n = ::recv(fd_.get(), buffer, length, 0);
  if (n < 0) {
    int err = errno;
    if (err == EINTR) err = EAGAIN;
    if (err != EAGAIN && err != EWOULDBLOCK && error_.empty()) {
      error_ = std::string("read from the connection: ") + std::strerror(err);
    }
    return -err;
  }
  if (n == 0) {
    eof_ = true;
    return 0;
  }
  bytes_received_ += static_cast<uint64_t>(n);
  last_receive_ = Clock::now();
  return n;
}

ssize_t SessionTransport::send(const void* buffer, size_t length) {
  if (severed_) return -ECONNRESET;
  if (!error_.empty()) return -EPIPE;
  const auto* bytes = static_cast<const uint8_t*>(buffer);
  size_t done = 0;
  if (queued() == 0) {
    ssize_t n = ::send(fd_.get(), bytes, length, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      if (error_.empty()) error_ = std::string("write to the connection: ") + std::strerror(err);
      return -err;
    }
    if (n > 0) {
      done = static_cast<size_t>(n);
      bytes_sent_ += static_cast<uint64_t>(n);
    }
  }
  // The rest waits in the queue; libssh2 is told all of it went, so it never holds half a packet.
  if (done < length) {
    if (out_offset_ > 0 && out_offset_ * 2 >= out_.size()) {  // drop what went, keep it small
      out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_offset_));
      out_offset_ = 0;
    }
    out_.insert(out_.end(), bytes + done, bytes + length);
  }
  return static_cast<ssize_t>(length);
}

bool SessionTransport::flush() {
  while (queued() > 0) {
    ssize_t n = ::send(fd_.get(), out_.data() + out_offset_, queued(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (error_.empty()) error_ = std::string("write to the connection: ") + std::strerror(errno);
      out_.clear();
      out_offset_ = 0;
      return false;
    }
    out_offset_ += static_cast<size_t>(n);
    bytes_sent_ += static_cast<uint64_t>(n);
  }
  out_.clear();
  out_offset_ = 0;
  return error_.empty();
}

}  // namespace wgnet::ssh
