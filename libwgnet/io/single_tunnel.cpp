#include "io/single_tunnel.hpp"

#include <atomic>
#include <utility>

namespace wgnet::io {

namespace {
std::atomic<bool> g_tunnel_open{false};
}  // namespace

Result<SingleTunnelClaim> SingleTunnelClaim::take() {
  if (g_tunnel_open.exchange(true))
    return make_error(ErrorCode::kInvalidArgument,
                      "another wgnet::Tunnel is open in this process: its TCP/IP stack (lwIP) "
                      "is one per process, so one tunnel at a time (close the first one, or "
                      "open the second in another process)");
  return SingleTunnelClaim();
}

SingleTunnelClaim::SingleTunnelClaim(SingleTunnelClaim&& other) noexcept
    : held_(std::exchange(other.held_, false)) {}

SingleTunnelClaim::~SingleTunnelClaim() {
  if (held_) g_tunnel_open.store(false);
}

}  // namespace wgnet::io
