// What happens when a peer's deadline passes (the driver's timers.c expiry functions).
#include <algorithm>

#include "core/device_impl.hpp"

namespace wgnet::core {

void DeviceImpl::on_deadline(Time now, DeviceSink& sink) {
  last_now_ = std::max(last_now_, now);
  for (auto& p : peers_) {
    Peer& peer = *p;
    PeerTimers& t = peer.timers;
    // Each timer is disarmed before its handler runs, so a handler may re-arm it and a
    // deadline in the past can never make the caller spin.
    auto due = [&](std::optional<Time>& deadline) {
      if (!deadline || *deadline > now) return false;
      deadline.reset();
      return true;
    };
    if (due(t.zero_key_material)) expired_zero_key_material(peer, now, sink);
    if (due(t.settle_session)) expired_settle_session(peer, now, sink);
    if (due(t.startup_retry)) expired_startup_retry(peer, now, sink);
    if (due(t.settle_handshake)) expired_settle_handshake(peer, now, sink);
    if (due(t.retransmit_handshake)) expired_retransmit_handshake(peer, now, sink);
    if (due(t.new_handshake)) expired_new_handshake(peer, now, sink);
    if (due(t.send_keepalive)) expired_send_keepalive(peer, now, sink);
    if (due(t.persistent_keepalive)) expired_send_persistent_keepalive(peer, now, sink);
  }
}

void DeviceImpl::expired_retransmit_handshake(Peer& peer, Time now, DeviceSink& sink) {
  if (peer.timers.handshake_attempts > MAX_TIMER_HANDSHAKES) {
    emit(sink, EventKind::kHandshakeGaveUp, &peer,
         "did not complete after " + std::to_string(MAX_TIMER_HANDSHAKES + 2) +
             " attempts, giving up");
    peer.timers.send_keepalive.reset();
    peer.purge_staged();
    if (!peer.timers.zero_key_material) {
      peer.timers.zero_key_material = now + 3 * REJECT_AFTER_TIME;
    }
    return;
  }
  ++peer.timers.handshake_attempts;
  // No answer from this address: try the next candidate (e.g. IPv6 after IPv4).
  if (peer.next_candidate()) emit(sink, EventKind::kEndpointChanged, &peer, peer.endpoint->to_string());
  send_initiation(peer, now, sink, true);
}

void DeviceImpl::expired_send_keepalive(Peer& peer, Time now, DeviceSink& sink) {
  send_keepalive(peer, now, sink);
  if (peer.timers.need_another_keepalive) {
    peer.timers.need_another_keepalive = false;
    peer.timers.send_keepalive = now + KEEPALIVE_TIMEOUT;
  }
}

void DeviceImpl::expired_new_handshake(Peer& peer, Time now, DeviceSink& sink) {
  // We sent data and heard nothing back for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT.
  send_initiation(peer, now, sink, false);
}

void DeviceImpl::expired_zero_key_material(Peer& peer, Time now, DeviceSink& sink) {
  peer.keypairs.clear(keypair_discarder());
  // An initiation sent moments ago (say, right after a resume, before this overdue deadline
  // ran) is not stale material: wiping it would only delay the new session by REKEY_TIMEOUT.
  const bool live_initiation = peer.handshake.state == HandshakeState::kCreatedInitiation &&
                               peer.last_sent_handshake &&
                               now < *peer.last_sent_handshake + REKEY_TIMEOUT;
  if (!live_initiation) {
    forget_initiations_in_flight(peer);
    peer.handshake.clear();
  }
  emit(sink, EventKind::kKeypairsExpired, &peer, "keys zeroed after 3 x REJECT_AFTER_TIME");
}

void DeviceImpl::expired_send_persistent_keepalive(Peer& peer, Time now, DeviceSink& sink) {
  if (peer.timers.persistent_keepalive_interval != 0) send_keepalive(peer, now, sink);
}

void DeviceImpl::expired_startup_retry(Peer& peer, Time now, DeviceSink& sink) {
  if (peer.keypairs.current() != nullptr || peer.keypairs.next() != nullptr) return;
  ++peer.timers.startup_retries_sent;
  // Alternate between endpoint candidates, so a dual-stack peer with one dead address is
  // reached within the first second rather than after the first REKEY_TIMEOUT.
  if (peer.next_candidate()) emit(sink, EventKind::kEndpointChanged, &peer, peer.endpoint->to_string());
  do_send_initiation(peer, now, sink);  // bypasses the REKEY_TIMEOUT rate limit on purpose
  timers_ephemeral_key_created(peer.timers, now);
}

}  // namespace wgnet::core
