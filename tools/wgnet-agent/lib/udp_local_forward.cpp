// -L port:host:hostport/udp: an OS UDP socket here is the front; each client address gets its
// own tunnel UDP session (dial_udp), so replies go back to the client that asked.
#include <sys/socket.h>

#include "datagram_forward.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::forward {
namespace {

class UdpLocalForward : public Forward, private DatagramFront {
 public:
  UdpLocalForward(const ForwardSpec& spec, const ForwardContext& ctx, Fd socket)
      : spec_(spec), ctx_(ctx), socket_(std::move(socket)) {}

  Endpoint listening() const override { return local_endpoint(socket_.get()); }

  void serve() override {
    run_datagram_forward(spec_, ctx_, *this);
    socket_.reset();
  }

 private:
  int fd() const override { return socket_.get(); }

  Result<std::optional<size_t>> receive(std::span<uint8_t> buf, Endpoint& from) override {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ssize_t n = ::recvfrom(socket_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&ss), &len);
    auto client = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    if (n < 0 || !client) return std::optional<size_t>();  // EAGAIN, or an ICMP error queued
    from = *client;
    return std::optional<size_t>(static_cast<size_t>(n));
  }

  void send(std::span<const uint8_t> data, const Endpoint& to) override {
    // An IPv4 client of the dual-stack socket ("*") too: Linux takes an AF_INET address there.
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(to, ss);
    ::sendto(socket_.get(), data.data(), data.size(), MSG_DONTWAIT,
             reinterpret_cast<sockaddr*>(&ss), len);
  }

  Result<Fd> open_session() override {
    DialOptions options;
    options.timeout = ctx_.options.connect_timeout;
    auto conn = ctx_.tunnel.dial_udp(spec_.host, spec_.host_port, options);
    if (!conn) return conn.error();
    return std::move(conn->fd);
  }

  std::string target() const override {
    return spec_.host + " port " + std::to_string(spec_.host_port) + " (udp) through the tunnel";
  }

  ForwardSpec spec_;
  ForwardContext ctx_;
  Fd socket_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_udp_local(const ForwardSpec& spec,
                                                const ForwardContext& ctx) {
  auto socket = listen_local(spec.listen_address, spec.listen_port, true);
  if (!socket) return socket.error();
  return std::unique_ptr<Forward>(std::make_unique<UdpLocalForward>(spec, ctx, std::move(*socket)));
}

}  // namespace wgnet::forward
