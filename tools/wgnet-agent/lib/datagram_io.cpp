#include "datagram_io.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace wgnet::forward {
namespace {

bool is_seqpacket(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
}

}  // namespace

Received receive_datagram(int fd, std::span<uint8_t> buf, size_t& length) {
  ssize_t n;
  do {
    n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    // ECONNREFUSED: an ICMP port unreachable for an earlier datagram; the session goes on.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return Received::kNone;
    return Received::kClosed;
  }
  if (n == 0 && is_seqpacket(fd)) return Received::kClosed;
  length = static_cast<size_t>(n);
  return Received::kDatagram;
}

bool send_datagram(int fd, std::span<const uint8_t> data) {
  ssize_t n;
  do {
    n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n >= 0;
}

}  // namespace wgnet::forward
