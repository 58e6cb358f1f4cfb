// NetstackHost: lwIP's netif on our packet I/O, lwIP's timers on the EventLoop, and the object
// lifetimes of bridges, listeners and bindings.
#include "io/netstack_host.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include "io/lwip_convert.hpp"
#include "io/netstack_impl.hpp"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netstack_glue.hpp"
#include "wgnet_lwip_hooks.h"  // wgnet_lwip_now_us: LWIP_TCP_NOW_US, pacing times

namespace wgnet::io {
namespace {

std::atomic<bool> g_host_exists{false};

NetstackHost::Impl* host_of(netif* n) { return static_cast<NetstackHost::Impl*>(n->state); }

err_t output_v4(netif* n, pbuf* p, const ip4_addr_t* /*next_hop*/) {
  host_of(n)->send_packet(p);
  return ERR_OK;
}

err_t output_v6(netif* n, pbuf* p, const ip6_addr_t* /*next_hop*/) {
  host_of(n)->send_packet(p);
  return ERR_OK;
}

uint16_t g_init_mtu = 1420;  // read by init_netif (netif_add calls it synchronously)

err_t init_netif(netif* n) {
  n->name[0] = 'w';
  n->name[1] = 'g';
  n->output = output_v4;
  n->output_ip6 = output_v6;
  n->mtu = g_init_mtu;
  n->flags = 0;  // point-to-point: no ARP, no broadcast, no multicast
  return ERR_OK;
}

uint32_t memp_used(memp_t type) { return lwip_stats.memp[type] ? lwip_stats.memp[type]->used : 0; }

}  // namespace

// ---- creation and teardown ----

Result<std::unique_ptr<NetstackHost>> NetstackHost::create(EventLoop& loop, NetstackConfig config,
                                                           PacketOutput output) {
  if (config.addresses.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "the tunnel has no Address= to use");
  }
  bool has_v6 = false;
  for (const auto& a : config.addresses) has_v6 |= a.addr.is_v6();
  if (config.mtu < 576 || (has_v6 && config.mtu < 1280)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "MTU " + std::to_string(config.mtu) + " is too small (IPv4 needs 576, " +
                          "IPv6 1280)");
  }
  if (g_host_exists.exchange(true)) {
    return make_error(ErrorCode::kInternal,
                      "only one tunnel stack per process (lwIP is a process-wide singleton)");
  }
  auto impl = std::make_unique<Impl>(loop, std::move(output));
  if (auto started = impl->start(config); !started) return started.error();
  return std::unique_ptr<NetstackHost>(new NetstackHost(std::move(impl)));
}

