// One configured peer: its handshake, keypairs, cookie, timers, endpoint(s) and the packets
// staged while there is no session (the Linux driver's struct wg_peer).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/cookie.hpp"
#include "core/device.hpp"
#include "core/keypair.hpp"
#include "core/noise.hpp"
#include "core/timers.hpp"

namespace wgnet::core {

// At most this many older initiations stay answerable (one start-up burst: STARTUP_RETRY_DELAYS).
constexpr size_t MAX_SUPERSEDED_INITIATIONS = STARTUP_RETRY_DELAYS.size();

// An initiation of ours that a newer one replaced while its response may still be on its way:
// start-up retries go out 50-400 ms apart, faster than a long round trip, and the peer answers
// each one it accepts. A response to it still makes a session (device_in_flight.cpp), for
// REKEY_TIMEOUT after it was sent.
struct SupersededInitiation {
  Handshake handshake;  // kCreatedInitiation
  uint32_t index = 0;   // registered in the device's index table
  Time sent_at{};
  bool outdated = false;  // a newer one's response made the session: answerable, never used
};

// A session from the response to an older initiation while a newer one is still in flight. A
// peer that accepts the newer one too replaces this session with the newer one's, so data sent
// on it would be lost: it waits until the newer one's response is overdue (settle deadline).
struct HeldSession {
  std::unique_ptr<Keypair> keypair;  // its index is registered
};

struct Peer {
  PeerIndex index = 0;
  Key public_key{};
  bool disabled = false;  // equal to our own key: never handshakes (TESTPLAN B11)

  Handshake handshake;
  uint32_t handshake_index = 0;  // our index registered for the handshake in flight (0 = none)
  std::vector<SupersededInitiation> superseded;  // oldest first
  std::optional<HeldSession> held_session;
  Cookie cookie;
  Keypairs keypairs;
  PeerTimers timers;

  std::vector<Endpoint> endpoint_candidates;
  size_t candidate = 0;
  std::optional<Endpoint> endpoint;

  std::deque<std::vector<uint8_t>> staged;
  std::optional<Time> last_sent_handshake;
  // The initiation we sent last, while it may still be sent once more unchanged
  // (DeviceImpl::resend_initiation); reset when it has been.
  std::optional<MessageHandshakeInitiation> resendable_initiation;
  std::optional<Time> last_handshake;
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;

  // Queues a packet while no session exists; the oldest goes when MAX_STAGED_PACKETS is reached.
  void stage(std::span<const uint8_t> packet);
  void purge_staged();
  // Moves to the next endpoint candidate (after an unanswered initiation); true if it changed.
  bool next_candidate();
  void set_candidates(std::vector<Endpoint> endpoints);
};

}  // namespace wgnet::core
