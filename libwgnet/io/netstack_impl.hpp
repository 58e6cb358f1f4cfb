// NetstackHost's internals, shared by netstack_host.cpp (netif, timers, stats), netstack_tcp.cpp
// and netstack_udp.cpp. Loop thread only.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "io/netstack_host.hpp"
#include "io/socket_pair.hpp"
#include "io/tcp_bridge.hpp"
#include "io/udp_bridge.hpp"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

namespace wgnet::io {

struct PendingDial {
  NetstackHost::Impl* host;
  uint64_t id;
  tcp_pcb* pcb;
  Endpoint remote;
  std::chrono::milliseconds timeout;
  std::function<void(Result<Connection>)> done;
};

struct TcpListenerState {
  NetstackHost::Impl* host;
  uint32_t id;
  tcp_pcb* pcb;
  NetstackHost::AcceptFn on_accept;
};

struct UdpBinding {
  NetstackHost::Impl* host;
  uint32_t id;
  udp_pcb* pcb;
  NetstackHost::DatagramFn on_datagram;
};

struct NetstackHost::Impl {
  Impl(EventLoop& loop, PacketOutput output) : loop(loop), output(std::move(output)) {}
  ~Impl();

  Result<void> start(const NetstackConfig& config);
  void send_packet(pbuf* p);
  EventLoop::Clock::time_point next_deadline() const;
  void on_timers();

  // Posts fn to the loop unless this host is gone by then.
  void post(std::function<void()> fn);
  void bridge_finished(TcpBridge* bridge);
  void udp_bridge_finished(UdpBridge* bridge);

  // At most this many TIME_WAIT pcbs are kept (the oldest go first when a connection starts).
  static constexpr size_t kMaxTimeWaitPcbs = 64;
  void limit_time_wait();

  // A local port from the kernel CSPRNG in the IANA dynamic range (RFC 6056 "random").
  static uint16_t random_port();

  // TCP (netstack_tcp.cpp).
  void dial_tcp(const Endpoint& remote, std::chrono::milliseconds timeout,
                std::function<void(Result<Connection>)> done);
  void dial_timed_out(uint64_t id);
  Result<uint32_t> listen_tcp(const Endpoint& local, AcceptFn on_accept, Endpoint* bound);
  void close_listener(uint32_t id);
  Result<Connection> adopt_tcp(tcp_pcb* pcb);
  static err_t on_connected(void* arg, tcp_pcb* pcb, err_t err);
  static void on_dial_err(void* arg, err_t err);
  static err_t on_accept(void* arg, tcp_pcb* pcb, err_t err);

  // UDP (netstack_udp.cpp).
  Result<Connection> dial_udp(const Endpoint& remote);
  Result<uint32_t> bind_udp(const Endpoint& local, DatagramFn on_datagram, Endpoint* bound);
  Result<void> udp_send_to(uint32_t id, const Endpoint& to, std::span<const uint8_t> data);
  void close_udp(uint32_t id);
  Result<Connection> connect_udp(uint32_t id, const Endpoint& remote,
                                 std::span<const uint8_t> first);
  using UdpBindings = std::unordered_map<uint32_t, std::unique_ptr<UdpBinding>>;
  // Drops the binding from the table; its pcb is no longer its own (removed or taken over).
  void retire_udp_binding(UdpBindings::iterator it);
  // A UdpBridge for `pcb` (connected to `remote`); the app's end in the Connection.
  Connection start_udp_bridge(udp_pcb* pcb, SocketPairEnds ends, const Endpoint& remote);
  static void on_udp_recv(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port);

  // Our address of ip's family to report as a flow's local end (lwIP picks the same one).
  IpAddress local_address_for(const IpAddress& remote) const;
  // kNetwork when we have no tunnel address of remote's family.
  Result<void> check_family(const Endpoint& remote, const char* what) const;

  EventLoop& loop;
  PacketOutput output;
  std::vector<IpAddress> addresses;
  bool has_v4 = false, has_v6 = false;
  std::vector<std::unique_ptr<netif>> netifs;
  EventLoop::TimerId timer_id = 0;
  std::shared_ptr<Impl*> alive;  // posted tasks hold a weak_ptr: skipped once the host is gone

  uint64_t next_id = 1;
  std::unordered_map<uint64_t, std::unique_ptr<PendingDial>> dials;
  std::multimap<EventLoop::Clock::time_point, uint64_t> dial_deadlines;
  std::unordered_map<uint32_t, std::unique_ptr<TcpListenerState>> listeners;
  UdpBindings udp_bindings;
  TcpFlushList tcp_flush;  // declared before the bridges: it must outlive them
  std::unordered_map<TcpBridge*, std::unique_ptr<TcpBridge>> tcp_bridges;
  std::unordered_map<UdpBridge*, std::unique_ptr<UdpBridge>> udp_bridges;

  uint64_t tx_bytes = 0, rx_bytes = 0, tx_packets = 0, rx_packets = 0;
  uint64_t udp_dropped = 0;
  std::vector<uint8_t> scratch;  // contiguous copy of a chained pbuf
};

}  // namespace wgnet::io
