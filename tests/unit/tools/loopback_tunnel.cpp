#include "tools/loopback_tunnel.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

namespace wgnet::test {
namespace {

using std::chrono::milliseconds;

Error os_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  return sa;
}

Endpoint endpoint_of(const sockaddr_in& sa) {
  const auto* b = reinterpret_cast<const uint8_t*>(&sa.sin_addr.s_addr);
  return Endpoint{IpAddress::v4(b[0], b[1], b[2], b[3]), ntohs(sa.sin_port)};
}

Endpoint local_of(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return endpoint_of(sa);
}

Endpoint remote_of(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  ::getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return endpoint_of(sa);
}

// Waits for `events` on fd; false on timeout. timeout 0 = forever.
bool wait_for(int fd, short events, milliseconds timeout) {
  pollfd p{fd, events, 0};
  int ms = timeout.count() > 0 ? static_cast<int>(timeout.count()) : -1;
  int r;
  do {
    r = ::poll(&p, 1, ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

class LoopbackListener : public TcpListener {
 public:
  LoopbackListener(Fd fd, int limit) : fd_(std::move(fd)), limit_(limit) {}
  Endpoint local() const override { return local_of(fd_.get()); }
  int fd() const override { return fd_.get(); }
  // Shutting a listening socket down wakes poll (and accept fails) on Linux.
  void close() override {
    closed_ = true;
    ::shutdown(fd_.get(), SHUT_RDWR);
  }
  Result<Connection> accept(milliseconds timeout) override {
    if (closed_) return make_error(ErrorCode::kClosed, "the listener was closed");
    if (limit_ >= 0 && accepted_ >= limit_) {
      return make_error(ErrorCode::kClosed, "the tunnel was closed");
    }
    if (!wait_for(fd_.get(), POLLIN, timeout))
      return make_error(ErrorCode::kTimeout, "no connection");
    Fd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) return os_error("accept");
    ++accepted_;
    Endpoint local = local_of(conn.get()), remote = remote_of(conn.get());
    return Connection{std::move(conn), local, remote};
  }

 private:
  Fd fd_;
  int limit_;
  int accepted_ = 0;
  std::atomic<bool> closed_{false};
};

class LoopbackUdpSocket : public UdpSocket {
 public:
  explicit LoopbackUdpSocket(Fd fd) : fd_(std::move(fd)) {}
  Endpoint local() const override { return local_of(fd_.get()); }
  int fd() const override { return fd_.get(); }
  void close() override { ::shutdown(fd_.get(), SHUT_RDWR); }
  Result<size_t> recv_from(std::span<uint8_t> buf, Endpoint& from, milliseconds timeout) override {
    if (!wait_for(fd_.get(), POLLIN, timeout))
      return make_error(ErrorCode::kTimeout, "no datagram");
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    ssize_t n =
        ::recvfrom(fd_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&sa), &len);
    if (n < 0) return os_error("recvfrom");
    from = endpoint_of(sa);
    return static_cast<size_t>(n);
  }
  Result<void> send_to(std::span<const uint8_t> data, const Endpoint& to) override {
    sockaddr_in sa = loopback(to.port);
    if (::sendto(fd_.get(), data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&sa),
                 sizeof sa) < 0) {
      return os_error("sendto");
    }
    return {};
  }

 private:
  Fd fd_;
};

}  // namespace

Result<IpAddress> LoopbackTunnel::pick_address(const std::string& host,
                                               const DialOptions& options) {
  ++dials_;
  auto literal = IpAddress::parse(host);
  if (!literal && options.numeric_only) {
    return make_error(ErrorCode::kInvalidArgument, "`" + host + "' is not an IP address");
  }
  if (options.family == AddressFamily::kV6) {
    return make_error(ErrorCode::kResolve, "`" + host + "' has no IPv6 address here");
  }
  auto addresses = resolve(host, options.family);
  if (!addresses) return addresses.error();
  if (addresses->front() != IpAddress::v4(127, 0, 0, 1)) {
    return make_error(ErrorCode::kNetwork, "the loopback double only reaches 127.0.0.1");
  }
  return addresses->front();
}

Result<Connection> LoopbackTunnel::dial_tcp(const std::string& host, uint16_t port,
                                            const DialOptions& options) {
  auto ip = pick_address(host, options);
  if (!ip) return ip.error();
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return os_error("socket");
  sockaddr_in sa = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) {
    if (errno == ECONNREFUSED) return make_error(ErrorCode::kConnectRefused, "Connection refused");
    if (errno != EINPROGRESS) return os_error("connect");
    milliseconds limit = options.timeout.count() > 0 ? options.timeout : options.attempt_timeout;
    if (!wait_for(fd.get(), POLLOUT, limit)) {
      return make_error(ErrorCode::kTimeout, "connection timed out");
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == ECONNREFUSED) return make_error(ErrorCode::kConnectRefused, "Connection refused");
    if (err != 0) return make_error(ErrorCode::kNetwork, std::strerror(err));
  }
  // Hand out a blocking socket, as a socketpair end from the real tunnel would be.
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  Endpoint local = local_of(fd.get()), remote = remote_of(fd.get());
  return Connection{std::move(fd), local, remote};
}

