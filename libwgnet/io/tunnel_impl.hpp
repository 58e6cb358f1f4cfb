// Tunnel: the event loop thread that owns the WireGuard device, the lwIP stack and the UDP
// sockets, and the thread-safe calls that reach into it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/allowed_ips.hpp"
#include "core/device.hpp"
#include "dns/resolver_config.hpp"
#include "io/dial_plan.hpp"
#include "io/dns_driver.hpp"
#include "io/event_loop.hpp"
#include "io/netstack_host.hpp"
#include "io/os_environment.hpp"
#include "io/outer_socket.hpp"
#include "io/peer_endpoints.hpp"
#include "io/single_tunnel.hpp"
#include "io/tunnel_link.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::io {

class TunnelImpl final : public Tunnel, private core::DeviceSink {
  // Only open() constructs a tunnel (through make_unique, which needs a public constructor).
  class PassKey {
    friend class TunnelImpl;
    PassKey() = default;
  };

 public:
  static Result<std::unique_ptr<Tunnel>> open(const Config& config, TunnelOptions options);
  TunnelImpl(PassKey, SingleTunnelClaim claim, const Config& config, TunnelOptions options);
  ~TunnelImpl() override;

  using Tunnel::dial_tcp;  // and the Endpoint overloads
  using Tunnel::dial_udp;
  Result<void> wait_handshake() override;
  Result<Connection> dial_tcp(const std::string& host, uint16_t port,
                              const DialOptions& options) override;
  Result<Connection> dial_udp(const std::string& host, uint16_t port,
                              const DialOptions& options) override;
  Result<std::unique_ptr<TcpListener>> listen_tcp(const std::string& address,
                                                  uint16_t port) override;
  Result<Connection> listen_udp_first(const std::string& address, uint16_t port,
                                      std::chrono::milliseconds timeout) override;
  Result<std::unique_ptr<UdpSocket>> bind_udp(const std::string& address, uint16_t port) override;
  Result<std::vector<IpAddress>> resolve(
      const std::string& name, AddressFamily family,
      std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) override;
  Result<std::unique_ptr<Pinger>> open_pinger(const IpAddress& to) override;  // tunnel_ping.cpp
  Result<DnsReply> query_dns(const Endpoint& server, std::span<const uint8_t> query,
                             const DnsQueryOptions& options) override;
  std::vector<IpPrefix> addresses() const override { return config_.interface.addresses; }
  TunnelStats stats() const override;

 private:
  // The time a caller allowed one call (resolve's timeout, DialOptions::timeout); none for 0.
  struct Budget {
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds allowed;
  };
  static std::optional<Budget> budget_from_now(std::chrono::milliseconds timeout);

  Result<void> start();
  void log(LogLevel level, const std::string& message) const;
  // wait_handshake(), ending by the caller's deadline too when there is one.
  Result<void> wait_handshake_until(const std::optional<Budget>& budget);
  Result<std::vector<IpAddress>> resolve_until(const std::string& name, AddressFamily family,
                                               const std::optional<Budget>& budget);

  // core::DeviceSink (loop thread)
  void send_datagram(const Endpoint& to, std::span<const uint8_t> datagram) override;
  void deliver_ip(std::span<const uint8_t> ip_packet) override;
  void on_event(const core::Event& event) override;

  void on_outer_readable(int fd);
  bool routable(const IpAddress& ip) const;
  Result<std::vector<IpAddress>> addresses_for(const std::string& host, const DialOptions& opts,
                                               const std::optional<Budget>& budget);
  Result<IpAddress> local_address_for(const std::string& address) const;
  Error explain_dial_failure(Error error) const;
  void log_plan(DialPlan& plan) const;

  // First, so it is given back last: until the loop thread has stopped, this process's lwIP
  // belongs to this tunnel.
  SingleTunnelClaim claim_;
  Config config_;
  core::AllowedIps routes_;  // the peers' AllowedIPs, for the dial-time route check
  TunnelOptions options_;
  std::chrono::steady_clock::time_point opened_at_;

  // Owned by the loop thread once started.
  std::unique_ptr<EventLoop> loop_;
  std::optional<OuterSocket> socket_;
  OsEnvironment env_;
  std::unique_ptr<core::Device> device_;
  std::unique_ptr<NetstackHost> netstack_;
  std::thread thread_;
  std::unique_ptr<EndpointReresolver> reresolver_;

  dns::ResolverConfig dns_config_;
  std::unique_ptr<DnsDriver> dns_;  // loop thread once started
  // What listeners and UDP sockets hold; closed first thing in the destructor.
  std::shared_ptr<TunnelLink> link_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool handshake_done_ = false;
  bool handshake_gave_up_ = false;
  TunnelStats first_handshake_;
  std::atomic<uint64_t> tx_bytes_{0}, rx_bytes_{0};
};

}  // namespace wgnet::io
