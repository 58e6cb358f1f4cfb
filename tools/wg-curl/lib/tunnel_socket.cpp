#include "tunnel_socket.hpp"

#include <netinet/in.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "wgnet/sockaddr.hpp"

namespace wgnet::curl {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr size_t kRecentConnections = 8;

// The sockets handed to libcurl, with their tunnel endpoints, for connect(), getpeername()
// and getsockname() below. Process-wide because those functions are; guarded because the
// tunnel's loop thread may call them too.
class ConnectedSockets {
 public:
  static ConnectedSockets& instance() {
    static ConnectedSockets registry;
    return registry;
  }
  void add(int fd, const SocketEndpoints& endpoints) {
    std::lock_guard lock(mutex_);
    fds_[fd] = endpoints;
  }
  void remove(int fd) {
    std::lock_guard lock(mutex_);
    fds_.erase(fd);
  }
  std::optional<SocketEndpoints> find(int fd) {
    std::lock_guard lock(mutex_);
    auto it = fds_.find(fd);
    if (it == fds_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<int, SocketEndpoints> fds_;
};

// getpeername()/getsockname() for a registered socket: the tunnel endpoint, truncated to the
// caller's buffer as the kernel does.
int copy_endpoint(const Endpoint& endpoint, sockaddr* addr, socklen_t* length) {
  sockaddr_storage storage;
  socklen_t size = to_sockaddr(endpoint, storage);
  std::memcpy(addr, &storage, std::min(size, *length));
  *length = size;
  return 0;
}

}  // namespace

TunnelSockets::TunnelSockets(Tunnel& tunnel, tools::Diagnostics diag)
    : tunnel_(tunnel), diag_(std::move(diag)) {}

TunnelSockets::~TunnelSockets() {
  std::lock_guard lock(mutex_);
  for (const auto& [fd, endpoints] : open_) {
    ConnectedSockets::instance().remove(fd);
    ::close(fd);
  }
}

void TunnelSockets::install(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &TunnelSockets::open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &TunnelSockets::socket_options);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &TunnelSockets::close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  // TCP options belong to the tunnel's stack, not to a socketpair (setting them would only add
  // "Could not set TCP_NODELAY" lines to -v).
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 0L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 0L);
}

void TunnelSockets::set_dial_limits(std::optional<Clock::time_point> deadline,
                                    size_t address_count) {
  std::lock_guard lock(mutex_);
  deadline_ = deadline;
  address_count_ = std::max<size_t>(address_count, 1);
}

std::optional<Error> TunnelSockets::take_dial_error() {
  std::lock_guard lock(mutex_);
  return std::exchange(dial_error_, std::nullopt);
}

std::optional<SocketEndpoints> TunnelSockets::endpoints(
    curl_socket_t fd, const std::optional<Endpoint>& remote) const {
  std::lock_guard lock(mutex_);
  if (auto it = open_.find(fd); it != open_.end()) return it->second;
  for (const auto& e : recent_) {
    if (!remote || e.remote == *remote) return e;
  }
  return std::nullopt;
}

size_t TunnelSockets::open_count() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

DialOptions TunnelSockets::dial_options() const {
  DialOptions options;  // for dial_tcp(Endpoint): libcurl hands us an address, never resolved
  if (deadline_) {
    auto left = duration_cast<milliseconds>(*deadline_ - Clock::now());
    // One dead address of several must not use up the whole budget.
    if (address_count_ > 1) left = std::min(left, DialOptions{}.attempt_timeout);
    options.timeout = std::max(left, milliseconds(1));
    options.attempt_timeout = options.timeout;
  } else if (address_count_ > 1) {
    options.timeout = DialOptions{}.attempt_timeout;
  }
  return options;
}

curl_socket_t TunnelSockets::dial(const Endpoint& remote) {
  std::unique_lock lock(mutex_);
  if (deadline_ && Clock::now() >= *deadline_) {
    dial_error_ =
        make_error(ErrorCode::kTimeout, "connection to " + remote.to_string() + " timed out");
    return CURL_SOCKET_BAD;
  }
  DialOptions options = dial_options();
  ++dials_;
  lock.unlock();  // the dial blocks; -w's endpoints() must not wait for it
  auto conn = tunnel_.dial_tcp(remote, options);
  lock.lock();
  if (!conn) {
    diag_.info("connect to " + remote.to_string() +
               " through the tunnel failed: " + conn.error().message);
    dial_error_ = conn.error();
    return CURL_SOCKET_BAD;
  }
  int fd = conn->fd.release();
  SocketEndpoints endpoints{conn->local, conn->remote};
  open_[fd] = endpoints;
  recent_.push_front(endpoints);
  if (recent_.size() > kRecentConnections) recent_.pop_back();
  return fd;
}

curl_socket_t TunnelSockets::open_socket(void* self, curlsocktype purpose, curl_sockaddr* address) {
  // Only outgoing TCP: no FTP active mode, no QUIC.
  if (purpose != CURLSOCKTYPE_IPCXN || address->socktype != SOCK_STREAM) return CURL_SOCKET_BAD;
  auto remote = from_sockaddr(&address->addr, address->addrlen);
  if (!remote) return CURL_SOCKET_BAD;
  return static_cast<TunnelSockets*>(self)->dial(*remote);
}

int TunnelSockets::socket_options(void* self, curl_socket_t fd, curlsocktype /*purpose*/) {
  auto* sockets = static_cast<TunnelSockets*>(self);
  std::optional<SocketEndpoints> endpoints;
  {
    std::lock_guard lock(sockets->mutex_);
    if (auto it = sockets->open_.find(fd); it != sockets->open_.end()) endpoints = it->second;
  }
  if (!endpoints) return CURL_SOCKOPT_ERROR;  // not one of ours: nothing to pretend about
  // From here until it is closed, the socket looks to libcurl like the TCP connection it
  // stands for (see the header).
  ConnectedSockets::instance().add(fd, *endpoints);
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

int TunnelSockets::close_socket(void* self, curl_socket_t fd) {
  auto* sockets = static_cast<TunnelSockets*>(self);
  {
    std::lock_guard lock(sockets->mutex_);
    sockets->open_.erase(fd);
  }
  // Forget the fd before closing it: the number may be reused at once.
  ConnectedSockets::instance().remove(fd);
  return ::close(fd);
}

}  // namespace wgnet::curl

// Replace libc's connect(), getpeername() and getsockname() for the whole program (see
// tunnel_socket.hpp): a socket handed to libcurl is the tunnel connection it stands for, already
// connected; any other socket gets the real system call.
extern "C" int connect(int fd, const struct sockaddr* addr, socklen_t length) {
  if (wgnet::curl::ConnectedSockets::instance().find(fd)) return 0;
  return static_cast<int>(::syscall(SYS_connect, fd, addr, length));
}

extern "C" int getpeername(int fd, struct sockaddr* addr, socklen_t* length) {
  if (auto ends = wgnet::curl::ConnectedSockets::instance().find(fd))
    return wgnet::curl::copy_endpoint(ends->remote, addr, length);
  return static_cast<int>(::syscall(SYS_getpeername, fd, addr, length));
}

extern "C" int getsockname(int fd, struct sockaddr* addr, socklen_t* length) {
  if (auto ends = wgnet::curl::ConnectedSockets::instance().find(fd))
    return wgnet::curl::copy_endpoint(ends->local, addr, length);
  return static_cast<int>(::syscall(SYS_getsockname, fd, addr, length));
}
