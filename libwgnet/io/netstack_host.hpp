// lwIP joined to file descriptors: the tunnel's TCP/IP stack, driven by the EventLoop.
//
// IP packets come in through input() (decrypted by the tunnel) and go out through PacketOutput
// (to be encrypted). Applications get connections as socketpair ends (see socket_pair.hpp): a
// TCP connection is a SOCK_STREAM fd, a connected UDP flow a SOCK_SEQPACKET fd (one datagram per
// read/write). lwIP is a process-wide singleton with NO_SYS=1: ONE NetstackHost per process, and
// every call on the loop thread (or while the loop is not running: setup and teardown).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "io/event_loop.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::io {

struct NetstackConfig {
  std::vector<IpPrefix> addresses;  // our tunnel addresses (at most 4 IPv6; any number of IPv4)
  uint16_t mtu = 1420;              // of the tunnel; TCP MSS follows it per address family
};

// Counters for -v, benchmarks and leak tests. The lwIP object counts are live objects (pcbs,
// pbufs, segments, heap bytes); after every connection is closed and TIME_WAIT has passed they
// return to their values right after create() (H5).
struct NetstackStats {
  uint64_t inner_tx_bytes = 0;  // IP bytes handed to PacketOutput
  uint64_t inner_rx_bytes = 0;  // IP bytes given to input()
  uint64_t inner_tx_packets = 0;
  uint64_t inner_rx_packets = 0;
  uint32_t tcp_pcbs = 0;          // lwIP TCP pcbs (any state but LISTEN, TIME_WAIT included)
  uint32_t tcp_time_wait_pcbs = 0;  // of tcp_pcbs, those in TIME_WAIT (freed after 2 * TCP_MSL)
  uint32_t tcp_listen_pcbs = 0;
  uint32_t udp_pcbs = 0;
  uint32_t tcp_segments = 0;      // queued TCP segments (send queue, out-of-order queue)
  uint32_t pbufs = 0;             // pool and reference pbufs (RAM pbufs are in heap_bytes)
  uint64_t heap_bytes = 0;        // lwIP's heap in use (pbuf payloads, pcbs, segments)
  uint32_t tcp_bridges = 0;       // live TCP connections bridged to an fd
  uint32_t udp_bridges = 0;       // live dial_udp and connect_udp flows
  uint64_t tcp_rx_queued = 0;     // bytes received but not yet taken by the apps' sockets
  uint64_t tcp_tx_pending = 0;    // bytes read from apps that lwIP could not queue yet
  uint32_t tcp_flush_pending = 0;  // bridges whose received bytes wait for the end of the iteration
  uint64_t udp_dropped = 0;       // datagrams dropped because an app's socket was full
  uint64_t tcp_dropped = 0;       // lwIP's TCP drop counter (bad segments, no pcb, ...)
};

class NetstackHost {
 public:
  using PacketOutput = std::function<void(std::span<const uint8_t> ip_packet)>;
  using AcceptFn = std::function<void(Connection)>;
  using DatagramFn = std::function<void(const Endpoint& from, std::span<const uint8_t> data)>;

  // Fails with kInternal if a NetstackHost already exists in this process, kInvalidArgument for
  // a config without addresses or with an MTU below 576 (or below 1280 with IPv6 addresses).
  static Result<std::unique_ptr<NetstackHost>> create(EventLoop& loop, NetstackConfig config,
                                                      PacketOutput output);
  // Aborts every connection (RST), closes listeners and flows; pending dials complete with
  // kClosed. Call on the loop thread or after the loop stopped; the EventLoop must outlive it.
  ~NetstackHost();
  NetstackHost(const NetstackHost&) = delete;
  NetstackHost& operator=(const NetstackHost&) = delete;

  // A decrypted IP packet from the tunnel (copied; the span may be reused right after).
  void input(std::span<const uint8_t> ip_packet);

  // TCP connect from a random local port. `done` runs later on the loop thread (never inside
  // this call) with a connected SOCK_STREAM fd, or kConnectRefused (RST), kTimeout (no answer
  // within `timeout`; 0 = until the SYN retries give up, about a minute), kNetwork (no route: e.g. IPv6
  // without an IPv6 tunnel address), kIo (socketpair).
  void dial_tcp(const Endpoint& remote, std::chrono::milliseconds timeout,
                std::function<void(Result<Connection>)> done);

  // Listens on `local` (ip 0.0.0.0 or :: = all our addresses of both families; port 0 = a
  // random free port, reported in *bound). on_accept runs on the loop thread, never inside
  // another NetstackHost call, once per established connection. Up to 128 half-open
  // connections per listener.
  Result<uint32_t> listen_tcp(const Endpoint& local, AcceptFn on_accept, Endpoint* bound = nullptr);
  void close_listener(uint32_t id);

  // Connected UDP flow from a random local port: a SOCK_SEQPACKET fd, one datagram per
  // read/write (datagrams over 65507 bytes are dropped). Datagrams from anyone but `remote` are
  // ignored; datagrams arriving while the app's socket is full are dropped (counted). The flow
  // ends when the app closes its fd. Empty datagrams from the app cannot be told apart from EOF
  // on SOCK_SEQPACKET and end the flow.
  Result<Connection> dial_udp(const Endpoint& remote);

  // Unconnected UDP on `local` (0.0.0.0 / :: = all our addresses; port 0 = random, in *bound).
  // on_datagram runs on the loop thread, from inside input(); it may call udp_send_to and
  // close_udp (its own id included).
  Result<uint32_t> bind_udp(const Endpoint& local, DatagramFn on_datagram, Endpoint* bound = nullptr);
  Result<void> udp_send_to(uint32_t id, const Endpoint& to, std::span<const uint8_t> data);
  void close_udp(uint32_t id);
  // Turns binding `id` into a connected flow to `remote`, the same as dial_udp's (nc -u -l: the
  // first sender becomes the only remote); the id is gone after, as if closed. `first`, the
  // datagram just received from `remote`, is the first message on the fd. May be called from
  // the binding's own on_datagram. kClosed for an unknown id.
  Result<Connection> connect_udp(uint32_t id, const Endpoint& remote,
                                 std::span<const uint8_t> first);

  NetstackStats stats() const;

  struct Impl;

 private:
  explicit NetstackHost(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wgnet::io
