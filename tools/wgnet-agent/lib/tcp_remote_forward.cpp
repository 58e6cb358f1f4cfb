// -R port:host:hostport over TCP: a listener on our tunnel address; each connection it accepts
// is carried to host:hostport on this machine on a thread of its own (relay_streams).
#include "accept_loop.hpp"
#include "connection_threads.hpp"
#include "exit_status.hpp"
#include "forward_kinds.hpp"
#include "local_sockets.hpp"
#include "wgnet/relay.hpp"

namespace wgnet::forward {
namespace {

class TcpRemoteForward : public Forward {
 public:
  TcpRemoteForward(const ForwardSpec& spec, const ForwardContext& ctx,
                   std::unique_ptr<TcpListener> listener, ConnectionThreads threads)
      : spec_(spec), ctx_(ctx), listener_(std::move(listener)), threads_(std::move(threads)) {}

  Endpoint listening() const override { return listener_->local(); }

  void serve() override {
    run_accept_loop(listener_->fd(), ctx_.stop_fd, ctx_.options.max_connections, threads_,
                    [this] { return accept_one(); });
    listener_->close();
  }

 private:
  bool accept_one() {
    // The listener's fd is readable: a connection is waiting (or the listener closed).
    auto conn = listener_->accept(std::chrono::milliseconds(1));
    if (!conn) {
      if (conn.error().code == ErrorCode::kTimeout) return true;
      ctx_.diag.warning(spec_.name() +
                        ": no longer listening: " + tools::describe_error(conn.error()));
      return false;
    }
    auto started =
        threads_.spawn([this, c = std::make_shared<Connection>(std::move(*conn))] { carry(*c); });
    if (!started) ctx_.diag.warning(spec_.name() + ": " + started.error().message);
    return true;
  }

  void carry(const Connection& conn) {
    auto local =
        connect_local_tcp(spec_.host, spec_.host_port, ctx_.stop_fd, ctx_.options.connect_timeout);
    if (!local) {
      if (local.error().code != ErrorCode::kClosed) {
        ctx_.diag.warning(spec_.name() + ": connection from " + conn.remote.to_string() +
                          ": connect to " + spec_.host + " port " +
                          std::to_string(spec_.host_port) +
                          " failed: " + tools::describe_error(local.error()));
      }
      return;  // closing the tunnel connection tells the remote client
    }
    ctx_.diag.info(spec_.name() + ": " + conn.remote.to_string() + " connected to " + spec_.host +
                   " port " + std::to_string(spec_.host_port));
    RelayTotals totals = relay_streams(conn.fd.get(), local->get(), ctx_.stop_fd);
    ctx_.diag.info(spec_.name() + ": " + conn.remote.to_string() + " closed (" +
                   std::to_string(totals.a_to_b) + " bytes received, " +
                   std::to_string(totals.b_to_a) + " sent)");
  }

  ForwardSpec spec_;
  ForwardContext ctx_;
  std::unique_ptr<TcpListener> listener_;
  ConnectionThreads threads_;
};

}  // namespace

Result<std::unique_ptr<Forward>> bind_tcp_remote(const ForwardSpec& spec,
                                                 const ForwardContext& ctx) {
  auto listener = ctx.tunnel.listen_tcp(spec.listen_address, spec.listen_port);
  if (!listener) return listener.error();
  auto threads = ConnectionThreads::create();
  if (!threads) return threads.error();
  return std::unique_ptr<Forward>(
      std::make_unique<TcpRemoteForward>(spec, ctx, std::move(*listener), std::move(*threads)));
}

}  // namespace wgnet::forward
