// One datagram in or out of a non-blocking socket, for the UDP forwards' poll loops. A full
// socket buffer drops the datagram, as a router would: UDP senders expect loss, not stalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wgnet::forward {

enum class Received { kDatagram, kNone, kClosed };

// recv() without waiting. kClosed for the end of a SOCK_SEQPACKET session (a tunnel UDP
// connection the stack closed) or a hard error; an empty datagram on SOCK_DGRAM is a datagram.
Received receive_datagram(int fd, std::span<uint8_t> buf, size_t& length);

// send() without waiting; false when the datagram was dropped.
bool send_datagram(int fd, std::span<const uint8_t> data);

}  // namespace wgnet::forward
