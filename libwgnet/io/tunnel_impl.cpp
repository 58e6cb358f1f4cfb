#include "io/tunnel_impl.hpp"

#include <sys/epoll.h>

#include <algorithm>
#include <cstdio>

#include "io/dial_plan.hpp"
#include "io/loop_call.hpp"
#include "io/peer_endpoints.hpp"

namespace wgnet {

Result<std::unique_ptr<Tunnel>> Tunnel::open(const Config& config, TunnelOptions options) {
  return io::TunnelImpl::open(config, std::move(options));
}

}  // namespace wgnet

namespace wgnet::io {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr int kEndpointResolveTries = 3;

std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool family_allows(AddressFamily family, const IpAddress& ip) {
  return family == AddressFamily::kAny || (family == AddressFamily::kV4) == ip.is_v4();
}

}  // namespace

TunnelImpl::TunnelImpl(PassKey, SingleTunnelClaim claim, const Config& config,
                       TunnelOptions options)
    : claim_(std::move(claim)),
      config_(config),
      options_(std::move(options)),
      opened_at_(SteadyClock::now()) {
  for (core::PeerIndex i = 0; i < config_.peers.size(); ++i)
    for (const auto& prefix : config_.peers[i].allowed_ips) routes_.insert(prefix, i);
}

Result<std::unique_ptr<Tunnel>> TunnelImpl::open(const Config& config, TunnelOptions options) {
  if (config.peers.empty())
    return make_error(ErrorCode::kConfig,
                      config.source + ": no [Peer] section: nothing to talk to");
  if (config.interface.addresses.empty())
    return make_error(ErrorCode::kConfig,
                      config.source +
                          ": no address for the tunnel: give one with Address= in [Interface] "
                          "(UAPI form: an address= line)");
  auto claim = SingleTunnelClaim::take();
  if (!claim) return claim.error();
  auto tunnel =
      std::make_unique<TunnelImpl>(PassKey{}, std::move(*claim), config, std::move(options));
  if (auto started = tunnel->start(); !started) return started.error();
  return std::unique_ptr<Tunnel>(std::move(tunnel));
}

void TunnelImpl::log(LogLevel level, const std::string& message) const {
  if (options_.log) options_.log(level, message);
}

Result<void> TunnelImpl::start() {
  core::DeviceConfig dc;
  dc.private_key = config_.interface.private_key;
  dc.mtu = config_.interface.mtu;
  for (const auto& peer : config_.peers) {
    core::DeviceConfig::Peer p;
    p.public_key = peer.public_key;
    p.preshared_key = peer.preshared_key;
    p.allowed_ips = peer.allowed_ips;
    p.persistent_keepalive = peer.persistent_keepalive;
    if (peer.endpoint) {
      auto resolved = resolve_peer_endpoint(*peer.endpoint, kEndpointResolveTries);
      if (!resolved) return resolved.error();
      p.endpoints = std::move(*resolved);
    }
    dc.peers.push_back(std::move(p));
  }

  std::string error;
  device_ = core::Device::create(dc, env_, &error);
  if (!device_) return make_error(ErrorCode::kConfig, config_.source + ": " + error);

  // Room for the largest datagram a peer may send: MTU + 32 bytes of header and tag, padded.
  std::optional<IpAddress> local;
  if (!options_.listen_address.empty()) {
    local = IpAddress::parse(options_.listen_address);
    if (!local)
      return make_error(ErrorCode::kInvalidArgument,
                        options_.listen_address + ": not an IP address to listen on");
  }
  auto socket = OuterSocket::open(config_.interface.listen_port,
                                  std::max<size_t>(2048, config_.interface.mtu + 64u), local);
  if (!socket) return socket.error();
  socket_.emplace(std::move(*socket));

  auto loop = EventLoop::create();
  if (!loop) return loop.error();
  loop_ = std::move(*loop);
  reresolver_ = std::make_unique<EndpointReresolver>(
      config_.peers, *loop_, [this](size_t peer, std::vector<Endpoint> endpoints) {
        log(LogLevel::kInfo,
            "re-resolved peer endpoint " + config_.peers[peer].endpoint->to_string());
        device_->set_endpoints(peer, std::move(endpoints));
      });
  thread_ = std::thread([this] { loop_->run(); });

  auto ready = call_on_loop(*loop_, [this]() -> Result<void> {
    NetstackConfig nc{config_.interface.addresses, config_.interface.mtu};
    auto host = NetstackHost::create(*loop_, nc, [this](std::span<const uint8_t> packet) {
      device_->send_ip(packet, boottime_now(), *this);
    });
    if (!host) return host.error();
    netstack_ = std::move(*host);
    // Runs after the stack's own before-sleep work (registered when it was created), so that
    // window updates it sends then leave in the same flush.
    loop_->add_before_sleep([this] {
      socket_->flush();
      tx_bytes_.store(socket_->tx_bytes(), std::memory_order_relaxed);
    });
    for (int fd : {socket_->fd_v4(), socket_->fd_v6()}) {
      if (fd >= 0) loop_->add(fd, EPOLLIN, [this, fd](uint32_t) { on_outer_readable(fd); });
    }
    loop_->add_timer_source(
        [this] {
          core::Time deadline = device_->next_deadline();
          if (deadline == core::kNever) return SteadyClock::time_point::max();
          auto wait = std::max(deadline - boottime_now(), core::Time::zero());
          return SteadyClock::now() + duration_cast<SteadyClock::duration>(wait);
        },
        [this] { device_->on_deadline(boottime_now(), *this); });
    for (size_t i = 0; i < config_.peers.size(); ++i) {
      const auto& peer = config_.peers[i];
      log(LogLevel::kDebug, "peer " + key_to_base64(peer.public_key) + " endpoint " +
                                (peer.endpoint ? peer.endpoint->to_string() : "(none)"));
    }
    log(LogLevel::kDebug, "listening on UDP port " + std::to_string(socket_->port()));
    dns_ = std::make_unique<DnsDriver>(*loop_, *netstack_,
                                       [this](const IpAddress& ip) { return routable(ip); });
    device_->start(boottime_now(), *this);
    return {};
  });
  if (!ready) return ready.error();
  link_ = std::make_shared<TunnelLink>(*loop_, *netstack_, thread_.get_id());

  dns_config_.servers = config_.interface.dns_servers;
  dns_config_.search = config_.interface.dns_search;
  return {};
}

