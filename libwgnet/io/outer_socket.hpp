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

  // Queues one datagram. Consecutive datagrams of one size to one endpoint (a TCP stream's
  // full-size segments) go out together in one sendmsg with UDP generic segmentation offload;
  // anything else flushes first. Call flush() before the event loop sleeps. Errors are
  // transient from the protocol's point of view (the peer may be unreachable right now); they
  // are counted, not reported.
  void send(const Endpoint& to, std::span<const uint8_t> datagram);
  void flush();

  // Reads up to one batch from `fd` and calls on_datagram for each; returns how many were read.
  using Receiver = std::function<void(std::span<uint8_t>, const Endpoint&)>;
  size_t receive_batch(int fd, const Receiver& on_datagram);

  uint64_t tx_bytes() const { return tx_bytes_; }
  uint64_t rx_bytes() const { return rx_bytes_; }
  uint64_t send_errors() const { return send_errors_; }

 private:
  static constexpr size_t kBatch = 32;         // datagrams per recvmmsg without GRO
  static constexpr size_t kGroBatch = 8;       // coalesced buffers per recvmmsg with GRO
  static constexpr size_t kGroSlot = 65536;    // one coalesced buffer: up to 64 KiB
  static constexpr size_t kGsoMaxSegments = 64;     // the kernel's UDP_MAX_SEGMENTS
  static constexpr size_t kGsoMaxBytes = 65000;     // one UDP payload (< 64 KiB) at the most

  void send_now(const Endpoint& to, std::span<const uint8_t> datagram);

  Fd v4_;
  Fd v6_;
  uint16_t port_ = 0;
  size_t slot_size_ = 0;
  size_t slots_ = kBatch;
  bool gro_ = false;  // UDP_GRO on: one buffer may hold several datagrams of gso_size bytes
  std::vector<uint8_t> buffers_;  // kBatch slots of slot_size_
  uint64_t tx_bytes_ = 0;
  uint64_t rx_bytes_ = 0;
  uint64_t send_errors_ = 0;

  // The batch being built: `gso_count_` datagrams of `gso_size_` bytes (the last may be
  // shorter, and then closes the batch) for `gso_to_`.
  std::vector<uint8_t> gso_buffer_;
  size_t gso_count_ = 0;
  size_t gso_size_ = 0;
  bool gso_closed_ = false;
  Endpoint gso_to_;
  bool gso_supported_ = true;
};

}  // namespace wgnet::io
