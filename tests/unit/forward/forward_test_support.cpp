#include "forward/forward_test_support.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "accept_loop.hpp"
#include "connection_threads.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::forward::test {
namespace {

// 127.0.0.1:port as the OS wants it; returns its length.
socklen_t loopback(uint16_t port, sockaddr_storage& ss) {
  return to_sockaddr(Endpoint{IpAddress::v4(127, 0, 0, 1), port}, ss);
}

uint16_t bound_port(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

void set_timeouts(int fd, std::chrono::milliseconds limit) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

Fd bound_socket(int type) {
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  sockaddr_storage ss;
  socklen_t len = loopback(0, ss);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len), 0);
  return fd;
}

void send_all(int fd, const std::string& data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Waits for fd or stop_fd; true when fd is readable and stop_fd is not.
bool readable_unless_stopped(int fd, int stop_fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0 && errno == EINTR) {
  }
  return fds[1].revents == 0 && fds[0].revents != 0;
}

}  // namespace

EchoTcpServer::EchoTcpServer()
    : listener_(bound_socket(SOCK_STREAM)), stop_(::eventfd(0, EFD_CLOEXEC)) {
  EXPECT_EQ(::listen(listener_.get(), 128), 0);
  port_ = bound_port(listener_.get());
  thread_ = std::thread([this] { run(); });
}

void EchoTcpServer::run() {
  // The forwards' own accept loop and reaper: the server holds no thread per past connection.
  auto threads = ConnectionThreads::create();
  ASSERT_TRUE(threads);
  run_accept_loop(listener_.get(), stop_.get(), 4096, *threads, [&] {
    Fd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) return true;
    ++connections_;
    set_timeouts(conn.get(), 5000ms);
    auto spawned = threads->spawn([c = std::make_shared<Fd>(std::move(conn)), stop = stop_.get()] {
      std::string got;
      char buf[4096];
      // Until the client's half-close (or the test's end), then one answer.
      while (readable_unless_stopped(c->get(), stop)) {
        ssize_t n = ::recv(c->get(), buf, sizeof buf, 0);
        if (n <= 0) {
          if (n == 0) send_all(c->get(), "echo:" + got);
          return;
        }
        got.append(buf, static_cast<size_t>(n));
      }
    });
    EXPECT_TRUE(spawned);
    return true;
  });
}

EchoTcpServer::~EchoTcpServer() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_.get(), &one, sizeof one);
  thread_.join();
}

Fd connect_to(const Endpoint& to) {
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(to, ss);
  Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  set_timeouts(fd.get(), 5000ms);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return Fd{};
  return fd;
}

Fd connect_loopback(uint16_t port) {
  return connect_to(Endpoint{IpAddress::v4(127, 0, 0, 1), port});
}

std::string read_to_end(int fd) {
  std::string got;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<size_t>(n));
  }
}

std::string exchange(int fd, const std::string& payload) {
  send_all(fd, payload);
  ::shutdown(fd, SHUT_WR);
  return read_to_end(fd);
}

Fd udp_client(std::chrono::milliseconds timeout) {
  Fd fd = bound_socket(SOCK_DGRAM);
  set_timeouts(fd.get(), timeout);
  return fd;
}

std::string udp_exchange(int fd, uint16_t port, const std::string& payload) {
  sockaddr_storage to;
  socklen_t len = loopback(port, to);
  ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), len);
  char buf[65536];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

uint16_t unused_port() {
  Fd fd = bound_socket(SOCK_STREAM);
  return bound_port(fd.get());
}

ForwarderRun::ForwarderRun(ForwardOptions options, int verbosity)
    : diag_("wgnet-agent", verbosity,
            [this](std::string_view line) {
              std::lock_guard lock(mutex_);
              lines_.emplace_back(line);
            }),
      forwarder_(tunnel_, diag_, options) {}

void ForwarderRun::add(Direction direction, const std::string& text) {
  auto spec = parse_forward_spec(direction, text);
  ASSERT_TRUE(spec) << spec.error().message;
  forwarder_.add(*spec);
}

uint16_t ForwarderRun::port(size_t index) const {
  auto bound = forwarder_.bound();
  return index < bound.size() ? bound[index].listening.port : 0;
}

std::vector<std::string> ForwarderRun::lines() {
  std::lock_guard lock(mutex_);
  return lines_;
}

}  // namespace wgnet::forward::test
