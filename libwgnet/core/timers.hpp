// Per-peer protocol timers as deadlines (the Linux driver's timers.c, without kernel timers):
// each timer is an optional expiry time; the device reports the earliest through
// Device::next_deadline() and runs the expired ones in Device::on_deadline(). The hooks below
// only move deadlines; what happens at expiry lives in the device (device_timers.cpp).
//
// Give-up semantics (TESTPLAN E2): the kernel's / wireguard-go's. After the first initiation,
// up to MAX_TIMER_HANDSHAKES + 1 = 19 retransmits follow at REKEY_TIMEOUT + jitter, so 20
// initiations in all, the last at about 95 s; the next expiry (~100 s) gives up ("did not
// complete after 20 attempts, giving up"), purges the staged packets and makes sure the key
// material is zeroed at the latest 3 x REJECT_AFTER_TIME later (if no earlier zeroing is due).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/messages.hpp"

namespace wgnet::core {

using Time = std::chrono::nanoseconds;

// Start-up: the first handshake is repeated after these growing delays (each a fresh
// initiation), because a peer that still remembers a previous process of ours drops an
// initiation arriving < 20 ms after that process's last one (or with a not-newer timestamp).
// After the peer answered an older initiation of ours too, the fresh initiation that settles which
// session it kept waits this long: past the peer's 20 ms flood limit since it consumed that one.
constexpr Time SETTLE_HANDSHAKE_DELAY = std::chrono::milliseconds(25);

constexpr std::array<Time, 4> STARTUP_RETRY_DELAYS = {std::chrono::milliseconds(50),
                                                      std::chrono::milliseconds(100),
                                                      std::chrono::milliseconds(200),
                                                      std::chrono::milliseconds(400)};

struct PeerTimers {
  std::optional<Time> retransmit_handshake;
  std::optional<Time> send_keepalive;
  std::optional<Time> new_handshake;
  std::optional<Time> zero_key_material;
  std::optional<Time> persistent_keepalive;
  std::optional<Time> startup_retry;
  std::optional<Time> settle_session;  // when a held session is used (see HeldSession)
  // A fresh handshake after the peer answered two of our initiations (device_in_flight.cpp).
  std::optional<Time> settle_handshake;

  int handshake_attempts = 0;
  size_t startup_retries_sent = 0;
  bool need_another_keepalive = false;
  bool sent_lastminute_handshake = false;
  uint16_t persistent_keepalive_interval = 0;  // seconds, 0 = off

  Time earliest() const;  // kNever-like Time::max() when none is armed
  void clear_all();
};

// Called after a data packet (not a keepalive) was sent: if nothing comes back within
// KEEPALIVE_TIMEOUT + REKEY_TIMEOUT, start a new handshake. Not pushed out by later sends.
void timers_data_sent(PeerTimers& t, Time now, Time jitter);
// Called after a data packet (not a keepalive) was received: owe the peer a keepalive.
void timers_data_received(PeerTimers& t, Time now);
// Called after any authenticated packet was sent: it serves as the keepalive we owed.
void timers_any_authenticated_packet_sent(PeerTimers& t);
// Called after any authenticated packet was received: the peer is alive, no new handshake needed.
void timers_any_authenticated_packet_received(PeerTimers& t);
// Called after any authenticated packet was sent or received: restarts persistent keepalive.
void timers_any_authenticated_packet_traversal(PeerTimers& t, Time now);
// Called after a handshake initiation was sent: retransmit if no response in time.
void timers_handshake_initiated(PeerTimers& t, Time now, Time jitter);
// Called after a handshake completed (response consumed, or a responder's keypair confirmed).
void timers_handshake_complete(PeerTimers& t);
// Called after new transport keys were derived: zero everything after 3 x REJECT_AFTER_TIME.
void timers_session_derived(PeerTimers& t, Time now);
// Called after an ephemeral key was created for a fresh initiation from start(): the start-up
// retries begin (see STARTUP_RETRY_DELAYS).
void timers_ephemeral_key_created(PeerTimers& t, Time now);

}  // namespace wgnet::core
