// -L port:host:hostport over TCP: an OS listener here; each accepted connection is dialled
// through the tunnel on a thread of its own and joined to it with relay_streams.
#include <sys/socket.h>

#include <cerrno>
#include <optional>

#include "accept_loop.hpp"
#include "connection_threads.hpp"
#include "exit_status.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"
#include "stop_signal.hpp"
#include "wgnet/relay.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::forward {
namespace {

class TcpLocalForward : public Forward {
 public:
  TcpLocalForward(const ForwardSpec& spec, const ForwardContext& ctx, Fd listener,
                  ConnectionThreads threads)
      : spec_(spec), ctx_(ctx), listener_(std::move(listener)), threads_(std::move(threads)) {}

  Endpoint listening() const override { return local_endpoint(listener_.get()); }

  void serve() override {
    run_accept_loop(listener_.get(), ctx_.stop_fd, ctx_.options.max_connections, threads_,
                    [this] { return accept_one(); });
    listener_.reset();
  }

 private:
  bool accept_one() {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    Fd client(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC));
    if (!client) {
      // Out of file descriptors: the connection stays queued; wait a little (or for stop)
      // instead of spinning on a listener that stays readable. Else it left before we took it.
      if (errno == EMFILE || errno == ENFILE) wait_readable(ctx_.stop_fd, 100);
      return true;
    }
    Endpoint peer = from_sockaddr(reinterpret_cast<sockaddr*>(&from), len).value_or(Endpoint{});
    auto started = threads_.spawn([this, client = std::make_shared<Fd>(std::move(client)), peer] {
      carry(std::move(*client), peer);
    });
    if (!started) ctx_.diag.warning(spec_.name() + ": " + started.error().message);
    return true;
  }

  void carry(Fd client, const Endpoint& peer) {
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

  ForwardSpec spec_;
  ForwardContext ctx_;
  Fd listener_;
  ConnectionThreads threads_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_tcp_local(const ForwardSpec& spec,
                                                const ForwardContext& ctx) {
  auto listener = listen_local(spec.listen_address, spec.listen_port, false);
  if (!listener) return listener.error();
  auto threads = ConnectionThreads::create();
  if (!threads) return threads.error();
  return std::unique_ptr<Forward>(
      std::make_unique<TcpLocalForward>(spec, ctx, std::move(*listener), std::move(*threads)));
}

}  // namespace wgnet::forward
