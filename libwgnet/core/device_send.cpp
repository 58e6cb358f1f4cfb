// Packets and handshakes out.
#include <algorithm>
#include <cstring>

#include "core/device_impl.hpp"

namespace wgnet::core {

namespace {

// Padded plaintext length: a multiple of 16, but never beyond the MTU (TESTPLAN D6).
size_t padded_length(size_t len, size_t mtu) {
  const size_t aligned = (len + MESSAGE_PADDING_MULTIPLE - 1) / MESSAGE_PADDING_MULTIPLE *
                         MESSAGE_PADDING_MULTIPLE;
  return std::max(len, std::min(aligned, mtu));
}

}  // namespace

void DeviceImpl::send_to_peer(Peer& peer, std::span<const uint8_t> datagram, DeviceSink& sink) {
  if (!peer.endpoint) return;
  peer.tx_bytes += datagram.size();
  sink.send_datagram(*peer.endpoint, datagram);
}

void DeviceImpl::send_ip(std::span<const uint8_t> packet, Time now, DeviceSink& sink) {
  last_now_ = std::max(last_now_, now);
  std::optional<PeerIndex> owner;
  if (!packet.empty() && packet[0] >> 4 == 4 && packet.size() >= 20) {
    owner = allowed_ips_.lookup_v4(packet.data() + 16);
  } else if (!packet.empty() && packet[0] >> 4 == 6 && packet.size() >= 40) {
    owner = allowed_ips_.lookup_v6(packet.data() + 24);
  } else {
    return drop(sink, nullptr, "outgoing packet is not IP");
  }
  if (!owner) return drop(sink, nullptr, "no route to peer");
  Peer& peer = *peers_[*owner];
  if (peer.disabled) return drop(sink, &peer, "peer disabled");
  if (packet.size() > mtu_) return drop(sink, &peer, "packet larger than MTU");
  Keypair* kp = peer.keypairs.current();
  if (kp != nullptr && kp->can_send(now) && peer.staged.empty()) {
    if (encrypt_and_send(peer, *kp, packet, now, sink)) {
      keep_key_fresh_send(peer, now, sink);
      return;
    }
  }
  peer.stage(packet);
  send_staged(peer, now, sink);
}

void DeviceImpl::send_staged(Peer& peer, Time now, DeviceSink& sink) {
  Keypair* kp = peer.keypairs.current();
  if (kp == nullptr || !kp->can_send(now)) {
    send_initiation(peer, now, sink, false);
    return;
  }
  while (!peer.staged.empty()) {
    std::vector<uint8_t> packet = std::move(peer.staged.front());
    peer.staged.pop_front();
    const bool sent = encrypt_and_send(peer, *kp, packet, now, sink);
    crypto::secure_zero(packet.data(), packet.size());
    if (!sent) break;
  }
  keep_key_fresh_send(peer, now, sink);
}

bool DeviceImpl::encrypt_and_send(Peer& peer, Keypair& kp, std::span<const uint8_t> packet,
                                  Time now, DeviceSink& sink) {
  if (!peer.endpoint) {
    drop(sink, &peer, "peer has no endpoint");
    return false;
  }
  if (!kp.can_send(now)) return false;
  const uint64_t counter = kp.sending_counter++;
  const size_t padded = padded_length(packet.size(), mtu_);
  uint8_t* out = scratch_.data();
  MessageData header{make_header(MESSAGE_DATA), {}, {}};
  put_le32(header.receiver_index, kp.remote_index);
  put_le64(header.counter, counter);
  std::memcpy(out, &header, sizeof header);
  if (!packet.empty()) std::memcpy(out + MESSAGE_DATA_HEADER_LEN, packet.data(), packet.size());
  std::memset(out + MESSAGE_DATA_HEADER_LEN + packet.size(), 0, padded - packet.size());
  std::span<uint8_t> body{out + MESSAGE_DATA_HEADER_LEN, padded + NOISE_AUTHTAG_LEN};
  kp.sending.seal(body, counter, body.first(padded));
  send_to_peer(peer, {out, MESSAGE_DATA_HEADER_LEN + padded + NOISE_AUTHTAG_LEN}, sink);
  timers_any_authenticated_packet_traversal(peer.timers, now);
  timers_any_authenticated_packet_sent(peer.timers);
  if (!packet.empty() && !peer.timers.new_handshake) timers_data_sent(peer.timers, now, jitter());
  return true;
}

void DeviceImpl::send_keepalive(Peer& peer, Time now, DeviceSink& sink) {
  Keypair* kp = peer.keypairs.current();
  if (kp == nullptr || !kp->can_send(now)) {
    // No session to carry it: what the peer needs is a handshake (rate limited).
    send_initiation(peer, now, sink, false);
    return;
  }
  if (!peer.staged.empty()) return send_staged(peer, now, sink);
  if (encrypt_and_send(peer, *kp, {}, now, sink)) keep_key_fresh_send(peer, now, sink);
}

// Rekey when the current keypair is old (initiator only: the responder would duel otherwise) or
// has used up REKEY_AFTER_MESSAGES nonces.
void DeviceImpl::keep_key_fresh_send(Peer& peer, Time now, DeviceSink& sink) {
  const Keypair* kp = peer.keypairs.current();
  if (kp == nullptr) return;
  if (kp->sending_counter > REKEY_AFTER_MESSAGES ||
      (kp->i_am_initiator && now >= kp->birthdate + REKEY_AFTER_TIME)) {
    send_initiation(peer, now, sink, false);
  }
}

// The initiator, hearing from the peer on a keypair close to REJECT_AFTER_TIME, rekeys once
// (the responder never initiates on age; it would otherwise duel with the initiator).
void DeviceImpl::keep_key_fresh_receive(Peer& peer, Time now, DeviceSink& sink) {
  const Keypair* kp = peer.keypairs.current();
  if (kp == nullptr || !kp->i_am_initiator || peer.timers.sent_lastminute_handshake) return;
  if (now >= kp->birthdate + REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT) {
    peer.timers.sent_lastminute_handshake = true;
    send_initiation(peer, now, sink, false);
  }
}

// Rate limited to one per REKEY_TIMEOUT (driver: packet_send_queued_handshake_initiation).
void DeviceImpl::send_initiation(Peer& peer, Time now, DeviceSink& sink, bool is_retry) {
  if (!is_retry) peer.timers.handshake_attempts = 0;
  if (peer.last_sent_handshake && now < *peer.last_sent_handshake + REKEY_TIMEOUT) return;
  do_send_initiation(peer, now, sink);
}

void DeviceImpl::do_send_initiation(Peer& peer, Time now, DeviceSink& sink) {
  if (peer.disabled || !peer.endpoint || !peer.handshake.static_static_valid) return;
  supersede_initiation(peer, now);
  peer.last_sent_handshake = now;
  peer.resendable_initiation.reset();
  const uint32_t idx = register_index(peer.index, false);
  MessageHandshakeInitiation msg;
  Key eph = new_ephemeral();
  const bool ok =
      create_initiation(msg, peer.handshake, identity_, eph, clock_.stamp(env_.wall_clock()), idx);
  crypto::secure_zero(eph);
  if (!ok) {
    index_.erase(idx);
    return;
  }
  peer.handshake_index = idx;
  auto* bytes = reinterpret_cast<uint8_t*>(&msg);
  peer.cookie.add_macs({bytes, sizeof msg}, now);
  timers_any_authenticated_packet_traversal(peer.timers, now);
  timers_any_authenticated_packet_sent(peer.timers);
  send_to_peer(peer, {bytes, sizeof msg}, sink);
  peer.resendable_initiation = msg;
  timers_handshake_initiated(peer.timers, now, jitter());
  emit(sink, EventKind::kHandshakeInitiated, &peer,
       "attempt " + std::to_string(peer.timers.handshake_attempts + 1));
}

// Called after the tie-break ignored the peer's initiation (receive_initiation). That
// authenticated initiation proves the peer is up now, but it may not have been when ours went out
// (a process started after ours: our initiations hit a closed port), and then nothing would
// happen until our retransmit, up to REKEY_TIMEOUT later. So ours goes once more, now. The same
// bytes, not a fresh initiation: if the peer did get the first copy, its response to it is on its
// way and stays valid (a fresh one would orphan it and cost a round trip, as in a plain
// simultaneous start), and the copy is dropped there as a replay. Once per initiation, so it
// cannot loop and a replayed initiation of the peer's cannot make us send more than that.
// Not a new initiation: no timer moves, the retransmit schedule stays that of the original.
void DeviceImpl::resend_initiation(Peer& peer, Time now, DeviceSink& sink) {
  if (!peer.resendable_initiation) return;
  auto* bytes = reinterpret_cast<uint8_t*>(&*peer.resendable_initiation);
  const size_t len = sizeof *peer.resendable_initiation;
  peer.cookie.add_macs({bytes, len}, now);  // mac2 from a cookie that may have come since
  send_to_peer(peer, {bytes, len}, sink);
  peer.resendable_initiation.reset();
}

}  // namespace wgnet::core
