// UDP on the tunnel stack: connected flows bridged to SOCK_SEQPACKET fds (dial_udp), and
// unconnected bindings with a datagram callback (bind_udp / udp_send_to), which connect_udp
// turns into such a flow.
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <string>

#include "io/lwip_convert.hpp"
#include "io/netstack_impl.hpp"
#include "io/socket_pair.hpp"
#include "lwip/pbuf.h"

namespace wgnet::io {
namespace {

constexpr int kPortAttempts = 32;
constexpr size_t kMaxDatagram = 65507;

err_t bind_port(udp_pcb* pcb, const ip_addr_t* ip, uint16_t port) {
  if (port != 0) return udp_bind(pcb, ip, port);
  err_t err = ERR_USE;
  for (int i = 0; i < kPortAttempts && err == ERR_USE; ++i) {
    err = udp_bind(pcb, ip, NetstackHost::Impl::random_port());
  }
  return err;
}

}  // namespace

Result<Connection> NetstackHost::Impl::dial_udp(const Endpoint& remote) {
  const std::string what = "UDP to " + remote.to_string();
  if (auto ok = check_family(remote, "UDP to"); !ok) return ok.error();
  if (remote.port == 0 || is_unspecified(remote.ip)) {
    return make_error(ErrorCode::kInvalidArgument, what + ": invalid address or port");
  }
  auto ends = make_socket_pair(SOCK_SEQPACKET);
  if (!ends) return ends.error();
  udp_pcb* pcb = udp_new_ip_type(remote.ip.is_v4() ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
  if (pcb == nullptr) return lwip_error(ERR_MEM, what);
  ip_addr_t ip = to_lwip(remote.ip);
  err_t err = bind_port(pcb, remote.ip.is_v4() ? IP4_ADDR_ANY : IP6_ADDR_ANY, 0);
  if (err == ERR_OK) err = udp_connect(pcb, &ip, remote.port);
  if (err != ERR_OK) {
    udp_remove(pcb);
    return lwip_error(err, what);
  }
  return start_udp_bridge(pcb, std::move(*ends), remote);
}

Result<Connection> NetstackHost::Impl::connect_udp(uint32_t id, const Endpoint& remote,
                                                   std::span<const uint8_t> first) {
  const std::string what = "UDP to " + remote.to_string();
  auto it = udp_bindings.find(id);
  if (it == udp_bindings.end()) return make_error(ErrorCode::kClosed, what + ": socket closed");
  auto ends = make_socket_pair(SOCK_SEQPACKET);
  if (!ends) return ends.error();
  udp_pcb* pcb = it->second->pcb;
  ip_addr_t ip = to_lwip(remote.ip);
  if (err_t err = udp_connect(pcb, &ip, remote.port); err != ERR_OK) return lwip_error(err, what);
  // Queued before the bridge exists, so the first datagram is the first message the app reads.
  (void)::send(ends->loop.get(), first.data(), first.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  retire_udp_binding(it);  // the pcb is the bridge's now
  return start_udp_bridge(pcb, std::move(*ends), remote);
}

Connection NetstackHost::Impl::start_udp_bridge(udp_pcb* pcb, SocketPairEnds ends,
                                                const Endpoint& remote) {
  IpAddress local_ip =
      ip_addr_isany(&pcb->local_ip) ? local_address_for(remote.ip) : from_lwip(pcb->local_ip);
  Connection conn{std::move(ends.app), Endpoint{local_ip, pcb->local_port}, remote};
  auto bridge = std::make_unique<UdpBridge>(
      loop, pcb, std::move(ends.loop), [this](UdpBridge* b) { udp_bridge_finished(b); },
      &udp_dropped);
  UdpBridge* key = bridge.get();
  udp_bridges.emplace(key, std::move(bridge));
  return conn;
}

Result<uint32_t> NetstackHost::Impl::bind_udp(const Endpoint& local, DatagramFn on_datagram,
                                              Endpoint* bound) {
  const std::string what = "bind UDP " + local.to_string();
  bool any = is_unspecified(local.ip);
  udp_pcb* pcb = udp_new_ip_type(any ? IPADDR_TYPE_ANY
                                     : (local.ip.is_v4() ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6));
  if (pcb == nullptr) return lwip_error(ERR_MEM, what);
  ip_addr_t ip = any ? *IP_ANY_TYPE : to_lwip(local.ip);
  if (err_t err = bind_port(pcb, &ip, local.port); err != ERR_OK) {
    udp_remove(pcb);
    return lwip_error(err, what);
  }
  uint32_t id = static_cast<uint32_t>(next_id++);
  auto binding = std::make_unique<UdpBinding>(UdpBinding{this, id, pcb, std::move(on_datagram)});
  udp_recv(pcb, &Impl::on_udp_recv, binding.get());
  if (bound != nullptr) *bound = Endpoint{local.ip, pcb->local_port};
  udp_bindings.emplace(id, std::move(binding));
  return id;
}

void NetstackHost::Impl::on_udp_recv(void* arg, udp_pcb* /*pcb*/, pbuf* p, const ip_addr_t* addr,
                                     u16_t port) {
  auto* b = static_cast<UdpBinding*>(arg);
  Impl& h = *b->host;
  Endpoint from{from_lwip(*addr), port};
  std::span<const uint8_t> data;
  if (p->next == nullptr) {
    data = {static_cast<const uint8_t*>(p->payload), p->len};
  } else {
    h.scratch.resize(p->tot_len);
    pbuf_copy_partial(p, h.scratch.data(), p->tot_len, 0);
    data = h.scratch;
  }
  // close_udp() from inside the callback defers freeing the binding (see close_udp), so b and
  // its function stay valid for the whole call.
  b->on_datagram(from, data);
  pbuf_free(p);
}

Result<void> NetstackHost::Impl::udp_send_to(uint32_t id, const Endpoint& to,
                                             std::span<const uint8_t> data) {
  const std::string what = "UDP to " + to.to_string();
  auto it = udp_bindings.find(id);
  if (it == udp_bindings.end()) return make_error(ErrorCode::kClosed, what + ": socket closed");
  if (data.size() > kMaxDatagram) {
    return make_error(ErrorCode::kInvalidArgument,
                      what + ": datagram of " + std::to_string(data.size()) +
                          " bytes is larger than UDP allows (65507)");
  }
  if (auto ok = check_family(to, "UDP to"); !ok) return ok.error();
  pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(data.size()), PBUF_RAM);
  if (p == nullptr) return lwip_error(ERR_MEM, what);
  if (!data.empty()) std::memcpy(p->payload, data.data(), data.size());
  ip_addr_t ip = to_lwip(to.ip);
  err_t err = udp_sendto(it->second->pcb, p, &ip, to.port);
  pbuf_free(p);
  if (err != ERR_OK) return lwip_error(err, what);
  return {};
}

void NetstackHost::Impl::close_udp(uint32_t id) {
  auto it = udp_bindings.find(id);
  if (it == udp_bindings.end()) return;
  udp_remove(it->second->pcb);
  retire_udp_binding(it);
}

void NetstackHost::Impl::retire_udp_binding(UdpBindings::iterator it) {
  // Freed from the loop, not here: we may be inside this binding's own datagram callback.
  std::shared_ptr<UdpBinding> dead(std::move(it->second));
  udp_bindings.erase(it);
  loop.post([dead] {});
}

}  // namespace wgnet::io
