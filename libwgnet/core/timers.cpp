#include "core/timers.hpp"

#include <algorithm>

namespace wgnet::core {

Time PeerTimers::earliest() const {
  Time t = Time::max();
  for (const auto& d : {retransmit_handshake, send_keepalive, new_handshake, zero_key_material,
                        persistent_keepalive, startup_retry, settle_session, settle_handshake}) {
    if (d) t = std::min(t, *d);
  }
  return t;
}

void PeerTimers::clear_all() {
  retransmit_handshake.reset();
  send_keepalive.reset();
  new_handshake.reset();
  zero_key_material.reset();
  persistent_keepalive.reset();
  startup_retry.reset();
  settle_session.reset();
  settle_handshake.reset();
}

void timers_data_sent(PeerTimers& t, Time now, Time jitter) {
  if (!t.new_handshake) t.new_handshake = now + KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter;
}

void timers_data_received(PeerTimers& t, Time now) {
  if (!t.send_keepalive) {
    t.send_keepalive = now + KEEPALIVE_TIMEOUT;
  } else {
    t.need_another_keepalive = true;
  }
}

void timers_any_authenticated_packet_sent(PeerTimers& t) { t.send_keepalive.reset(); }

void timers_any_authenticated_packet_received(PeerTimers& t) { t.new_handshake.reset(); }

void timers_any_authenticated_packet_traversal(PeerTimers& t, Time now) {
  if (t.persistent_keepalive_interval != 0) {
    t.persistent_keepalive = now + std::chrono::seconds(t.persistent_keepalive_interval);
  }
}

void timers_handshake_initiated(PeerTimers& t, Time now, Time jitter) {
  t.retransmit_handshake = now + REKEY_TIMEOUT + jitter;
}

void timers_handshake_complete(PeerTimers& t) {
  t.retransmit_handshake.reset();
  t.startup_retry.reset();
  t.handshake_attempts = 0;
  t.sent_lastminute_handshake = false;
}

void timers_session_derived(PeerTimers& t, Time now) {
  t.zero_key_material = now + 3 * REJECT_AFTER_TIME;
}

void timers_ephemeral_key_created(PeerTimers& t, Time now) {
  if (t.startup_retries_sent < STARTUP_RETRY_DELAYS.size()) {
    t.startup_retry = now + STARTUP_RETRY_DELAYS[t.startup_retries_sent];
  } else {
    t.startup_retry.reset();
  }
}

}  // namespace wgnet::core