NetstackHost::NetstackHost(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NetstackHost::~NetstackHost() = default;

Result<void> NetstackHost::Impl::start(const NetstackConfig& config) {
  static std::once_flag lwip_once;
  std::call_once(lwip_once, [] { lwip_init(); });  // lwip_init registers timers: once only
  // TCP congestion control for connections that agree SACK: the model (after BBR, lwipopts.h)
  // unless WGNET_TCP_CC=reno asks for lwIP's Reno, to compare the two (bench/lossy_link.sh).
  if (const char* cc = std::getenv("WGNET_TCP_CC"); cc != nullptr && *cc != '\0') {
    std::string_view name(cc);
    if (name != "model" && name != "reno") {
      return make_error(ErrorCode::kInvalidArgument,
                        "WGNET_TCP_CC='" + std::string(name) + "': use 'model' or 'reno'");
    }
    tcp_cc_model_enabled = name == "model" ? 1 : 0;
  }
  EventLoop* l = &loop;
  netstack::set_owner_check([l] { return l->in_loop_thread() || !l->is_running(); });
  alive = std::make_shared<Impl*>(this);

  g_init_mtu = config.mtu;
  auto add_netif = [&](const ip4_addr_t* ip, const ip4_addr_t* mask) -> netif* {
    auto n = std::make_unique<netif>();
    std::memset(n.get(), 0, sizeof(netif));
    static const ip4_addr_t any{};
    netif* added = ip ? netif_add(n.get(), ip, mask, &any, this, init_netif, ip_input)
                      : netif_add_noaddr(n.get(), this, init_netif, ip_input);
    if (added == nullptr) return nullptr;
    netifs.push_back(std::move(n));
    return added;
  };
  for (const auto& prefix : config.addresses) {
    if (!prefix.addr.is_v4()) continue;
    ip_addr_t ip = to_lwip(prefix.addr);
    ip4_addr_t mask;
    mask.addr = lwip_htonl(prefix.length == 0 ? 0 : ~0u << (32 - prefix.length));
    if (add_netif(ip_2_ip4(&ip), &mask) == nullptr) {
      return make_error(ErrorCode::kInternal, "cannot add " + prefix.to_string() + " to the stack");
    }
    has_v4 = true;
  }
  if (netifs.empty() && add_netif(nullptr, nullptr) == nullptr) {
    return make_error(ErrorCode::kInternal, "cannot create the stack's interface");
  }
  netif* first = netifs.front().get();
  for (const auto& prefix : config.addresses) {
    if (!prefix.addr.is_v6()) continue;
    ip_addr_t ip = to_lwip(prefix.addr);
    s8_t index = -1;
    if (netif_add_ip6_address(first, ip_2_ip6(&ip), &index) != ERR_OK || index < 0) {
      return make_error(ErrorCode::kInvalidArgument,
                        "too many IPv6 addresses (at most " +
                            std::to_string(LWIP_IPV6_NUM_ADDRESSES - 1) + ")");
    }
    // No duplicate address detection inside a tunnel: usable at once.
    netif_ip6_addr_set_state(first, index, IP6_ADDR_PREFERRED);
    has_v6 = true;
  }
  for (auto& n : netifs) {
    netif_set_up(n.get());
    netif_set_link_up(n.get());
  }
  netif_set_default(first);
  for (const auto& prefix : config.addresses) addresses.push_back(prefix.addr);

  timer_id = loop.add_timer_source([this] { return next_deadline(); }, [this] { on_timers(); });
  // Received TCP data goes to the apps' sockets once per loop iteration (TcpFlushList). This
  // hook is registered here, when the stack is created and so before the tunnel registers its
  // own hook that flushes the batched outer UDP datagrams: it runs first, and the window updates
  // its writes cause (tcp_recved) leave in the same iteration's UDP flush. The EventLoop cannot
  // remove a hook, so it checks that this host still exists.
  std::weak_ptr<Impl*> weak = alive;
  loop.add_before_sleep([weak] {
    if (auto self = weak.lock()) (*self)->tcp_flush.flush();
  });
  return {};
}

NetstackHost::Impl::~Impl() {
  alive.reset();  // posted tasks for this host become no-ops
  for (auto& [id, dial] : dials) {
    tcp_arg(dial->pcb, nullptr);
    tcp_err(dial->pcb, nullptr);
    tcp_abort(dial->pcb);
    dial->done(make_error(ErrorCode::kClosed,
                          "connection to " + dial->remote.to_string() + ": tunnel closed"));
  }
  dials.clear();
  tcp_bridges.clear();  // RST for every live connection
  udp_bridges.clear();
  for (auto& [id, l] : listeners) {
    tcp_arg(l->pcb, nullptr);
    tcp_close(l->pcb);
  }
  listeners.clear();
  for (auto& [id, b] : udp_bindings) udp_remove(b->pcb);
  udp_bindings.clear();
  if (timer_id != 0) loop.remove_timer_source(timer_id);
  for (auto& n : netifs) netif_remove(n.get());
  netifs.clear();
  netstack::set_owner_check({});
  g_host_exists.store(false);
}

void NetstackHost::Impl::post(std::function<void()> fn) {
  std::weak_ptr<Impl*> weak = alive;
  loop.post([weak, fn = std::move(fn)] {
    if (weak.lock()) fn();
  });
}

void NetstackHost::Impl::bridge_finished(TcpBridge* bridge) {
  post([this, bridge] { tcp_bridges.erase(bridge); });
}

void NetstackHost::Impl::udp_bridge_finished(UdpBridge* bridge) {
  post([this, bridge] { udp_bridges.erase(bridge); });
}

void NetstackHost::Impl::limit_time_wait() {
  // lwIP reclaims TIME_WAIT pcbs early only when an allocation fails, which with malloc'd pools
  // never happens: cap them ourselves (H6 time_wait_churn). New ones are at the list's head, so
  // the oldest are dropped; a TIME_WAIT pcb has no callbacks, aborting it only frees it.
  std::vector<tcp_pcb*> excess;
  size_t n = 0;
  for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) {
    if (++n > kMaxTimeWaitPcbs) excess.push_back(pcb);
  }
  for (tcp_pcb* pcb : excess) tcp_abort(pcb);
}

