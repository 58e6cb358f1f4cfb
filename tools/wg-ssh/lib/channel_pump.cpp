#include "channel_pump.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "session_error.hpp"

namespace wgnet::ssh {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

bool transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

bool is_regular(int fd) {
  struct stat st {};
  return fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

int PollSet::add(int fd, short events) {
  if (fd < 0 || events == 0) return -1;
  fds_.push_back({fd, events, 0});
  return static_cast<int>(fds_.size() - 1);
}

void ByteQueue::append(const void* bytes, size_t n) {
  if (offset_ > 0 && offset_ * 2 >= data_.size()) {
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(offset_));
    offset_ = 0;
  }
  const auto* p = static_cast<const uint8_t*>(bytes);
  data_.insert(data_.end(), p, p + n);
}

void ByteQueue::consume(size_t n) {
  offset_ += std::min(n, size());
  if (offset_ == data_.size()) clear();
}

ChannelPump::ChannelPump(SshSession& session, ChannelHandle channel, PumpEnds ends)
    : session_(session), channel_(std::move(channel)), ends_(ends) {
  if (ends_.sockets && ends_.in >= 0) {
    int flags = ::fcntl(ends_.in, F_GETFL);
    if (flags >= 0) ::fcntl(ends_.in, F_SETFL, flags | O_NONBLOCK);
  }
  out_regular_ = is_regular(ends_.out);
  err_regular_ = is_regular(ends_.err);
  if (ends_.in < 0) in_eof_ = true;
}

void ChannelPump::register_fds(PollSet& set) {
  in_slot_ = out_slot_ = err_slot_ = -1;
  if (finished_) return;
  bool want_in = !in_eof_ && to_channel_.empty() && !remote_eof_ &&
                 !session_.transport().congested();
  in_slot_ = set.add(want_in ? ends_.in : -1, POLLIN);
  out_slot_ = set.add(to_out_.empty() ? -1 : ends_.out, POLLOUT);
  err_slot_ = set.add(to_err_.empty() ? -1 : ends_.err, POLLOUT);
}

void ChannelPump::on_fd_events(const PollSet& set) {
  if (set.revents(in_slot_) != 0) read_local();
  if (set.revents(out_slot_) != 0) write_local(ends_.out, to_out_, true);
  if (set.revents(err_slot_) != 0) write_local(ends_.err, to_err_, true);
}

void ChannelPump::read_local() {
  uint8_t buffer[kReadChunk];
  ssize_t n = ::read(ends_.in, buffer, sizeof buffer);
  if (n < 0 && transient(errno)) return;
  if (n < 0 && ends_.sockets) {
    fail(std::string("read from the local connection: ") + std::strerror(errno));
    return;
  }
  if (n <= 0) {  // EOF, or a terminal that went away (EIO): no more input either way
    in_eof_ = true;
    return;
  }
  if (input_filter) {
    std::string passed = input_filter(std::string_view(reinterpret_cast<char*>(buffer),
                                                       static_cast<size_t>(n)));
    to_channel_.append(passed.data(), passed.size());
  } else {
    to_channel_.append(buffer, static_cast<size_t>(n));
  }
}

void ChannelPump::write_local(int fd, ByteQueue& queue, bool after_poll) {
  if (queue.empty() || fd < 0) return;
  bool regular = fd == ends_.out ? out_regular_ : err_regular_;
  if (!after_poll && !regular && !ends_.sockets) return;  // a pipe or tty could block
  // A pipe or terminal reported writable takes at least PIPE_BUF bytes without blocking.
  size_t chunk = regular || ends_.sockets ? queue.size() : std::min<size_t>(queue.size(), PIPE_BUF);
  ssize_t n = ends_.sockets ? ::send(fd, queue.data(), chunk, MSG_NOSIGNAL | MSG_DONTWAIT)
                            : ::write(fd, queue.data(), chunk);
  if (n < 0 && transient(errno)) return;
  if (n < 0) {
    if (ends_.sockets) {
      fail(std::string("write to the local connection: ") + std::strerror(errno));
      return;
    }
    // Our stdout/stderr went away (EPIPE): drop what the command still prints, let it finish.
    if (fd == ends_.out) ends_.out = -1;
    if (fd == ends_.err) ends_.err = -1;
    queue.clear();
    return;
  }
  queue.consume(static_cast<size_t>(n));
  bytes_out_ += static_cast<uint64_t>(n);
}

bool ChannelPump::write_channel() {
  bool progress = false;
  window_wait_ = false;
  LIBSSH2_CHANNEL* ch = channel_.get();
  while (!to_channel_.empty() && !session_.transport().congested()) {
    ssize_t rc = libssh2_channel_write_ex(ch, 0, reinterpret_cast<const char*>(to_channel_.data()),
                                          to_channel_.size());
    if (rc == LIBSSH2_ERROR_EAGAIN) {
      window_wait_ = true;  // the server's window is closed until it adjusts it
      break;
    }
    if (rc < 0) {
      if (remote_eof_) {  // it stopped reading: what is left has nowhere to go
        to_channel_.clear();
        in_eof_ = true;
        break;
      }
      fail(session_error(session_.get(), static_cast<int>(rc), "write to the channel").message);
      return true;
    }
    to_channel_.consume(static_cast<size_t>(rc));
    bytes_in_ += static_cast<uint64_t>(rc);
    progress = true;
  }
  if (in_eof_ && to_channel_.empty() && !eof_sent_) {
    int rc = libssh2_channel_send_eof(ch);
    if (rc == 0 || (rc != LIBSSH2_ERROR_EAGAIN)) {
      eof_sent_ = true;  // an error here means the channel is closing anyway
      progress = true;
    }
  }
  return progress;
}

bool ChannelPump::read_channel(int stream, ByteQueue& queue) {
  bool progress = false;
  char buffer[32 * 1024];
  while (queue.size() < kBufferLimit) {
    size_t room = std::min(sizeof buffer, kBufferLimit - queue.size());
    ssize_t rc = libssh2_channel_read_ex(channel_.get(), stream, buffer, room);
    if (rc == LIBSSH2_ERROR_EAGAIN || rc == 0) break;
    if (rc < 0) {
      fail(session_error(session_.get(), static_cast<int>(rc), "read from the channel").message);
      return true;
    }
    // Output whose reader went away is read and dropped, so the remote side can finish.
    int fd = stream == 0 ? ends_.out : ends_.err;
    if (fd >= 0) queue.append(buffer, static_cast<size_t>(rc));
    progress = true;
  }
  return progress;
}

bool ChannelPump::pump() {
  if (finished_) return false;
  bool progress = write_channel();
  if (failed()) return true;
  bool room_out = to_out_.size() < kBufferLimit;
  bool room_err = to_err_.size() < kBufferLimit;
  // Both streams share the channel's window: read neither while one of them is full, or the
  // other's unread data would pile up inside libssh2.
  if (room_out && room_err && !remote_eof_) {
    progress |= read_channel(0, to_out_);
    if (!ends_.sockets && !failed()) progress |= read_channel(SSH_EXTENDED_DATA_STDERR, to_err_);
    if (failed()) return true;
    if (libssh2_channel_eof(channel_.get())) {
      remote_eof_ = true;
      progress = true;
    }
  }
  write_local(ends_.out, to_out_, false);
  write_local(ends_.err, to_err_, false);
  if (ends_.sockets && remote_eof_ && to_out_.empty() && !out_shut_ && ends_.out >= 0) {
    ::shutdown(ends_.out, SHUT_WR);  // the far end finished sending: pass the half-close on
    out_shut_ = true;
  }
  progress |= check_close();
  return progress;
}

bool ChannelPump::check_close() {
  if (!remote_eof_ || finished_) return false;
  int rc = libssh2_channel_wait_closed(channel_.get());
  if (rc == LIBSSH2_ERROR_EAGAIN) return false;
  // Closed (or the close failed, which ends the channel as surely): done once written out.
  if (to_out_.empty() && to_err_.empty()) {
    finished_ = true;
    return true;
  }
  return false;
}

bool ChannelPump::wants_network() const {
  if (finished_ || failed()) return false;
  bool room = to_out_.size() < kBufferLimit && to_err_.size() < kBufferLimit;
  return (room && !remote_eof_) || window_wait_ || (in_eof_ && !eof_sent_) || remote_eof_;
}

void ChannelPump::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

void ChannelPump::flush_local(int ms) {
  auto drain = [&](int fd, ByteQueue& queue) {
    while (!queue.empty() && fd >= 0) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, ms) <= 0) {
        queue.clear();
        return;
      }
      write_local(fd, queue, true);
      if (fd == ends_.out && ends_.out < 0) return;
      if (fd == ends_.err && ends_.err < 0) return;
    }
  };
  drain(ends_.out, to_out_);
  drain(ends_.err, to_err_);
}

}  // namespace wgnet::ssh
