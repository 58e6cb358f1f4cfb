// Something a caller thread may be blocked on (a handle's queue) that must end when the tunnel
// closes: TunnelLink::watch closes every one it was given.
#pragma once

namespace wgnet::io {

class Closable {
 public:
  virtual ~Closable() = default;
  virtual void close() = 0;
};

}  // namespace wgnet::io
