// What -L over TCP and -D share: an OS TCP listener on this machine whose every accepted client
// is handled on a thread of its own (ConnectionThreads), until the stop fd is raised. A subclass
// says what to do with one client (dial it through the tunnel, or speak SOCKS5 with it).
#pragma once

#include <memory>

#include "connection_threads.hpp"
#include "forward.hpp"

namespace wgnet::forward {

class LocalListenerForward : public Forward {
 public:
  LocalListenerForward(const ForwardSpec& spec, const ForwardContext& ctx, Fd listener,
                       ConnectionThreads threads)
      : spec_(spec), ctx_(ctx), listener_(std::move(listener)), threads_(std::move(threads)) {}

  Endpoint listening() const override;
  void serve() override;

 protected:
  // One accepted client, on its own thread; returning closes it.
  virtual void handle(Fd client, const Endpoint& peer) = 0;

  ForwardSpec spec_;
  ForwardContext ctx_;

 private:
  bool accept_one();

  Fd listener_;
  ConnectionThreads threads_;
};

// Binds spec's listening address and port on this machine and makes a `Kind` (a subclass of
// LocalListenerForward with the same constructor) to serve it.
Result<std::pair<Fd, ConnectionThreads>> bind_local_listener(const ForwardSpec& spec);

template <typename Kind>
Result<std::unique_ptr<Forward>> bind_local_listener_forward(const ForwardSpec& spec,
                                                             const ForwardContext& ctx) {
  auto bound = bind_local_listener(spec);
  if (!bound) return bound.error();
  return std::unique_ptr<Forward>(
      std::make_unique<Kind>(spec, ctx, std::move(bound->first), std::move(bound->second)));
}

}  // namespace wgnet::forward
