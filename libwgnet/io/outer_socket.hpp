// The UDP sockets that carry encrypted WireGuard datagrams: the only traffic the OS sees.
// One IPv4 and (when the system has IPv6) one IPv6 socket on the same port, as wireguard-go does.
// Receives in batches with recvmmsg so that one wake-up handles many datagrams.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

class OuterSocket {
 public:
  // Binds to `listen_port` (or a kernel-chosen port when absent), on every local address or
  // only on `local` when given (then only that address's family has a socket).
  static Result<OuterSocket> open(std::optional<uint16_t> listen_port, size_t max_datagram,
                                  std::optional<IpAddress> local = std::nullopt);

  int fd_v4() const { return v4_.get(); }
  int fd_v6() const { return v6_.get(); }
  uint16_t port() const { return port_; }

  // Sends one datagram. Errors are transient from the protocol's point of view (the peer may
  // be unreachable right now); they are counted, not reported.
  void send(const Endpoint& to, std::span<const uint8_t> datagram);

  // Reads up to one batch from `fd` and calls on_datagram for each; returns how many were read.
  using Receiver = std::function<void(std::span<uint8_t>, const Endpoint&)>;
  size_t receive_batch(int fd, const Receiver& on_datagram);

  uint64_t tx_bytes() const { return tx_bytes_; }
  uint64_t rx_bytes() const { return rx_bytes_; }
  uint64_t send_errors() const { return send_errors_; }

 private:
  static constexpr size_t kBatch = 32;

  Fd v4_;
  Fd v6_;
  uint16_t port_ = 0;
  size_t slot_size_ = 0;
  std::vector<uint8_t> buffers_;  // kBatch slots of slot_size_
  uint64_t tx_bytes_ = 0;
  uint64_t rx_bytes_ = 0;
  uint64_t send_errors_ = 0;
};

}  // namespace wgnet::io
