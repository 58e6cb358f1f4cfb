// -L port:host:hostport/udp: an OS UDP socket here; each client address gets its own tunnel UDP
// session (dial_udp), so replies go back to the client that asked. One poll loop thread.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "datagram_io.hpp"
#include "exit_status.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"
#include "udp_sessions.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::forward {
namespace {

using Clock = UdpSessions::Clock;

class UdpLocalForward : public Forward {
 public:
  UdpLocalForward(const ForwardSpec& spec, const ForwardContext& ctx, Fd socket)
      : spec_(spec),
        ctx_(ctx),
        socket_(std::move(socket)),
        family_(socket_family(socket_.get())),
        sessions_(ctx.options.udp_idle_expiry, ctx.options.udp_max_sessions) {}

  Endpoint listening() const override { return local_endpoint(socket_.get()); }

  void serve() override {
    std::vector<uint8_t> buf(65536);
    std::vector<pollfd> fds;
    for (;;) {
      auto entries = sessions_.entries();
      fds.assign({{ctx_.stop_fd, POLLIN, 0}, {socket_.get(), POLLIN, 0}});
      for (const auto& entry : entries) fds.push_back({entry.fd, POLLIN, 0});
      int r = ::poll(fds.data(), fds.size(), sessions_.poll_timeout(Clock::now()));
      if (r < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) break;
      // Replies first: taking a new client below may evict a session polled here.
      for (size_t i = 0; i < entries.size(); ++i) {
        if (fds[i + 2].revents != 0) reply(entries[i], buf);
      }
      if (fds[1].revents != 0) from_client(buf);
      sessions_.expire(Clock::now());
    }
    socket_.reset();
  }

 private:
  void reply(const UdpSessions::Entry& entry, std::vector<uint8_t>& buf) {
    size_t n = 0;
    switch (receive_datagram(entry.fd, buf, n)) {
      case Received::kNone:
        return;
      case Received::kClosed:
        sessions_.remove(entry.remote);
        return;
      case Received::kDatagram:
        break;
    }
    sockaddr_storage to;
    socklen_t len = sockaddr_for(family_, entry.remote, to);
    ::sendto(socket_.get(), buf.data(), n, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&to), len);
  }

  void from_client(std::vector<uint8_t>& buf) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(socket_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    auto client = from_sockaddr(reinterpret_cast<sockaddr*>(&from), len);
    if (!client) return;
    auto now = Clock::now();
    auto fd = sessions_.use(*client, now);
    if (!fd) {
      DialOptions options;
      options.timeout = ctx_.options.connect_timeout;
      auto conn = ctx_.tunnel.dial_udp(spec_.host, spec_.host_port, options);
      if (!conn) {
        ctx_.diag.warning(spec_.name() + ": datagram from " + client->to_string() + ": " +
                          spec_.host + " port " + std::to_string(spec_.host_port) +
                          " (udp) through the tunnel: " + tools::describe_error(conn.error()));
        return;
      }
      fd = conn->fd.get();
      if (auto evicted = sessions_.add(*client, std::move(conn->fd), now)) {
        ctx_.diag.info(spec_.name() + ": " + std::to_string(ctx_.options.udp_max_sessions) +
                       " sessions: closed the oldest, " + evicted->to_string());
      }
    }
    send_datagram(*fd, std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
  }

  ForwardSpec spec_;
  ForwardContext ctx_;
  Fd socket_;
  int family_;
  UdpSessions sessions_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_udp_local(const ForwardSpec& spec,
                                                const ForwardContext& ctx) {
  auto socket = listen_local(spec.listen_address, spec.listen_port, true);
  if (!socket) return socket.error();
  return std::unique_ptr<Forward>(std::make_unique<UdpLocalForward>(spec, ctx, std::move(*socket)));
}

}  // namespace wgnet::forward
