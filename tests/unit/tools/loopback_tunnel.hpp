// A wgnet::Tunnel made of real kernel sockets on 127.0.0.1, for driving the tools' logic
// without WireGuard. "localhost" resolves to 127.0.0.1 and every other name fails with kResolve,
// as a tunnel without that name in its DNS would. Listening ports are mapped: asking to listen
// on port P binds an ephemeral port, and the test finds it with wait_listening(P).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "wgnet/tunnel.hpp"

namespace wgnet::test {

class LoopbackTunnel : public Tunnel {
 public:
  Result<void> wait_handshake() override { return {}; }
  Result<Connection> dial_tcp(const std::string& host, uint16_t port,
                              const DialOptions& options) override;
  Result<Connection> dial_udp(const std::string& host, uint16_t port,
                              const DialOptions& options) override;
  Result<std::unique_ptr<TcpListener>> listen_tcp(const std::string& address,
                                                  uint16_t port) override;
  Result<Connection> listen_udp_first(const std::string& address, uint16_t port,
                                      std::chrono::milliseconds timeout) override;
  Result<std::unique_ptr<UdpSocket>> bind_udp(const std::string& address, uint16_t port) override;
  // Literals, "localhost" and, for timeout tests, "silent.test": a name whose DNS never
  // answers, so the call waits out `timeout` (kTimeout), or 6 s without one (kResolve).
  Result<std::vector<IpAddress>> resolve(
      const std::string& name, AddressFamily family,
      std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) override;
  // No ICMP over kernel loopback sockets: kInvalidArgument.
  Result<std::unique_ptr<Pinger>> open_pinger(const IpAddress&) override {
    return make_error(ErrorCode::kInvalidArgument, "the loopback tunnel does not ping");
  }
  std::vector<IpPrefix> addresses() const override;
  TunnelStats stats() const override;

  // The kernel port behind a port the code under test listens on; waits up to `timeout`.
  std::optional<uint16_t> wait_listening(uint16_t requested, std::chrono::milliseconds timeout);
  // Listeners made from now on refuse (kClosed) once they have accepted this many connections,
  // as a listener does when its tunnel goes down. Ends `nc -l -k` in tests.
  void set_accept_limit(int limit) { accept_limit_ = limit; }
  int dials() const { return dials_; }
  // The timeout of the last resolve() call with a name (0: none given).
  std::chrono::milliseconds last_resolve_timeout() const { return last_resolve_timeout_; }

 private:
  Result<IpAddress> pick_address(const std::string& host, const DialOptions& options);
  Result<Fd> bound_socket(int type, const std::string& address, uint16_t requested);

  std::mutex mutex_;
  std::condition_variable bound_cv_;
  std::map<uint16_t, uint16_t> bound_;  // requested port -> kernel port
  int accept_limit_ = -1;
  std::atomic<int> dials_ = 0;
  std::atomic<std::chrono::milliseconds> last_resolve_timeout_{std::chrono::milliseconds{0}};
};

}  // namespace wgnet::test
