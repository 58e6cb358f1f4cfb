#include "dns/loopback_transport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace wgnet::dns::test {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

Result<Fd> connected(int type, uint16_t port) {
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  sockaddr_in sa = loopback(port);
  // Loopback connects complete at once (or are refused), so the timeout needs no poll here.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    return make_error(ErrorCode::kNetwork, std::string("connect: ") + std::strerror(errno));
  }
  return fd;
}

}  // namespace

void LoopbackTransport::add_server(const IpAddress& label, uint16_t udp_port, uint16_t tcp_port) {
  std::lock_guard lock(mu_);
  servers_[label] = Ports{udp_port, tcp_port};
}

Result<LoopbackTransport::Ports> LoopbackTransport::lookup(const IpAddress& server,
                                                           uint16_t port) const {
  if (port != expected_port_) {
    return make_error(ErrorCode::kInvalidArgument,
                      "test transport: unexpected DNS port " + std::to_string(port));
  }
  std::lock_guard lock(mu_);
  auto it = servers_.find(server);
  if (it == servers_.end()) {
    return make_error(ErrorCode::kNetwork, "no route to " + server.to_string() + " in the tunnel");
  }
  return it->second;
}

Result<LoopbackTransport::UdpSocket> LoopbackTransport::open_udp(const IpAddress& server,
                                                                 uint16_t port) {
  auto ports = lookup(server, port);
  if (!ports) return ports.error();
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  sockaddr_in any = loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) {
    return make_error(ErrorCode::kIo, std::string("bind: ") + std::strerror(errno));
  }
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len);
  std::lock_guard lock(mu_);
  ++udp_opened_;
  udp_local_ports_.push_back(ntohs(local.sin_port));
  return UdpSocket{std::move(fd), ports->udp};
}

Result<Fd> LoopbackTransport::open_tcp(const IpAddress& server, uint16_t port,
                                       std::chrono::milliseconds /*timeout*/) {
  auto ports = lookup(server, port);
  if (!ports) return ports.error();
  {
    std::lock_guard lock(mu_);
    ++tcp_opened_;
  }
  return connected(SOCK_STREAM, ports->tcp);
}

int LoopbackTransport::udp_opened() const {
  std::lock_guard lock(mu_);
  return udp_opened_;
}

int LoopbackTransport::tcp_opened() const {
  std::lock_guard lock(mu_);
  return tcp_opened_;
}

std::vector<uint16_t> LoopbackTransport::udp_local_ports() const {
  std::lock_guard lock(mu_);
  return udp_local_ports_;
}

}  // namespace wgnet::dns::test
