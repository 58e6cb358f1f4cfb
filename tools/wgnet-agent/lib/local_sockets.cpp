#include "local_sockets.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "wgnet/sockaddr.hpp"

namespace wgnet::forward {
namespace {

Error os_error(ErrorCode code, int err) {
  return make_error(code, std::strerror(err));
}

struct AddrinfoDeleter {
  void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};
using Addrinfo = std::unique_ptr<addrinfo, AddrinfoDeleter>;

Result<Addrinfo> lookup(const std::string& host, uint16_t port, int socktype, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_NUMERICSERV | flags;
  addrinfo* result = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
  if (rc != 0) {
    return make_error(ErrorCode::kResolve,
                      "no such local host '" + host + "' (" + ::gai_strerror(rc) + ")");
  }
  return Addrinfo(result);
}

// socket + options + bind (+ listen); the errno of the failing call on failure.
Result<Fd> bind_one(int family, const sockaddr* addr, socklen_t len, bool udp, bool dual_stack) {
  Fd fd(::socket(family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return os_error(ErrorCode::kIo, errno);
  int one = 1;
  if (!udp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) {
    int v6only = dual_stack ? 0 : 1;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (::bind(fd.get(), addr, len) != 0) return os_error(ErrorCode::kIo, errno);
  if (!udp && ::listen(fd.get(), SOMAXCONN) != 0) return os_error(ErrorCode::kIo, errno);
  return fd;
}

// Non-blocking connect to one address, waiting for it or for stop_fd.
Result<Fd> connect_one(const addrinfo& ai, int stop_fd, std::chrono::milliseconds timeout) {
  Fd fd(::socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return os_error(ErrorCode::kIo, errno);
  if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno == ECONNREFUSED) return os_error(ErrorCode::kConnectRefused, errno);
    if (errno != EINPROGRESS) return os_error(ErrorCode::kNetwork, errno);
    pollfd fds[2] = {{fd.get(), POLLOUT, 0}, {stop_fd, POLLIN, 0}};
    int r;
    do {
      r = ::poll(fds, stop_fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
    if (fds[1].revents != 0) return make_error(ErrorCode::kClosed, "the forward was stopped");
    if (r == 0) return make_error(ErrorCode::kTimeout, "Connection timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      return os_error(err == ECONNREFUSED ? ErrorCode::kConnectRefused : ErrorCode::kNetwork, err);
    }
  }
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Result<Fd> listen_local(const std::string& address, uint16_t port, bool udp) {
  if (address == "*") {
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(port);
    // IPv6 (dual-stack) unless this machine has no IPv6 at all.
    if (Fd probe(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)); probe) {
      return bind_one(AF_INET6, reinterpret_cast<sockaddr*>(&any6), sizeof any6, udp, true);
    }
    sockaddr_in any4{};
    any4.sin_family = AF_INET;
    any4.sin_addr.s_addr = htonl(INADDR_ANY);
    any4.sin_port = htons(port);
    return bind_one(AF_INET, reinterpret_cast<sockaddr*>(&any4), sizeof any4, udp, false);
  }
  auto ai = lookup(address, port, udp ? SOCK_DGRAM : SOCK_STREAM, AI_PASSIVE);
  if (!ai) return ai.error();
  // The first address that binds: "localhost" is ::1 and 127.0.0.1, either one will do.
  Result<Fd> last = make_error(ErrorCode::kIo, "no address to bind");
  for (const addrinfo* p = ai->get(); p != nullptr; p = p->ai_next) {
    last = bind_one(p->ai_family, p->ai_addr, p->ai_addrlen, udp, false);
    if (last) return last;
  }
  return last;
}

Result<Fd> connect_local_tcp(const std::string& host, uint16_t port, int stop_fd,
                             std::chrono::milliseconds timeout) {
  auto ai = lookup(host, port, SOCK_STREAM, 0);
  if (!ai) return ai.error();
  Result<Fd> last = make_error(ErrorCode::kNetwork, "no address to connect to");
  for (const addrinfo* p = ai->get(); p != nullptr; p = p->ai_next) {
    last = connect_one(*p, stop_fd, timeout);
    if (last || last.error().code == ErrorCode::kClosed) return last;
  }
  return last;
}

Result<Fd> connect_local_udp(const std::string& host, uint16_t port) {
  auto ai = lookup(host, port, SOCK_DGRAM, 0);
  if (!ai) return ai.error();
  const addrinfo& first = *ai->get();
  Fd fd(::socket(first.ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return os_error(ErrorCode::kIo, errno);
  if (::connect(fd.get(), first.ai_addr, first.ai_addrlen) != 0) {
    return os_error(ErrorCode::kNetwork, errno);
  }
  return fd;
}

Endpoint local_endpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len).value_or(Endpoint{});
}

}  // namespace wgnet::forward
