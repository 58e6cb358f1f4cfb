#include "local_listener_forward.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "accept_loop.hpp"
#include "local_sockets.hpp"
#include "stop_signal.hpp"
#include "wgnet/sockaddr.hpp"

namespace wgnet::forward {

Endpoint LocalListenerForward::listening() const {
  return local_endpoint(listener_.get());
}

void LocalListenerForward::serve() {
  run_accept_loop(listener_.get(), ctx_.stop_fd, ctx_.options.max_connections, threads_,
                  [this] { return accept_one(); });
  listener_.reset();
}

bool LocalListenerForward::accept_one() {
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
    handle(std::move(*client), peer);
  });
  if (!started) ctx_.diag.warning(spec_.name() + ": " + started.error().message);
  return true;
}

Result<std::pair<Fd, ConnectionThreads>> bind_local_listener(const ForwardSpec& spec) {
  auto listener = listen_local(spec.listen_address, spec.listen_port, false);
  if (!listener) return listener.error();
  auto threads = ConnectionThreads::create();
  if (!threads) return threads.error();
  return std::make_pair(std::move(*listener), std::move(*threads));
}

}  // namespace wgnet::forward
