#include "io/socket_pair.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace wgnet::io {
namespace {

// Room for a good part of a 1 MiB TCP window on each side of the pair, so bulk transfers are
// not limited by the socketpair. For AF_UNIX the sender's SO_SNDBUF bounds what may sit unread
// at the receiver; the kernel caps it at net.core.wmem_max.
constexpr int kSocketBuffer = 1024 * 1024;

Error os_error(const char* what) {
  return make_error(ErrorCode::kIo, std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Result<SocketPairEnds> make_socket_pair(int type) {
  int sv[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0) return os_error("socketpair");
  SocketPairEnds ends{Fd(sv[0]), Fd(sv[1])};
  int flags = ::fcntl(ends.loop.get(), F_GETFL);
  if (flags < 0 || ::fcntl(ends.loop.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return os_error("fcntl(O_NONBLOCK)");
  }
  for (int fd : {ends.app.get(), ends.loop.get()}) {
    // Best effort: a smaller buffer only costs throughput.
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  }
  return ends;
}

}  // namespace wgnet::io