TunnelImpl::~TunnelImpl() {
  // Listeners and sockets that outlive us answer kClosed from now on (see tunnel_link.hpp).
  if (link_) link_->close();
  if (loop_ && thread_.joinable()) {
    // Give the loop two more iterations: connections the caller has just closed are then seen
    // and end with a FIN (which leaves in that iteration's flush), not with the RST of a stack
    // torn down under them — a peer like `nc -l -N` waits for that FIN to exit cleanly.
    for (int round = 0; round < 2; ++round) call_on_loop(*loop_, [] {});
  }
  if (loop_) {
    loop_->stop();
    if (thread_.joinable()) thread_.join();
  }
  reresolver_.reset();  // waits for a lookup still running
  // The loop has stopped: nothing else touches the stack or the device any more.
  dns_.reset();                   // requests still waiting end with kClosed
  netstack_.reset();              // resets connections still open...
  if (socket_) socket_->flush();  // ...and those RSTs leave now, not in a flush that never comes
  device_.reset();
}

// ---- the event loop side ----

void TunnelImpl::on_outer_readable(int fd) {
  // A few batches per wake-up, then let the loop serve the stack's fds too.
  for (int round = 0; round < 8; ++round) {
    core::Time now = boottime_now();
    size_t n = socket_->receive_batch(fd, [&](std::span<uint8_t> datagram, const Endpoint& from) {
      device_->receive_datagram(datagram, from, now, *this);
    });
    if (n == 0) break;
  }
  tx_bytes_.store(socket_->tx_bytes(), std::memory_order_relaxed);
  rx_bytes_.store(socket_->rx_bytes(), std::memory_order_relaxed);
}

void TunnelImpl::send_datagram(const Endpoint& to, std::span<const uint8_t> datagram) {
  socket_->send(to, datagram);
}

void TunnelImpl::deliver_ip(std::span<const uint8_t> ip_packet) {
  netstack_->input(ip_packet);
}

