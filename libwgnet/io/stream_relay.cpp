// relay_streams (wgnet/relay.hpp): one poll() loop, one buffer per direction. A direction with
// bytes it could not write yet waits for POLLOUT on its destination and stops reading its source,
// so a slow receiver slows its sender (TCP's own back-pressure, through us) instead of growing a
// buffer.
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <vector>

#include "wgnet/relay.hpp"

namespace wgnet {
namespace {

constexpr size_t kBufferSize = 64 * 1024;

// One direction: from -> to.
struct Direction {
  int from = -1;
  int to = -1;
  std::vector<char> buffer = std::vector<char>(kBufferSize);
  size_t start = 0;  // unsent bytes are buffer[start, end)
  size_t end = 0;
  bool eof = false;     // `from` reached end of stream
  bool closed = false;  // eof seen and passed on: nothing more to do
  uint64_t total = 0;

  bool pending() const { return start < end; }
  bool wants_read() const { return !eof && !pending(); }

  // false on a hard error.
  bool read() {
    ssize_t n = ::recv(from, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n > 0) {
      start = 0;
      end = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      eof = true;
      return true;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }

  bool write() {
    while (pending()) {
      ssize_t n = ::send(to, buffer.data() + start, end - start, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      start += static_cast<size_t>(n);
      total += static_cast<uint64_t>(n);
    }
    return true;
  }

  // Passes the end of stream on once everything before it is written.
  void finish_if_done() {
    if (eof && !pending() && !closed) {
      ::shutdown(to, SHUT_WR);
      closed = true;
    }
  }
};

}  // namespace

RelayTotals relay_streams(int a, int b, int cancel_fd) {
  std::array<Direction, 2> dirs{};
  dirs[0].from = a, dirs[0].to = b;
  dirs[1].from = b, dirs[1].to = a;
  RelayTotals totals;
  bool failed = false;
  while (!failed && !(dirs[0].closed && dirs[1].closed)) {
    // One pollfd per socket: a socket may be one direction's source and the other's sink.
    std::array<pollfd, 3> fds{};
    fds[0].fd = a;
    fds[1].fd = b;
    fds[2].fd = cancel_fd;  // negative: ignored by poll
    fds[2].events = POLLIN;
    for (size_t i = 0; i < 2; ++i) {
      if (dirs[i].wants_read()) fds[i].events |= POLLIN;
      if (dirs[i].pending()) fds[1 - i].events |= POLLOUT;
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (cancel_fd >= 0 && (fds[2].revents & POLLIN) != 0) {
      totals.cancelled = true;
      break;
    }
    for (size_t i = 0; i < 2 && !failed; ++i) {
      Direction& d = dirs[i];
      const short source_events = fds[i].revents;
      const short sink_events = fds[1 - i].revents;
      if ((sink_events & POLLOUT) != 0 && !d.write()) failed = true;
      // POLLHUP/POLLERR on the source: read to learn whether it is EOF or an error.
      if (!failed && d.wants_read() && (source_events & (POLLIN | POLLHUP | POLLERR)) != 0) {
        failed = !d.read() || !d.write();
      }
      d.finish_if_done();
    }
    // A sink that hung up for good while bytes wait for it: nothing more can be delivered.
    for (size_t i = 0; i < 2; ++i) {
      if (dirs[i].pending() && (fds[1 - i].revents & (POLLERR | POLLNVAL)) != 0) failed = true;
    }
  }
  totals.a_to_b = dirs[0].total;
  totals.b_to_a = dirs[1].total;
  return totals;
}

}  // namespace wgnet
