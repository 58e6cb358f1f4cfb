#include "io/dns_driver.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "io/os_random/os_random.hpp"

namespace wgnet::io {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxMessage = 65535 + 2;

template <class R, class Start>
R wait_for_engine(EventLoop& loop, Start start) {
  auto done = std::make_shared<std::promise<R>>();
  auto result = done->get_future();
  loop.post([start = std::move(start), done]() mutable {
    start([done](R value) { done->set_value(std::move(value)); });
  });
  return result.get();
}

}  // namespace

DnsDriver::DnsDriver(EventLoop& loop, NetstackHost& netstack, Routable routable)
    : loop_(loop),
      netstack_(netstack),
      routable_(std::move(routable)),
      engine_(os_random_bytes),
      buffer_(kMaxMessage) {
  timer_ = loop_.add_timer_source([this] { return engine_.next_deadline(); },
                                  [this] {
                                    engine_.on_deadline(Clock::now());
                                    pump();
                                  });
}

DnsDriver::~DnsDriver() {
  engine_.abort_all(make_error(ErrorCode::kClosed, "the tunnel is closing"));
  pump();
  while (!udp_.empty()) close(udp_.begin()->first);
  while (!tcp_.empty()) close(tcp_.begin()->first);
  loop_.remove_timer_source(timer_);
}

Result<std::vector<IpAddress>> DnsDriver::resolve(dns::ResolveRequest request) {
  using R = Result<std::vector<IpAddress>>;
  return wait_for_engine<R>(loop_, [this, request = std::move(request)](auto done) mutable {
    engine_.start_resolve(std::move(request), Clock::now(), std::move(done));
    pump();
  });
}

Result<DnsReply> DnsDriver::query(dns::QueryRequest request) {
  return wait_for_engine<Result<DnsReply>>(
      loop_, [this, request = std::move(request)](auto done) mutable {
        engine_.start_query(std::move(request), Clock::now(), std::move(done));
        pump();
      });
}

// Carries out what the engine asked for; failures go back into the engine, which may ask for
// more.
void DnsDriver::pump() {
  while (auto t = engine_.poll_transmit()) {
    switch (t->kind) {
      case dns::Transmit::Kind::kUdpSend:
        udp_send(*t);
        break;
      case dns::Transmit::Kind::kTcpOpen:
        tcp_open(*t);
        break;
      case dns::Transmit::Kind::kClose:
        close(t->socket);
        break;
    }
  }
}

void DnsDriver::udp_send(const dns::Transmit& t) {
  auto it = udp_.find(t.socket);
  if (it == udp_.end()) {
    if (!routable_(t.server.ip)) {
      return engine_.on_socket_error(
          t.socket,
          make_error(ErrorCode::kNetwork, "DNS server " + t.server.ip.to_string() +
                                              " is not covered by any peer's AllowedIPs"),
          Clock::now());
    }
    dns::SocketId socket = t.socket;
    auto bound = netstack_.bind_udp(
        Endpoint{IpAddress{}, 0}, [this, socket](const Endpoint& from, std::span<const uint8_t> d) {
          engine_.on_udp(socket, from, d, Clock::now());
          pump();
        });
    if (!bound) return engine_.on_socket_error(t.socket, bound.error(), Clock::now());
    it = udp_.emplace(t.socket, *bound).first;
  }
  if (auto sent = netstack_.udp_send_to(it->second, t.server, t.bytes); !sent) {
    engine_.on_socket_error(t.socket, sent.error(), Clock::now());
  }
}

void DnsDriver::tcp_open(const dns::Transmit& t) {
  dns::SocketId socket = t.socket;
  tcp_.emplace(socket, TcpSocket{});
  netstack_.dial_tcp(
      t.server, t.connect_timeout,
      [this, alive = std::weak_ptr<bool>(alive_), socket,
       stream = t.bytes](Result<Connection> conn) {
        if (alive.expired()) return;  // the driver is gone; `conn` closes with this call
        auto it = tcp_.find(socket);
        if (it == tcp_.end()) return;  // the engine gave up on it meanwhile
        if (!conn) {
          tcp_.erase(it);
          engine_.on_socket_error(socket, conn.error(), Clock::now());
          return pump();
        }
        // A query of at most 64 KiB fits the fresh socketpair's buffer at once.
        ssize_t n =
            ::send(conn->fd.get(), stream.data(), stream.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n != static_cast<ssize_t>(stream.size())) {
          tcp_.erase(it);
          engine_.on_socket_error(
              socket,
              make_error(ErrorCode::kIo, std::string("sending a DNS query over TCP: ") +
                                             (n < 0 ? std::strerror(errno) : "short write")),
              Clock::now());
          return pump();
        }
        int fd = conn->fd.get();
        it->second.fd = std::move(conn->fd);
        loop_.add(fd, EPOLLIN, [this, socket](uint32_t) { on_tcp_readable(socket); });
        engine_.on_tcp_connected(socket, Clock::now());
        pump();
      });
}

void DnsDriver::on_tcp_readable(dns::SocketId socket) {
  auto it = tcp_.find(socket);
  if (it == tcp_.end()) return;
  ssize_t n = ::recv(it->second.fd.get(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n > 0) {
    engine_.on_tcp_data(socket, {buffer_.data(), static_cast<size_t>(n)}, Clock::now());
    return pump();
  }
  Error error = n == 0 ? make_error(ErrorCode::kNetwork,
                                    "the DNS server closed the TCP connection without answering")
                       : make_error(ErrorCode::kNetwork, std::string("receiving a DNS reply over "
                                                                     "TCP: ") +
                                                             std::strerror(errno));
  close(socket);
  engine_.on_socket_error(socket, error, Clock::now());
  pump();
}

void DnsDriver::close(dns::SocketId socket) {
  if (auto it = udp_.find(socket); it != udp_.end()) {
    netstack_.close_udp(it->second);
    udp_.erase(it);
    return;
  }
  if (auto it = tcp_.find(socket); it != tcp_.end()) {
    if (it->second.fd) loop_.remove(it->second.fd.get());
    tcp_.erase(it);  // closing our end ends the connection; a pending dial's result is dropped
  }
}

}  // namespace wgnet::io