Result<Connection> LoopbackTunnel::dial_udp(const std::string& host, uint16_t port,
                                            const DialOptions& options) {
  auto ip = pick_address(host, options);
  if (!ip) return ip.error();
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return os_error("socket");
  sockaddr_in sa = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
    return os_error("connect");
  Endpoint local = local_of(fd.get()), remote = remote_of(fd.get());
  return Connection{std::move(fd), local, remote};
}

Result<Fd> LoopbackTunnel::bound_socket(int type, const std::string& address, uint16_t requested) {
  if (!address.empty() && address != "127.0.0.1") {
    return make_error(ErrorCode::kInvalidArgument, "`" + address + "' is not one of our addresses");
  }
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd) return os_error("socket");
  sockaddr_in sa = loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) return os_error("bind");
  // A backlog like a real server's: tests open 50 connections at once.
  if (type == SOCK_STREAM && ::listen(fd.get(), SOMAXCONN) < 0) return os_error("listen");
  {
    std::lock_guard lock(mutex_);
    bound_[requested] = local_of(fd.get()).port;
  }
  bound_cv_.notify_all();
  return fd;
}

Result<std::unique_ptr<TcpListener>> LoopbackTunnel::listen_tcp(const std::string& address,
                                                                uint16_t port) {
  auto fd = bound_socket(SOCK_STREAM, address, port);
  if (!fd) return fd.error();
  return std::unique_ptr<TcpListener>(
      std::make_unique<LoopbackListener>(std::move(*fd), accept_limit_));
}

Result<Connection> LoopbackTunnel::listen_udp_first(const std::string& address, uint16_t port,
                                                    milliseconds timeout) {
  auto fd = bound_socket(SOCK_DGRAM, address, port);
  if (!fd) return fd.error();
  if (!wait_for(fd->get(), POLLIN, timeout)) return make_error(ErrorCode::kTimeout, "no datagram");
  // Peek, so the first datagram stays for the caller to read, as nc -u -l does.
  sockaddr_in from{};
  socklen_t len = sizeof from;
  char byte;
  if (::recvfrom(fd->get(), &byte, 1, MSG_PEEK, reinterpret_cast<sockaddr*>(&from), &len) < 0) {
    return os_error("recvfrom");
  }
  if (::connect(fd->get(), reinterpret_cast<sockaddr*>(&from), len) < 0) return os_error("connect");
  Endpoint local = local_of(fd->get());
  return Connection{std::move(*fd), local, endpoint_of(from)};
}

Result<std::unique_ptr<UdpSocket>> LoopbackTunnel::bind_udp(const std::string& address,
                                                            uint16_t port) {
  auto fd = bound_socket(SOCK_DGRAM, address, port);
  if (!fd) return fd.error();
  return std::unique_ptr<UdpSocket>(std::make_unique<LoopbackUdpSocket>(std::move(*fd)));
}

Result<std::vector<IpAddress>> LoopbackTunnel::resolve(const std::string& name, AddressFamily,
                                                       milliseconds timeout) {
  if (auto literal = IpAddress::parse(name)) return std::vector<IpAddress>{*literal};
  last_resolve_timeout_ = timeout;
  if (name == "localhost") return std::vector<IpAddress>{IpAddress::v4(127, 0, 0, 1)};
  if (name == "silent.test") {
    // As the resolver: a timeout of the caller's ends in kTimeout, its own rounds in kResolve.
    if (timeout.count() > 0) {
      std::this_thread::sleep_for(timeout);
      return make_error(ErrorCode::kTimeout, "could not resolve silent.test: no reply within the " +
                                                 std::to_string(timeout.count()) + " ms allowed");
    }
    std::this_thread::sleep_for(milliseconds(6000));
    return make_error(ErrorCode::kResolve, "could not resolve silent.test: no reply (3 attempts)");
  }
  return make_error(ErrorCode::kResolve, "`" + name + "' not found through the tunnel's DNS");
}

std::vector<IpPrefix> LoopbackTunnel::addresses() const {
  return {IpPrefix{IpAddress::v4(127, 0, 0, 1), 32}};
}

TunnelStats LoopbackTunnel::stats() const {
  TunnelStats s;
  s.handshake_time = milliseconds(3);
  s.peer_public_key = "loopback";
  s.peer_endpoint = "127.0.0.1:51820";
  return s;
}

std::optional<uint16_t> LoopbackTunnel::wait_listening(uint16_t requested, milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!bound_cv_.wait_for(lock, timeout, [&] { return bound_.count(requested) > 0; })) {
    return std::nullopt;
  }
  return bound_[requested];
}

}  // namespace wgnet::test
