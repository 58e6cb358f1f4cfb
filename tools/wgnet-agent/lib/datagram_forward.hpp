// What the two UDP forwards share: one poll loop over the listening side (the "front": an OS
// socket for -L, a tunnel socket for -R) and one session socket per remote endpoint on the
// other side. A datagram from a new endpoint opens its session; whatever a session receives
// goes back to its endpoint through the front. Idle sessions expire, the table is capped
// (UdpSessions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "forward.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::forward {

class DatagramFront {
 public:
  virtual ~DatagramFront() = default;
  // Readable while a datagram waits (and for good once the front is closed).
  virtual int fd() const = 0;
  // One datagram without waiting: its length, nullopt for none after all; an error once the
  // front is gone for good (the loop ends, logging it).
  virtual Result<std::optional<size_t>> receive(std::span<uint8_t> buf, Endpoint& from) = 0;
  // One datagram back to `to`; a failure is a lost datagram.
  virtual void send(std::span<const uint8_t> data, const Endpoint& to) = 0;
  // The session socket for a new remote endpoint (one datagram per read/write).
  virtual Result<Fd> open_session() = 0;
  // Where sessions lead, for messages: "10.0.0.53 port 53 (udp) through the tunnel".
  virtual std::string target() const = 0;
};

// Serves until the stop fd is readable or the front is gone; closes every session on return.
void run_datagram_forward(const ForwardSpec& spec, const ForwardContext& ctx, DatagramFront& front);

}  // namespace wgnet::forward
