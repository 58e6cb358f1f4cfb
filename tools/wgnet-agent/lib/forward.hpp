// What every forward (TCP/UDP, -L/-R) shares: its settings, and the two steps the Forwarder
// drives: bind (fails with the spec named, before anything is served) and serve (a thread of
// its own until the stop signal is raised).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "diagnostics.hpp"
#include "forward_spec.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/socks5.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::forward {

struct ForwardOptions {
  // One dial through the tunnel (-L) or connect on this machine (-R), resolution included.
  // A dial through the tunnel cannot be cancelled: stop() may wait this long for one.
  std::chrono::milliseconds connect_timeout{10000};
  // TCP connections open at once per forward; more wait in the listen backlog.
  size_t max_connections = 1024;
  std::chrono::milliseconds udp_idle_expiry{60000};
  size_t udp_max_sessions = 256;
  // -D: RFC 1929 username/password every SOCKS client must give (required for a listener that
  // other local users could reach; see wgnet-agent forward).
  std::optional<Socks5Credentials> socks_credentials;
};

// What a forward needs from its owner; all of it outlives the forward.
struct ForwardContext {
  Tunnel& tunnel;
  const tools::Diagnostics& diag;
  const ForwardOptions& options;
  int stop_fd;  // readable once the forwards are to stop (StopSignal)
};

class Forward {
 public:
  virtual ~Forward() = default;
  // Where it listens (the port picked for a listening port of 0).
  virtual Endpoint listening() const = 0;
  // Serves until the stop fd is readable, then ends every connection and returns with every
  // thread it started joined. Runs on a thread the Forwarder starts.
  virtual void serve() = 0;
};

// Binds the forward `spec` describes. The error names the spec: "-L 127.0.0.1:8080: Address
// already in use".
Result<std::unique_ptr<Forward>> bind_forward(const ForwardSpec& spec, const ForwardContext& ctx);

}  // namespace wgnet::forward