uint16_t NetstackHost::Impl::random_port() {
  return static_cast<uint16_t>(49152 + netstack::random_u32() % 16384);
}

// ---- packets ----

void NetstackHost::input(std::span<const uint8_t> ip_packet) {
  LWIP_ASSERT_CORE_LOCKED();  // H1: the input path has no check of its own in lwIP
  Impl& h = *impl_;
  if (ip_packet.empty() || ip_packet.size() > 0xFFFF - 8 || h.netifs.empty()) return;
  // lwIP 2.1.3's tcp_parseopt() reads the length byte of a last option even when the options
  // end with its kind byte, one byte past the packet when there is no payload (found by
  // malformed_input_test under ASan; TESTPLAN H10's "tcp-option over-read"). Zeroed slack after
  // the packet makes that byte ours and 0, which lwIP takes as a bad length and stops.
  constexpr size_t kTailSlack = 8;
  pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(ip_packet.size() + kTailSlack), PBUF_RAM);
  if (p == nullptr) return;  // out of memory: dropped like a congested link would
  std::memcpy(p->payload, ip_packet.data(), ip_packet.size());
  std::memset(static_cast<uint8_t*>(p->payload) + ip_packet.size(), 0, kTailSlack);
  p->len = p->tot_len = static_cast<u16_t>(ip_packet.size());  // the slack is not packet data
  h.rx_bytes += ip_packet.size();
  ++h.rx_packets;
  // ip_input dispatches on the version and accepts packets for any of our netifs.
  netif* n = h.netifs.front().get();
  if (n->input(p, n) != ERR_OK) pbuf_free(p);
}

void NetstackHost::Impl::send_packet(pbuf* p) {
  tx_bytes += p->tot_len;
  ++tx_packets;
  if (!output) return;
  if (p->next == nullptr) {  // LWIP_NETIF_TX_SINGLE_PBUF: the usual case, no copy
    output({static_cast<const uint8_t*>(p->payload), p->len});
    return;
  }
  scratch.resize(p->tot_len);
  pbuf_copy_partial(p, scratch.data(), p->tot_len, 0);
  output(scratch);
}

// ---- timers ----

EventLoop::Clock::time_point NetstackHost::Impl::next_deadline() const {
  // lwIP's microsecond clock is read first: both are CLOCK_MONOTONIC, and the deadline made
  // from the later reading cannot come before the pacing time it stands for (on_timers would
  // find it not yet due and the loop would spin until it was).
  const u32_t now_us = LWIP_TCP_NOW_US();
  auto now = EventLoop::Clock::now();
  auto deadline = EventLoop::Clock::time_point::max();
  u32_t sleep_ms = sys_timeouts_sleeptime();
  if (sleep_ms == 0) return EventLoop::Clock::time_point::min();  // due now
  if (sleep_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE) deadline = now + std::chrono::milliseconds(sleep_ms);
  if (u32_t wake_us; tcp_cc_pace_next_wake(&wake_us)) {
    auto until = static_cast<int32_t>(wake_us - now_us);  // wraps every 71 minutes
    deadline = std::min(deadline, now + std::chrono::microseconds(std::max(until, 0)));
  }
  if (!dial_deadlines.empty()) deadline = std::min(deadline, dial_deadlines.begin()->first);
  return deadline;
}

