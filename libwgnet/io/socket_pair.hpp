// The file descriptor boundary between the stack and applications: a socketpair whose app end
// is an ordinary blocking socket and whose loop end is non-blocking and bridged to lwIP.
#pragma once

#include <sys/socket.h>

#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

struct SocketPairEnds {
  Fd app;   // blocking, O_CLOEXEC: handed to the application
  Fd loop;  // non-blocking, O_CLOEXEC: registered with the EventLoop
};

// type: SOCK_STREAM (TCP) or SOCK_SEQPACKET (UDP: one datagram per read/write, and, unlike
// SOCK_DGRAM, the loop end sees EOF/EPOLLHUP when the application closes its end).
Result<SocketPairEnds> make_socket_pair(int type);

}  // namespace wgnet::io
