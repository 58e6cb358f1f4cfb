#include "relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace wgnet::tools {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kStreamBuffer = 64 * 1024;
constexpr size_t kMaxDatagram = 65507;  // the largest UDP payload over IPv4

bool transient(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

// Bytes read from one side and not yet written to the other.
struct Pending {
  std::vector<uint8_t> data;
  size_t offset = 0;
  bool empty() const { return offset >= data.size(); }
  void clear() {
    data.clear();
    offset = 0;
  }
};

class Relay {
 public:
  Relay(int net, RelayStreams& streams, const RelayOptions& options)
      : net_(net), streams_(streams), options_(options) {}

  RelayResult run();

 private:
  int poll_timeout_ms(Clock::time_point now) const;
  bool deadline_passed(Clock::time_point now);
  void read_stdin();
  void write_net();
  void read_net();
  void write_stdout();
  void after_stdin_drained();
  void session_over(RelayEnd end);
  void finish(RelayEnd end, std::string error = {});
  void flush_stdout();
  void warn(const std::string& message) const {
    if (options_.on_warning) options_.on_warning(message);
  }

  int net_;
  RelayStreams& streams_;
  const RelayOptions& options_;
  Pending to_net_;
  Pending to_out_;
  bool net_writable_ = true;  // false after -N shutdown or a failed write
  bool done_ = false;
  bool stdin_drained_ = false;
  // -q: the session is over and we wait until then before ending (Debian nc's alarm()).
  std::optional<Clock::time_point> linger_until_;
  Clock::time_point last_activity_ = Clock::now();
  RelayResult result_;
};

RelayResult Relay::run() {
  int flags = ::fcntl(net_, F_GETFL);
  if (flags >= 0) ::fcntl(net_, F_SETFL, flags | O_NONBLOCK);
  after_stdin_drained();  // stdin may already be at EOF (a second session under -k)

  while (!done_) {
    auto now = Clock::now();
    if (deadline_passed(now)) break;

    pollfd fds[3] = {};
    bool lingering = linger_until_.has_value();
    bool want_stdin = !lingering && !streams_.in_at_eof && to_net_.empty() && net_writable_;
    fds[0] = {want_stdin ? streams_.in : -1, POLLIN, 0};
    short net_events = lingering ? 0
                                 : (to_out_.empty() ? POLLIN : 0) |
                                       (!to_net_.empty() && net_writable_ ? POLLOUT : 0);
    // A descriptor polled for nothing still reports POLLHUP/POLLERR: leave it out instead.
    fds[1] = {net_events ? net_ : -1, net_events, 0};
    fds[2] = {to_out_.empty() ? -1 : streams_.out, POLLOUT, 0};

    int ready = ::poll(fds, 3, poll_timeout_ms(now));
    if (ready < 0) {
      if (errno == EINTR) continue;
      finish(RelayEnd::kNetworkError, std::string("poll: ") + std::strerror(errno));
      break;
    }
    if (ready == 0) continue;  // a deadline; checked at the top
    if (fds[0].revents) read_stdin();
    if (!done_ && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) && !to_net_.empty()) write_net();
    if (!done_ && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) && to_out_.empty()) read_net();
    if (!done_ && fds[2].revents) write_stdout();
    if (!done_) after_stdin_drained();
  }
  if (result_.end != RelayEnd::kOutputClosed) flush_stdout();
  return result_;
}

int Relay::poll_timeout_ms(Clock::time_point now) const {
  std::optional<Clock::time_point> deadline;
  if (options_.idle_timeout) deadline = last_activity_ + *options_.idle_timeout;
  if (linger_until_) deadline = deadline ? std::min(*deadline, *linger_until_) : *linger_until_;
  if (!deadline) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60 * 60 * 1000));
}

bool Relay::deadline_passed(Clock::time_point now) {
  if (linger_until_ && now >= *linger_until_) {
    finish(RelayEnd::kQuitAfterEof);
  } else if (options_.idle_timeout && now >= last_activity_ + *options_.idle_timeout) {
    finish(RelayEnd::kIdleTimeout);
  }
  return done_;
}

void Relay::read_stdin() {
  to_net_.data.resize(options_.datagram ? kMaxDatagram : kStreamBuffer);
  ssize_t n = ::read(streams_.in, to_net_.data.data(), to_net_.data.size());
  if (n < 0 && transient(errno)) {
    to_net_.clear();
    return;
  }
  if (n <= 0) {  // EOF, or an error that ends stdin all the same (EIO on a vanished tty)
    to_net_.clear();
    streams_.in_at_eof = true;
    return;
  }
  to_net_.data.resize(static_cast<size_t>(n));
  to_net_.offset = 0;
  last_activity_ = Clock::now();
}