void TunnelImpl::on_event(const core::Event& event) {
  std::string who = event.peer ? key_to_base64(config_.peers.at(*event.peer).public_key) : "?";
  switch (event.kind) {
    case core::EventKind::kHandshakeInitiated:
      log(LogLevel::kDebug,
          "sending handshake initiation to peer " + who + " (" + event.detail + ")");
      if (event.peer) reresolver_->on_initiation(*event.peer);
      break;
    case core::EventKind::kHandshakeComplete: {
      if (event.peer) reresolver_->on_handshake(*event.peer);
      auto elapsed = duration_cast<milliseconds>(SteadyClock::now() - opened_at_);
      std::string endpoint;
      if (event.peer) {
        auto status = device_->peers();
        if (*event.peer < status.size() && status[*event.peer].endpoint)
          endpoint = status[*event.peer].endpoint->to_string();
      }
      bool first = false;
      {
        std::lock_guard lock(mu_);
        if (!handshake_done_) {
          first = true;
          handshake_done_ = true;
          first_handshake_.handshake_time = elapsed;
          first_handshake_.peer_public_key = who;
          first_handshake_.peer_endpoint = endpoint;
        }
      }
      if (first) {
        cv_.notify_all();
        log(LogLevel::kDebug, "handshake with peer " + who + " at " + endpoint +
                                  " complete after " + std::to_string(elapsed.count()) + " ms");
      } else {
        log(LogLevel::kDebug, "handshake with peer " + who + " complete");
      }
      break;
    }
    case core::EventKind::kHandshakeGaveUp:
      log(LogLevel::kWarning, "handshake with peer " + who + " gave up: " + event.detail);
      {
        std::lock_guard lock(mu_);
        handshake_gave_up_ = true;
      }
      cv_.notify_all();
      break;
    case core::EventKind::kPacketDropped:
      log(LogLevel::kDebug, "dropped packet: " + event.detail);
      break;
    case core::EventKind::kEndpointChanged:
      log(LogLevel::kInfo, "peer " + who + " roamed to " + event.detail);
      break;
    case core::EventKind::kKeypairsExpired:
      log(LogLevel::kDebug, "keys for peer " + who + " expired and were erased");
      break;
  }
}

// ---- caller threads ----

std::optional<TunnelImpl::Budget> TunnelImpl::budget_from_now(milliseconds timeout) {
  if (timeout <= milliseconds::zero()) return std::nullopt;
  return Budget{SteadyClock::now() + timeout, timeout};
}

Result<void> TunnelImpl::wait_handshake() {
  return wait_handshake_until(std::nullopt);
}

Result<void> TunnelImpl::wait_handshake_until(const std::optional<Budget>& budget) {
  // Every call that waits for the network starts here (dial_*, resolve, wait_handshake).
  if (link_->on_loop_thread()) return called_on_loop_thread("a wgnet::Tunnel call that waits");
  std::unique_lock lock(mu_);
  auto deadline = opened_at_ + options_.handshake_timeout;
  milliseconds waited = options_.handshake_timeout;
  std::string reason = "the peer never answered";
  if (budget && budget->deadline < deadline) {
    deadline = budget->deadline;
    waited = budget->allowed;
    reason = "the peer has not answered yet";
  }
  cv_.wait_until(lock, deadline, [this] { return handshake_done_ || handshake_gave_up_; });
  if (handshake_done_) return {};
  if (handshake_gave_up_) reason = "the peer never answered";
  const auto& peer = config_.peers.front();
  std::string where = peer.endpoint ? peer.endpoint->to_string() : "(no endpoint)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(waited.count()) / 1000.0);
  return make_error(ErrorCode::kHandshakeTimeout,
                    "WireGuard handshake with " + where + " did not complete within " + buf +
                        " s: " + reason + " (check Endpoint, both public keys and PresharedKey)");
}

Result<std::vector<IpAddress>> TunnelImpl::resolve(const std::string& name, AddressFamily family,
                                                   milliseconds timeout) {
  return resolve_until(name, family, budget_from_now(timeout));
}

Result<std::vector<IpAddress>> TunnelImpl::resolve_until(const std::string& name,
                                                         AddressFamily family,
                                                         const std::optional<Budget>& budget) {
  if (auto ip = IpAddress::parse(strip_brackets(name))) {
    if (!family_allows(family, *ip))
      return make_error(ErrorCode::kInvalidArgument,
                        name + ": address family does not match -4/-6");
    return std::vector<IpAddress>{*ip};
  }
  if (auto ready = wait_handshake_until(budget); !ready) return ready.error();
  dns::ResolveRequest request{name, family, dns_config_, std::nullopt, std::nullopt};
  if (budget) {
    request.deadline = budget->deadline;
    request.allowed = budget->allowed;
  }
  return dns_->resolve(std::move(request));
}

