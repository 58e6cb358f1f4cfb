// Turns a peer's Endpoint= (IP literal or host name) into UDP endpoints. Host names are resolved
// by the system resolver: this is the one lookup that must happen outside the tunnel.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "io/event_loop.hpp"
#include "wgnet/config.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

// Retries temporary failures (EAI_AGAIN) up to `tries` times, one second apart; permanent
// failures (no such name) are reported at once. With several addresses, IPv4 and IPv6 results
// alternate so that a fallback from one family to the other comes early.
Result<std::vector<Endpoint>> resolve_peer_endpoint(const EndpointSpec& spec, int tries);

// When a peer's host name is looked up again: while its handshakes go unanswered, every N
// initiations (the first time about 6 s after start, after the start-up retries; then every
// 30 s at the protocol's 5 s cadence). Endpoints given as IP literals never change. Pure.
class ReresolveSchedule {
 public:
  static constexpr int kEveryAttempts = 6;

  explicit ReresolveSchedule(const std::vector<PeerConfig>& peers);
  // A handshake initiation to `peer`; true when its name is due for a lookup now.
  bool on_initiation(size_t peer);
  // A completed handshake: the count starts again.
  void on_handshake(size_t peer);

 private:
  std::vector<bool> named_;    // per peer: Endpoint= is a host name
  std::vector<int> attempts_;  // per peer, initiations since the last success
};

// Re-resolution while the loop runs: resolve_peer_endpoint blocks (getaddrinfo), so it runs on
// a thread of its own, one lookup at a time, and the result is handed to `apply` on the loop.
class EndpointReresolver {
 public:
  using Apply = std::function<void(size_t peer, std::vector<Endpoint> endpoints)>;

  EndpointReresolver(const std::vector<PeerConfig>& peers, EventLoop& loop, Apply apply);
  // Waits for a lookup still running. Destroy after the loop has stopped (a result posted then
  // is never applied).
  ~EndpointReresolver();
  EndpointReresolver(const EndpointReresolver&) = delete;
  EndpointReresolver& operator=(const EndpointReresolver&) = delete;

  // Loop thread: the device's handshake events.
  void on_initiation(size_t peer);
  void on_handshake(size_t peer) { schedule_.on_handshake(peer); }

 private:
  std::vector<std::optional<EndpointSpec>> specs_;
  ReresolveSchedule schedule_;
  EventLoop& loop_;
  Apply apply_;
  std::thread thread_;
  std::atomic<bool> busy_{false};
};

}  // namespace wgnet::io
