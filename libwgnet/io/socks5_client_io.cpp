#include "io/socks5_client_io.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace wgnet::io::socks5 {
namespace {

// One read's worth: more than any SOCKS message, so a request rarely takes two reads.
constexpr size_t kReadSize = 512;

}  // namespace

bool ClientIo::wait(short events) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) return false;
    std::array<pollfd, 2> fds{};
    fds[0] = {client_, events, 0};
    fds[1] = {cancel_fd_, POLLIN, 0};  // negative fd: ignored by poll
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if ((fds[1].revents & POLLIN) != 0) return false;
    // POLLHUP/POLLERR count as ready: the recv/send that follows reports what happened.
    if (fds[0].revents != 0) return true;
  }
}

bool ClientIo::receive_more() {
  if (!wait(POLLIN)) return false;
  std::array<uint8_t, kReadSize> chunk{};
  const ssize_t n = ::recv(client_, chunk.data(), chunk.size(), MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  if (n == 0) return false;  // closed before finishing its message
  buffer_.insert(buffer_.end(), chunk.begin(), chunk.begin() + n);
  return true;
}

bool ClientIo::send(std::span<const uint8_t> bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(client_, bytes.data() + sent, bytes.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    if (!wait(POLLOUT)) return false;
  }
  return true;
}

}  // namespace wgnet::io::socks5
