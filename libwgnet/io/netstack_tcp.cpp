// TCP on the tunnel stack: dialing (with our own timeout and random ports), listening, and
// handing each established connection to a TcpBridge.
#include <memory>
#include <string>

#include "io/lwip_convert.hpp"
#include "io/netstack_impl.hpp"
#include "io/socket_pair.hpp"

namespace wgnet::io {
namespace {

constexpr int kPortAttempts = 32;
constexpr u8_t kListenBacklog = TCP_DEFAULT_LISTEN_BACKLOG;

// Binds pcb to `port`, or to a random free port if it is 0 (lwIP's own choice is sequential).
err_t bind_port(tcp_pcb* pcb, const ip_addr_t* ip, uint16_t port) {
  if (port != 0) return tcp_bind(pcb, ip, port);
  err_t err = ERR_USE;
  for (int i = 0; i < kPortAttempts && err == ERR_USE; ++i) {
    err = tcp_bind(pcb, ip, NetstackHost::Impl::random_port());
  }
  return err;
}

const ip_addr_t* any_of_family(const IpAddress& ip) {
  return ip.is_v4() ? IP4_ADDR_ANY : IP6_ADDR_ANY;
}

Endpoint local_endpoint(const tcp_pcb* pcb) { return {from_lwip(pcb->local_ip), pcb->local_port}; }
Endpoint remote_endpoint(const tcp_pcb* pcb) {
  return {from_lwip(pcb->remote_ip), pcb->remote_port};
}

}  // namespace

IpAddress NetstackHost::Impl::local_address_for(const IpAddress& remote) const {
  for (const auto& a : addresses)
    if (a.family == remote.family) return a;
  return IpAddress{};
}

Result<void> NetstackHost::Impl::check_family(const Endpoint& remote, const char* what) const {
  if (remote.ip.is_v4() ? has_v4 : has_v6) return {};
  return make_error(ErrorCode::kNetwork,
                    std::string(what) + " " + remote.to_string() + ": the tunnel has no IPv" +
                        (remote.ip.is_v4() ? "4" : "6") + " address (Address=)");
}

// ---- dial ----

void NetstackHost::Impl::dial_tcp(const Endpoint& remote, std::chrono::milliseconds timeout,
                                  std::function<void(Result<Connection>)> done) {
  const std::string what = "connect to " + remote.to_string();
  // Completions go through the loop even if the host is destroyed meanwhile: the caller is
  // waiting for an answer, and `done` needs nothing of ours.
  auto fail = [&](Error e) { loop.post([done, e = std::move(e)] { done(e); }); };
  if (auto ok = check_family(remote, "connect to"); !ok) return fail(ok.error());
  if (remote.port == 0 || is_unspecified(remote.ip)) {
    return fail(make_error(ErrorCode::kInvalidArgument, what + ": invalid address or port"));
  }
  limit_time_wait();
  tcp_pcb* pcb = tcp_new_ip_type(remote.ip.is_v4() ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
  if (pcb == nullptr) return fail(lwip_error(ERR_MEM, what));
  if (err_t err = bind_port(pcb, any_of_family(remote.ip), 0); err != ERR_OK) {
    tcp_close(pcb);
    return fail(lwip_error(err, what));
  }
  set_initial_rto(pcb);  // SYN retransmissions after 1, 2, 4... s rather than 3, 6, 12...
  uint64_t id = next_id++;
  auto dial = std::make_unique<PendingDial>(PendingDial{this, id, pcb, remote, timeout, done});
  tcp_arg(pcb, dial.get());
  tcp_err(pcb, &Impl::on_dial_err);
  ip_addr_t ip = to_lwip(remote.ip);
  if (err_t err = tcp_connect(pcb, &ip, remote.port, &Impl::on_connected); err != ERR_OK) {
    tcp_arg(pcb, nullptr);
    tcp_err(pcb, nullptr);
    tcp_abort(pcb);
    return fail(lwip_error(err, what));
  }
  if (timeout.count() > 0) dial_deadlines.emplace(EventLoop::Clock::now() + timeout, id);
  dials.emplace(id, std::move(dial));
}

namespace {

// Removes a finished dial from the host's tables and returns it.
std::unique_ptr<PendingDial> take_dial(NetstackHost::Impl& h, uint64_t id) {
  auto it = h.dials.find(id);
  if (it == h.dials.end()) return nullptr;
  auto dial = std::move(it->second);
  h.dials.erase(it);
  for (auto d = h.dial_deadlines.begin(); d != h.dial_deadlines.end(); ++d) {
    if (d->second == id) {
      h.dial_deadlines.erase(d);
      break;
    }
  }
  return dial;
}

void complete(NetstackHost::Impl& h, PendingDial& dial, Result<Connection> result) {
  auto shared = std::make_shared<Result<Connection>>(std::move(result));
  h.loop.post([done = std::move(dial.done), shared] { done(std::move(*shared)); });
}

}  // namespace

err_t NetstackHost::Impl::on_connected(void* arg, tcp_pcb* pcb, err_t /*err: always ERR_OK*/) {
  auto* d = static_cast<PendingDial*>(arg);
  Impl& h = *d->host;
  auto dial = take_dial(h, d->id);
  if (!dial) return ERR_VAL;
  auto conn = h.adopt_tcp(pcb);  // replaces our arg and callbacks with the bridge's
  if (!conn) {
    tcp_arg(pcb, nullptr);
    tcp_err(pcb, nullptr);
    tcp_abort(pcb);
    complete(h, *dial, conn.error());
    return ERR_ABRT;
  }
  complete(h, *dial, std::move(conn));
  return ERR_OK;
}

void NetstackHost::Impl::on_dial_err(void* arg, err_t err) {
  auto* d = static_cast<PendingDial*>(arg);
  Impl& h = *d->host;
  auto dial = take_dial(h, d->id);
  if (!dial) return;
  const std::string what = "connect to " + dial->remote.to_string();
  Error e = err == ERR_RST    ? make_error(ErrorCode::kConnectRefused, what + ": connection refused")
            : err == ERR_ABRT ? make_error(ErrorCode::kTimeout, what + ": no answer (timed out)")
                              : lwip_error(err, what);
  complete(h, *dial, std::move(e));
}

void NetstackHost::Impl::dial_timed_out(uint64_t id) {
  auto dial = take_dial(*this, id);
  if (!dial) return;
  tcp_arg(dial->pcb, nullptr);
  tcp_err(dial->pcb, nullptr);
  tcp_abort(dial->pcb);
  complete(*this, *dial,
           make_error(ErrorCode::kTimeout, "connect to " + dial->remote.to_string() +
                                               ": no answer within " +
                                               std::to_string(dial->timeout.count()) + " ms"));
}

Result<Connection> NetstackHost::Impl::adopt_tcp(tcp_pcb* pcb) {
  auto ends = make_socket_pair(SOCK_STREAM);
  if (!ends) return ends.error();
  Connection conn{std::move(ends->app), local_endpoint(pcb), remote_endpoint(pcb)};
  auto bridge = std::make_unique<TcpBridge>(loop, tcp_flush, pcb, std::move(ends->loop),
                                            [this](TcpBridge* b) { bridge_finished(b); });
  TcpBridge* key = bridge.get();
  tcp_bridges.emplace(key, std::move(bridge));
  return conn;
}

// ---- listen ----

Result<uint32_t> NetstackHost::Impl::listen_tcp(const Endpoint& local, AcceptFn on_accept,
                                                Endpoint* bound) {
  const std::string what = "listen on " + local.to_string();
  bool any = is_unspecified(local.ip);
  tcp_pcb* pcb = tcp_new_ip_type(any ? IPADDR_TYPE_ANY
                                     : (local.ip.is_v4() ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6));
  if (pcb == nullptr) return lwip_error(ERR_MEM, what);
  ip_addr_t ip = any ? *IP_ANY_TYPE : to_lwip(local.ip);
  if (err_t err = bind_port(pcb, &ip, local.port); err != ERR_OK) {
    tcp_close(pcb);
    return lwip_error(err, what);
  }
  err_t err = ERR_OK;
  tcp_pcb* lpcb = tcp_listen_with_backlog_and_err(pcb, kListenBacklog, &err);
  if (lpcb == nullptr) {
    tcp_close(pcb);
    return lwip_error(err, what);
  }
  uint32_t id = static_cast<uint32_t>(next_id++);
  auto state = std::make_unique<TcpListenerState>(TcpListenerState{this, id, lpcb, std::move(on_accept)});
  tcp_arg(lpcb, state.get());
  tcp_accept(lpcb, &Impl::on_accept);
  if (bound != nullptr) *bound = Endpoint{local.ip, lpcb->local_port};
  listeners.emplace(id, std::move(state));
  return id;
}

err_t NetstackHost::Impl::on_accept(void* arg, tcp_pcb* pcb, err_t err) {
  auto* l = static_cast<TcpListenerState*>(arg);
  if (l == nullptr || pcb == nullptr || err != ERR_OK) return ERR_VAL;
  Impl& h = *l->host;
  auto conn = h.adopt_tcp(pcb);
  if (!conn) {
    tcp_abort(pcb);  // no fd for it (EMFILE...): refuse with RST
    return ERR_ABRT;
  }
  auto shared = std::make_shared<Connection>(std::move(*conn));
  uint32_t id = l->id;
  // Delivered from the loop, outside lwIP's input path; dropped (the fd closes, the remote gets
  // a FIN) if the listener was closed meanwhile.
  h.post([&h, id, shared] {
    auto it = h.listeners.find(id);
    if (it == h.listeners.end()) return;
    auto fn = it->second->on_accept;  // a copy: fn may close this very listener
    fn(std::move(*shared));
  });
  return ERR_OK;
}

void NetstackHost::Impl::close_listener(uint32_t id) {
  auto it = listeners.find(id);
  if (it == listeners.end()) return;
  tcp_arg(it->second->pcb, nullptr);
  tcp_close(it->second->pcb);  // a LISTEN pcb is freed at once
  listeners.erase(it);
}

}  // namespace wgnet::io
