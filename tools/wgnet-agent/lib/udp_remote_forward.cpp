// -R port:host:hostport/udp: a UDP socket on our tunnel address is the front; each remote
// tunnel endpoint gets its own connected OS socket to host:hostport here, and what the service
// answers on it goes back to that endpoint with send_to.
#include "datagram_forward.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"

namespace wgnet::forward {
namespace {

class UdpRemoteForward : public Forward, private DatagramFront {
 public:
  UdpRemoteForward(const ForwardSpec& spec, const ForwardContext& ctx,
                   std::unique_ptr<UdpSocket> socket)
      : spec_(spec), ctx_(ctx), socket_(std::move(socket)) {}

  Endpoint listening() const override { return socket_->local(); }

  void serve() override {
    run_datagram_forward(spec_, ctx_, *this);
    socket_->close();
  }

 private:
  int fd() const override { return socket_->fd(); }

  Result<std::optional<size_t>> receive(std::span<uint8_t> buf, Endpoint& from) override {
    // Called when fd() is readable: a datagram is waiting or the socket is closed, so the
    // 1 ms (timeout 0 would wait forever) is never waited out in practice.
    auto n = socket_->recv_from(buf, from, std::chrono::milliseconds(1));
    if (!n) {
      if (n.error().code == ErrorCode::kTimeout) return std::optional<size_t>();
      return n.error();
    }
    return std::optional<size_t>(*n);
  }

  void send(std::span<const uint8_t> data, const Endpoint& to) override {
    // A failed send is a lost datagram (the tunnel's queue is full); the remote retries.
    (void)socket_->send_to(data, to);
  }

  Result<Fd> open_session() override { return connect_local_udp(spec_.host, spec_.host_port); }

  std::string target() const override {
    return spec_.host + " port " + std::to_string(spec_.host_port) + " (udp)";
  }

  ForwardSpec spec_;
  ForwardContext ctx_;
  std::unique_ptr<UdpSocket> socket_;
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
