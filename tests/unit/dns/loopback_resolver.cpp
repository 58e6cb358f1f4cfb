#include "dns/loopback_resolver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <random>

namespace wgnet::dns::test {
namespace {

constexpr size_t kMaxMessage = 65537;

struct Socket {
  Fd fd;
  bool tcp = false;
  Endpoint server;           // the label the engine knows
  uint16_t server_port = 0;  // where the fake server really listens (UDP)
};

// Carries out the engine's transmits on loopback sockets.
void carry_out(Engine& engine, LoopbackTransport& transport, std::map<SocketId, Socket>& sockets) {
  while (auto t = engine.poll_transmit()) {
    auto now = Clock::now();
    if (t->kind == Transmit::Kind::kClose) {
      sockets.erase(t->socket);
      continue;
    }
    if (t->kind == Transmit::Kind::kTcpOpen) {
      auto fd = transport.open_tcp(t->server.ip, t->server.port, t->connect_timeout);
      if (!fd) {
        engine.on_socket_error(t->socket, fd.error(), now);
        continue;
      }
      ::send(fd->get(), t->bytes.data(), t->bytes.size(), MSG_NOSIGNAL);
      sockets[t->socket] = Socket{std::move(*fd), true, t->server, 0};
      engine.on_tcp_connected(t->socket, now);
      continue;
    }
    auto it = sockets.find(t->socket);
    if (it == sockets.end()) {
      auto udp = transport.open_udp(t->server.ip, t->server.port);
      if (!udp) {
        engine.on_socket_error(t->socket, udp.error(), now);
        continue;
      }
      it =
          sockets.emplace(t->socket, Socket{std::move(udp->fd), false, t->server, udp->server_port})
              .first;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(it->second.server_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(it->second.fd.get(), t->bytes.data(), t->bytes.size(), 0,
             reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
}

void receive(Engine& engine, SocketId id, Socket& s, std::vector<uint8_t>& buf) {
  auto now = Clock::now();
  if (s.tcp) {
    ssize_t n = ::recv(s.fd.get(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) return engine.on_tcp_data(id, {buf.data(), static_cast<size_t>(n)}, now);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    return engine.on_socket_error(
        id,
        make_error(ErrorCode::kNetwork,
                   n == 0 ? "the DNS server closed the connection" : std::strerror(errno)),
        now);
  }
  sockaddr_in from{};
  socklen_t len = sizeof from;
  ssize_t n = ::recvfrom(s.fd.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) return;
  // The server's own port stands for the port asked; any other keeps its number.
  uint16_t port = ntohs(from.sin_port);
  Endpoint source{s.server.ip, port == s.server_port ? s.server.port : port};
  engine.on_udp(id, source, {buf.data(), static_cast<size_t>(n)}, now);
}

}  // namespace

void test_random(std::span<uint8_t> out) {
  static std::random_device device;  // the kernel's randomness, as the tunnel's own
  for (uint8_t& b : out) b = static_cast<uint8_t>(device());
}

template <class R, class Start>
R LoopbackResolver::run(Start start) {
  Engine engine(test_random);
  std::map<SocketId, Socket> sockets;
  std::optional<R> result;
  start(engine, [&result](R r) { result.emplace(std::move(r)); });
  std::vector<uint8_t> buf(kMaxMessage);
  // Bounded: every request ends by its own deadlines; the cap only guards against a bug.
  for (int round = 0; round < 100000 && !result; ++round) {
    carry_out(engine, transport_, sockets);
    if (result) break;
    std::vector<pollfd> fds;
    std::vector<SocketId> ids;
    for (auto& [id, s] : sockets) {
      fds.push_back(pollfd{s.fd.get(), POLLIN, 0});
      ids.push_back(id);
    }
    auto deadline = engine.next_deadline();
    int wait = 1000;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait = static_cast<int>(std::clamp<int64_t>(left, 0, 1000));
    }
    ::poll(fds.data(), fds.size(), wait);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = sockets.find(ids[i]);
      if (it != sockets.end()) receive(engine, ids[i], it->second, buf);
    }
    if (Clock::now() >= engine.next_deadline()) engine.on_deadline(Clock::now());
  }
  carry_out(engine, transport_, sockets);
  last_open_sockets_ = engine.open_sockets() + sockets.size();
  if (!result) return make_error(ErrorCode::kInternal, "the engine never completed");
  return std::move(*result);
}

Result<std::vector<IpAddress>> LoopbackResolver::resolve(
    std::string_view name, AddressFamily family, std::optional<Clock::time_point> deadline) {
  using R = Result<std::vector<IpAddress>>;
  return run<R>([&](Engine& engine, auto done) {
    engine.start_resolve(ResolveRequest{std::string(name), family, config_, deadline, std::nullopt},
                         Clock::now(), done);
  });
}

Result<DnsReply> LoopbackResolver::query_wire(const Endpoint& server, std::span<const uint8_t> wire,
                                              const DnsQueryOptions& options) {
  return run<Result<DnsReply>>([&](Engine& engine, auto done) {
    engine.start_query(QueryRequest{server, {wire.begin(), wire.end()}, options}, Clock::now(),
                       done);
  });
}

Result<DnsReply> LoopbackResolver::query(const IpAddress& server, std::string_view name,
                                         const QueryOptions& o) {
  auto built = build_query(
      name, QuerySpec{o.qtype, o.qclass, o.recursion_desired, o.dnssec_ok, o.edns_bufsize},
      test_random);
  if (!built) return built.error();
  return query_wire(Endpoint{server, config_.port}, built->wire,
                    DnsQueryOptions{o.tcp, o.tcp_fallback, o.timeout, o.tries});
}

}  // namespace wgnet::dns::test