Result<std::vector<IpAddress>> TunnelImpl::addresses_for(const std::string& host,
                                                         const DialOptions& opts,
                                                         const std::optional<Budget>& budget) {
  if (opts.numeric_only && !IpAddress::parse(strip_brackets(host)))
    return make_error(ErrorCode::kInvalidArgument,
                      host + ": not a numeric address, and name resolution is off (-n)");
  auto addrs = resolve_until(host, opts.family, budget);
  if (!addrs) return lookup_failure_for_dial(addrs.error());
  return addrs;
}

Error TunnelImpl::explain_dial_failure(Error error) const {
  std::lock_guard lock(mu_);
  return io::explain_dial_failure(std::move(error), handshake_done_);
}

void TunnelImpl::log_plan(DialPlan& plan) const {
  for (auto& [level, line] : plan.take_log()) log(level, line);
}

// Checked before dialling, so that an address no peer covers fails at once with a reason
// instead of timing out on packets the device drops.
bool TunnelImpl::routable(const IpAddress& ip) const {
  return routes_.lookup(ip).has_value();
}

Result<Connection> TunnelImpl::dial_tcp(const std::string& host, uint16_t port,
                                        const DialOptions& opts) {
  // opts.timeout is the whole dial: handshake wait and name lookup come out of it too.
  auto start = SteadyClock::now();
  auto budget = budget_from_now(opts.timeout);
  if (auto ready = wait_handshake_until(budget); !ready) return ready.error();
  auto addrs = addresses_for(host, opts, budget);
  if (!addrs) return addrs.error();
  DialPlan plan(host, *addrs, port, opts, start,
                [this](const IpAddress& ip) { return routable(ip); });
  while (auto attempt = plan.next(SteadyClock::now())) {
    log_plan(plan);
    auto conn = await_on_loop<Result<Connection>>(*loop_, [&](auto done) {
      netstack_->dial_tcp(attempt->remote, attempt->timeout, std::move(done));
    });
    if (conn) {
      log(LogLevel::kDebug, "connected to " + attempt->remote.to_string());
      return conn;
    }
    plan.failed(conn.error());
  }
  log_plan(plan);
  return explain_dial_failure(plan.failure());
}

Result<Connection> TunnelImpl::dial_udp(const std::string& host, uint16_t port,
                                        const DialOptions& opts) {
  auto budget = budget_from_now(opts.timeout);
  if (auto ready = wait_handshake_until(budget); !ready) return ready.error();
  auto addrs = addresses_for(host, opts, budget);
  if (!addrs) return addrs.error();
  auto remote =
      first_routable(host, *addrs, port, [this](const IpAddress& ip) { return routable(ip); });
  if (!remote) return remote.error();
  return call_on_loop(*loop_, [&] { return netstack_->dial_udp(*remote); });
}

Result<IpAddress> TunnelImpl::local_address_for(const std::string& address) const {
  if (address.empty()) return IpAddress{};  // unspecified: every address of ours
  auto ip = IpAddress::parse(strip_brackets(address));
  if (!ip) return make_error(ErrorCode::kInvalidArgument, address + ": not an IP address");
  for (const auto& prefix : config_.interface.addresses)
    if (prefix.addr == *ip) return *ip;
  return make_error(
      ErrorCode::kInvalidArgument,
      address + " is not an address of this tunnel (see Address= in " + config_.source + ")");
}

Result<DnsReply> TunnelImpl::query_dns(const Endpoint& server, std::span<const uint8_t> query,
                                       const DnsQueryOptions& options) {
  if (auto ready = wait_handshake_until(std::nullopt); !ready) return ready.error();
  return dns_->query(dns::QueryRequest{server, {query.begin(), query.end()}, options});
}

TunnelStats TunnelImpl::stats() const {
  TunnelStats s;
  {
    std::lock_guard lock(mu_);
    s = first_handshake_;
  }
  s.tx_bytes = tx_bytes_.load(std::memory_order_relaxed);
  s.rx_bytes = rx_bytes_.load(std::memory_order_relaxed);
  auto inner = call_on_loop(*loop_, [this] { return netstack_->stats(); });
  s.inner_tx_bytes = inner.inner_tx_bytes;
  s.inner_rx_bytes = inner.inner_rx_bytes;
  return s;
}

}  // namespace wgnet::io
