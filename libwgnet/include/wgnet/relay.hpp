// Joining two connections: a tunnel Connection's fd and a local socket, as a forward or a SOCKS
// proxy does. Public so that programs hosting a service through the tunnel can do the same.
#pragma once

#include <cstdint>

#include "wgnet/export.hpp"

namespace wgnet {

struct RelayTotals {
  uint64_t a_to_b = 0;  // bytes
  uint64_t b_to_a = 0;
  bool cancelled = false;  // ended because cancel_fd became readable
};

// Copies bytes both ways between two connected stream sockets until both directions are done,
// then returns; the caller still owns (and closes) both. End of stream on one side is passed on
// as shutdown(SHUT_WR) on the other once everything read before it was written (half-close, as
// ssh -L and SOCKS proxies do), and the other direction goes on. An error on either side (reset,
// EPIPE) ends both directions at once. When `cancel_fd` (>= 0) becomes readable, returns at once
// with cancelled set. Blocks the calling thread in poll(); never changes the sockets' flags
// (non-blocking I/O per call), so the fds may be shared. SIGPIPE is not raised (MSG_NOSIGNAL).
WGNET_API RelayTotals relay_streams(int a, int b, int cancel_fd = -1);

}  // namespace wgnet