void NetstackHost::Impl::on_timers() {
  sys_check_timeouts();
  // TCP pacing: connections held for their departure time (lwIP patch 0004, tcp_cc.c)
  if (u32_t wake_us;
      tcp_cc_pace_next_wake(&wake_us) && static_cast<int32_t>(wake_us - LWIP_TCP_NOW_US()) <= 0) {
    tcp_cc_pace_resume();
  }
  limit_time_wait();  // outside lwIP's input path; also covers connections we accepted
  auto now = EventLoop::Clock::now();
  while (!dial_deadlines.empty() && dial_deadlines.begin()->first <= now) {
    uint64_t id = dial_deadlines.begin()->second;
    dial_deadlines.erase(dial_deadlines.begin());
    dial_timed_out(id);
  }
}

// ---- stats ----

NetstackStats NetstackHost::stats() const {
  LWIP_ASSERT_CORE_LOCKED();
  const Impl& h = *impl_;
  NetstackStats s;
  s.inner_tx_bytes = h.tx_bytes;
  s.inner_rx_bytes = h.rx_bytes;
  s.inner_tx_packets = h.tx_packets;
  s.inner_rx_packets = h.rx_packets;
  s.tcp_pcbs = memp_used(MEMP_TCP_PCB);
  for (const tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) ++s.tcp_time_wait_pcbs;
  s.tcp_listen_pcbs = memp_used(MEMP_TCP_PCB_LISTEN);
  s.udp_pcbs = memp_used(MEMP_UDP_PCB);
  s.tcp_segments = memp_used(MEMP_TCP_SEG);
  s.pbufs = memp_used(MEMP_PBUF) + memp_used(MEMP_PBUF_POOL);
  s.heap_bytes = lwip_stats.mem.used;
  s.tcp_bridges = static_cast<uint32_t>(h.tcp_bridges.size());
  s.udp_bridges = static_cast<uint32_t>(h.udp_bridges.size());
  s.tcp_flush_pending = static_cast<uint32_t>(h.tcp_flush.size());
  for (const auto& [ptr, bridge] : h.tcp_bridges) {
    s.tcp_rx_queued += bridge->rx_queued();
    s.tcp_tx_pending += bridge->tx_pending();
  }
  s.udp_dropped = h.udp_dropped;
  s.tcp_dropped = lwip_stats.tcp.drop;
  return s;
}

// ---- forwarding to Impl (netstack_tcp.cpp, netstack_udp.cpp) ----

void NetstackHost::dial_tcp(const Endpoint& remote, std::chrono::milliseconds timeout,
                            std::function<void(Result<Connection>)> done) {
  impl_->dial_tcp(remote, timeout, std::move(done));
}
Result<uint32_t> NetstackHost::listen_tcp(const Endpoint& local, AcceptFn on_accept,
                                          Endpoint* bound) {
  return impl_->listen_tcp(local, std::move(on_accept), bound);
}
void NetstackHost::close_listener(uint32_t id) { impl_->close_listener(id); }
Result<Connection> NetstackHost::dial_udp(const Endpoint& remote) { return impl_->dial_udp(remote); }
Result<uint32_t> NetstackHost::bind_udp(const Endpoint& local, DatagramFn on_datagram,
                                        Endpoint* bound) {
  return impl_->bind_udp(local, std::move(on_datagram), bound);
}
Result<void> NetstackHost::udp_send_to(uint32_t id, const Endpoint& to,
                                       std::span<const uint8_t> data) {
  return impl_->udp_send_to(id, to, data);
}
void NetstackHost::close_udp(uint32_t id) { impl_->close_udp(id); }
Result<Connection> NetstackHost::connect_udp(uint32_t id, const Endpoint& remote,
                                             std::span<const uint8_t> first) {
  return impl_->connect_udp(id, remote, first);
}

}  // namespace wgnet::io
