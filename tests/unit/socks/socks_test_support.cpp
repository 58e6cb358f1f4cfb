#include "socks/socks_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace wgnet::test {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  return sa;
}

uint16_t local_port(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

void signal_eventfd(int fd) {
  uint64_t one = 1;
  (void)!::write(fd, &one, sizeof one);
}

}  // namespace

// ---- SocksTestTunnel ----

Result<Connection> SocksTestTunnel::dial_tcp(const std::string& host, uint16_t port,
                                             const DialOptions& options) {
  {
    std::lock_guard lock(mutex_);
    last_dial_host_ = host;
  }
  last_dial_timeout_ = options.timeout;
  if (host == "timeout.test") return make_error(ErrorCode::kTimeout, "connection timed out");
  if (host == "handshake.test") {
    return make_error(ErrorCode::kHandshakeTimeout, "no WireGuard handshake with the peer");
  }
  if (host == "broken.test") return make_error(ErrorCode::kInternal, "out of memory");
  return LoopbackTunnel::dial_tcp(host, port, options);
}

Result<std::vector<IpAddress>> SocksTestTunnel::resolve(const std::string& name,
                                                        AddressFamily family,
                                                        std::chrono::milliseconds timeout) {
  if (name == "tunnel-only.test") return std::vector<IpAddress>{IpAddress::v4(127, 0, 0, 1)};
  return LoopbackTunnel::resolve(name, family, timeout);
}

std::string SocksTestTunnel::last_dial_host() {
  std::lock_guard lock(mutex_);
  return last_dial_host_;
}

// ---- SocksServer ----

SocksServer::SocksServer(Tunnel& tunnel, Socks5Options options)
    : tunnel_(tunnel), options_(std::move(options)) {
  listener_ = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(0);
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
      ::listen(listener_.get(), 16) < 0) {
    throw std::runtime_error("SOCKS test listener");
  }
  port_ = local_port(listener_.get());
  start();
}

SocksServer::SocksServer(Tunnel& tunnel, Socks5Options options, std::string path)
    : tunnel_(tunnel), options_(std::move(options)), path_(std::move(path)) {
  listener_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path_.c_str(), sizeof sa.sun_path - 1);
  ::unlink(path_.c_str());
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
      ::listen(listener_.get(), 16) < 0) {
    throw std::runtime_error("SOCKS test Unix listener " + path_);
  }
  start();
}

void SocksServer::start() {
  cancel_ = Fd(::eventfd(0, EFD_CLOEXEC));
  options_.log = [this](LogLevel, const std::string& line) {
    std::lock_guard lock(mutex_);
    log_.push_back(line);
  };
  acceptor_ = std::thread([this] { accept_loop(); });
}

void SocksServer::accept_loop() {
  for (;;) {
    std::array<pollfd, 2> fds{};
    fds[0] = {listener_.get(), POLLIN, 0};
    fds[1] = {cancel_.get(), POLLIN, 0};
    if (::poll(fds.data(), fds.size(), -1) <= 0 || fds[1].revents != 0) return;
    Fd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) continue;
    std::lock_guard lock(mutex_);
    sessions_.emplace_back(
        [this, fd = client.release()] { serve_socks5(tunnel_, Fd(fd), options_, cancel_.get()); });
  }
}

SocksServer::~SocksServer() {
  signal_eventfd(cancel_.get());
  acceptor_.join();
  for (auto& t : sessions_) t.join();  // the acceptor has stopped adding
  if (!path_.empty()) ::unlink(path_.c_str());
}

std::vector<std::string> SocksServer::log_lines() {
  std::lock_guard lock(mutex_);
  return log_;
}

// ---- sockets ----

Fd connect_tcp(uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) return Fd();
  return fd;
}

Fd listen_tcp(uint16_t& port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
      ::listen(fd.get(), 4) < 0) {
    return Fd();
  }
  port = local_port(fd.get());
  return fd;
}

uint16_t closed_port() {
  uint16_t port = 0;
  Fd fd = listen_tcp(port);
  return port;  // closed as fd goes
}

void send_bytes(int fd, const std::vector<uint8_t>& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::vector<uint8_t> read_bytes(int fd, size_t n) {
  std::vector<uint8_t> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !readable(fd, static_cast<int>(left.count()))) break;
    std::array<uint8_t, 4096> buf{};
    ssize_t got = ::recv(fd, buf.data(), std::min(buf.size(), n - out.size()), 0);
    if (got <= 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + got);
  }
  return out;
}

std::string read_to_eof(int fd) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !readable(fd, static_cast<int>(left.count()))) break;
    char buf[4096];
    ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got <= 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

bool closes_without_data(int fd) {
  if (!readable(fd, 5000)) return false;
  char byte;
  return ::recv(fd, &byte, 1, 0) <= 0;
}

}  // namespace wgnet::test