void Relay::write_net() {
  size_t left = to_net_.data.size() - to_net_.offset;
  ssize_t n = ::send(net_, to_net_.data.data() + to_net_.offset, left, MSG_NOSIGNAL);
  if (n < 0 && transient(errno)) return;
  if (n < 0) {
    if (options_.datagram) {
      // UDP has no connection to lose: report the datagram and go on (ICMP unreachable, size).
      warn("datagram of " + std::to_string(left) + " bytes not sent: " + std::strerror(errno));
      to_net_.clear();
      return;
    }
    // The far end stopped reading (EPIPE, reset): as nc, stop sending but keep reading it.
    warn(std::string("write to the connection: ") + std::strerror(errno));
    to_net_.clear();
    net_writable_ = false;
    return;
  }
  result_.bytes_sent += static_cast<uint64_t>(n);
  last_activity_ = Clock::now();
  if (options_.datagram) {
    to_net_.clear();  // a datagram goes whole or not at all
  } else {
    to_net_.offset += static_cast<size_t>(n);
    if (to_net_.empty()) to_net_.clear();
  }
}

void Relay::read_net() {
  to_out_.data.resize(options_.datagram ? kMaxDatagram : kStreamBuffer);
  ssize_t n = ::recv(net_, to_out_.data.data(), to_out_.data.size(), 0);
  int err = errno;
  if (n < 0 && transient(err)) {
    to_out_.clear();
    return;
  }
  if (n < 0 && options_.datagram && err == ECONNREFUSED) {
    // An earlier datagram met a closed port; the "connection" itself is still there.
    to_out_.clear();
    warn("the remote port is unreachable (Connection refused)");
    return;
  }
  if (n < 0) {
    to_out_.clear();
    finish(RelayEnd::kNetworkError, std::string("read from the connection: ") + std::strerror(err));
    return;
  }
  if (n == 0 && !options_.datagram) {
    to_out_.clear();
    session_over(RelayEnd::kRemoteClosed);
    return;
  }
  to_out_.data.resize(static_cast<size_t>(n));  // an empty datagram is a datagram, not EOF
  to_out_.offset = 0;
  last_activity_ = Clock::now();
}

void Relay::write_stdout() {
  size_t left = to_out_.data.size() - to_out_.offset;
  if (left == 0) {
    to_out_.clear();
    return;
  }
  ssize_t n = ::write(streams_.out, to_out_.data.data() + to_out_.offset, left);
  if (n < 0 && transient(errno)) return;
  if (n < 0) {
    to_out_.clear();
    finish(RelayEnd::kOutputClosed);
    return;
  }
  result_.bytes_received += static_cast<uint64_t>(n);
  last_activity_ = Clock::now();
  to_out_.offset += static_cast<size_t>(n);
  if (to_out_.empty()) to_out_.clear();
}

// Once stdin is at EOF and all of it went out: half-close for -N. A datagram "connection" has
// no EOF of its own: with -q, Debian nc stops reading it here (replies not yet read are lost).
void Relay::after_stdin_drained() {
  if (!streams_.in_at_eof || !to_net_.empty() || stdin_drained_) return;
  stdin_drained_ = true;
  if (options_.half_close && net_writable_ && !options_.datagram) {
    ::shutdown(net_, SHUT_WR);
    net_writable_ = false;
  }
  if (options_.datagram && options_.quit_after_eof) session_over(RelayEnd::kQuitAfterEof);
}

// Both directions are done. Debian nc's -q N waits N seconds more (doing nothing) and then
// quits the program; -q 0 ends here like no -q.
void Relay::session_over(RelayEnd end) {
  if (!options_.quit_after_eof || options_.quit_after_eof->count() <= 0) {
    finish(end);
    return;
  }
  if (!linger_until_) linger_until_ = Clock::now() + *options_.quit_after_eof;
}

void Relay::finish(RelayEnd end, std::string error) {
  if (done_) return;
  done_ = true;
  result_.end = end;
  result_.error = std::move(error);
}

// What was read from the connection before the end still belongs on stdout.
void Relay::flush_stdout() {
  while (!to_out_.empty()) {
    size_t left = to_out_.data.size() - to_out_.offset;
    ssize_t n = ::write(streams_.out, to_out_.data.data() + to_out_.offset, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd out = {streams_.out, POLLOUT, 0};
      if (::poll(&out, 1, 1000) <= 0) return;  // stdout stuck: give up rather than hang
      continue;
    }
    if (n <= 0) return;
    result_.bytes_received += static_cast<uint64_t>(n);
    to_out_.offset += static_cast<size_t>(n);
  }
}

}  // namespace

RelayResult relay(int net_fd, RelayStreams& streams, const RelayOptions& options) {
  return Relay(net_fd, streams, options).run();
}

}  // namespace wgnet::tools
