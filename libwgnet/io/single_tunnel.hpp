// One tunnel per process: lwIP is a single global stack, so a second Tunnel open at the same
// time would share (and corrupt) the first one's. Tunnel::open takes the claim, the tunnel
// holds it until its loop has stopped.
#pragma once

#include "wgnet/result.hpp"

namespace wgnet::io {

class SingleTunnelClaim {
 public:
  // kInvalidArgument, with the reason, while another tunnel holds it.
  static Result<SingleTunnelClaim> take();
  SingleTunnelClaim(SingleTunnelClaim&& other) noexcept;
  SingleTunnelClaim& operator=(SingleTunnelClaim&&) = delete;
  SingleTunnelClaim(const SingleTunnelClaim&) = delete;
  ~SingleTunnelClaim();

 private:
  SingleTunnelClaim() = default;
  bool held_ = true;
};

}  // namespace wgnet::io
