// -L port:host:hostport over TCP: an OS listener here; each accepted connection is dialled
// through the tunnel on a thread of its own and joined to it with relay_streams.
#include "exit_status.hpp"
#include "forward_kinds.hpp"
#include "local_listener_forward.hpp"
#include "wgnet/relay.hpp"

namespace wgnet::forward {
namespace {

class TcpLocalForward : public LocalListenerForward {
 public:
  using LocalListenerForward::LocalListenerForward;

 private:
  void handle(Fd client, const Endpoint& peer) override {
    DialOptions options;
    options.timeout = ctx_.options.connect_timeout;
    auto conn = ctx_.tunnel.dial_tcp(spec_.host, spec_.host_port, options);
    if (!conn) {
      ctx_.diag.warning(spec_.name() + ": connection from " + peer.to_string() + ": connect to " +
                        spec_.host + " port " + std::to_string(spec_.host_port) +
                        " through the tunnel failed: " + tools::describe_error(conn.error()));
      return;  // closing the client tells it
    }
    ctx_.diag.info(spec_.name() + ": " + peer.to_string() + " connected to " +
                   conn->remote.to_string());
    RelayTotals totals = relay_streams(client.get(), conn->fd.get(), ctx_.stop_fd);
    ctx_.diag.info(spec_.name() + ": " + peer.to_string() + " closed (" +
                   std::to_string(totals.a_to_b) + " bytes sent, " + std::to_string(totals.b_to_a) +
                   " received)");
  }
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_tcp_local(const ForwardSpec& spec,
                                                const ForwardContext& ctx) {
  return bind_local_listener_forward<TcpLocalForward>(spec, ctx);
}

}  // namespace wgnet::forward
