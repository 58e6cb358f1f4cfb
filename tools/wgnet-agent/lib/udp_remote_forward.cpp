// -R port:host:hostport/udp: a UDP socket on our tunnel address; each remote tunnel endpoint
// gets its own connected OS socket to host:hostport here, and what the service answers on it
// goes back to that endpoint with send_to. One poll loop thread.
#include <poll.h>

#include <cerrno>
#include <vector>

#include "datagram_io.hpp"
#include "exit_status.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"
#include "udp_sessions.hpp"

namespace wgnet::forward {
namespace {

using Clock = UdpSessions::Clock;

class UdpRemoteForward : public Forward {
 public:
  UdpRemoteForward(const ForwardSpec& spec, const ForwardContext& ctx,
                   std::unique_ptr<UdpSocket> socket)
      : spec_(spec),
        ctx_(ctx),
        socket_(std::move(socket)),
        sessions_(ctx.options.udp_idle_expiry, ctx.options.udp_max_sessions) {}

  Endpoint listening() const override { return socket_->local(); }

  void serve() override {
    std::vector<uint8_t> buf(65536);
    std::vector<pollfd> fds;
    bool open = true;
    while (open) {
      auto entries = sessions_.entries();
      fds.assign({{ctx_.stop_fd, POLLIN, 0}, {socket_->fd(), POLLIN, 0}});
      for (const auto& entry : entries) fds.push_back({entry.fd, POLLIN, 0});
      int r = ::poll(fds.data(), fds.size(), sessions_.poll_timeout(Clock::now()));
      if (r < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) break;
      // Answers first: a new remote below may evict a session polled here.
      for (size_t i = 0; i < entries.size(); ++i) {
        if (fds[i + 2].revents != 0) answer(entries[i], buf);
      }
      if (fds[1].revents != 0) open = from_tunnel(buf);
      sessions_.expire(Clock::now());
    }
    socket_->close();
  }

 private:
  void answer(const UdpSessions::Entry& entry, std::vector<uint8_t>& buf) {
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
    // A failed send is a lost datagram (the tunnel's queue is full); the remote retries.
    (void)socket_->send_to(std::span<const uint8_t>(buf.data(), n), entry.remote);
  }

  // false once the tunnel socket is gone.
  bool from_tunnel(std::vector<uint8_t>& buf) {
    Endpoint from;
    // The fd was readable: a datagram is waiting, or the socket is closed.
    auto n = socket_->recv_from(buf, from, std::chrono::milliseconds(1));
    if (!n) {
      if (n.error().code == ErrorCode::kTimeout) return true;
      ctx_.diag.warning(spec_.name() +
                        ": no longer listening: " + tools::describe_error(n.error()));
      return false;
    }
    auto now = Clock::now();
    auto fd = sessions_.use(from, now);
    if (!fd) {
      auto local = connect_local_udp(spec_.host, spec_.host_port);
      if (!local) {
        ctx_.diag.warning(spec_.name() + ": datagram from " + from.to_string() + ": " + spec_.host +
                          " port " + std::to_string(spec_.host_port) +
                          " (udp): " + tools::describe_error(local.error()));
        return true;
      }
      fd = local->get();
      if (auto evicted = sessions_.add(from, std::move(*local), now)) {
        ctx_.diag.info(spec_.name() + ": " + std::to_string(ctx_.options.udp_max_sessions) +
                       " sessions: closed the oldest, " + evicted->to_string());
      }
    }
    send_datagram(*fd, std::span<const uint8_t>(buf.data(), *n));
    return true;
  }

  ForwardSpec spec_;
  ForwardContext ctx_;
  std::unique_ptr<UdpSocket> socket_;
  UdpSessions sessions_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_udp_remote(const ForwardSpec& spec,
                                                 const ForwardContext& ctx) {
  auto socket = ctx.tunnel.bind_udp(spec.listen_address, spec.listen_port);
  if (!socket) return socket.error();
  return std::unique_ptr<Forward>(
      std::make_unique<UdpRemoteForward>(spec, ctx, std::move(*socket)));
}

}  // namespace wgnet::forward
