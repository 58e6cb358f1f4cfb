// Datagrams in. Order of checks matters: length and reserved bytes, then mac1 (before any
// Curve25519 work), then cookie/ratelimit under load, then the Noise/AEAD authentication, then
// the replay check; only then does anything change (endpoint roaming, timers, keys).
#include <algorithm>
#include <cstring>

#include "core/device_impl.hpp"

namespace wgnet::core {

void DeviceImpl::receive_datagram(std::span<uint8_t> d, const Endpoint& from, Time now,
                                  DeviceSink& sink) {
  last_now_ = std::max(last_now_, now);
  if (d.size() < 4) return drop(sink, nullptr, "datagram too short");
  switch (d[0]) {
    case MESSAGE_HANDSHAKE_INITIATION:
      if (!header_is(d.data(), d.size(), MESSAGE_HANDSHAKE_INITIATION, MESSAGE_INITIATION_LEN))
        return drop(sink, nullptr, "malformed handshake initiation");
      return receive_initiation(d, from, now, sink);
    case MESSAGE_HANDSHAKE_RESPONSE:
      if (!header_is(d.data(), d.size(), MESSAGE_HANDSHAKE_RESPONSE, MESSAGE_RESPONSE_LEN))
        return drop(sink, nullptr, "malformed handshake response");
      return receive_response(d, from, now, sink);
    case MESSAGE_HANDSHAKE_COOKIE:
      if (!header_is(d.data(), d.size(), MESSAGE_HANDSHAKE_COOKIE, MESSAGE_COOKIE_REPLY_LEN))
        return drop(sink, nullptr, "malformed cookie reply");
      return receive_cookie(d, now, sink);
    case MESSAGE_DATA:
      if (d.size() < MESSAGE_KEEPALIVE_LEN || d[1] != 0 || d[2] != 0 || d[3] != 0)
        return drop(sink, nullptr, "malformed data message");
      return receive_data(d, from, now, sink);
    default:
      return drop(sink, nullptr, "unknown message type");
  }
}

bool DeviceImpl::handshake_precheck(std::span<const uint8_t> msg, uint32_t sender_index,
                                    const Endpoint& from, Time now, DeviceSink& sink) {
  load_.record(now);
  const bool under_load = load_.under_load(now);
  const MacState mac = cookie_checker_.validate(msg, from, now, under_load, random_fn());
  if (mac == MacState::kInvalidMac) {
    drop(sink, nullptr, "bad mac1");
    return false;
  }
  if (under_load && mac != MacState::kValidMacWithCookie) {
    MessageHandshakeCookie reply;
    cookie_checker_.create_reply(reply, msg, sender_index, from, now, random_fn());
    sink.send_datagram(from, {reinterpret_cast<const uint8_t*>(&reply), sizeof reply});
    drop(sink, nullptr, "under load: cookie reply sent");
    return false;
  }
  if (under_load && !ratelimiter_.allow(from.ip, now)) {
    drop(sink, nullptr, "handshake rate limited");
    return false;
  }
  return true;
}

void DeviceImpl::receive_initiation(std::span<uint8_t> d, const Endpoint& from, Time now,
                                    DeviceSink& sink) {
  MessageHandshakeInitiation msg;
  std::memcpy(&msg, d.data(), sizeof msg);
  if (!handshake_precheck(d, get_le32(msg.sender_index), from, now, sink)) return;

  Peer* peer = nullptr;
  bool keep_ours = false;
  Handshake* hs = nullptr;
  const ConsumeResult r = consume_initiation(
      msg, identity_, now,
      [&](const Key& remote_static) -> Handshake* {
        peer = peer_by_static(remote_static);
        if (peer == nullptr) return nullptr;
        // Both sides initiated at once. The kernel lets each consume the other's initiation,
        // which kills both handshakes and leaves it to the retransmit jitter to break the tie
        // (seconds later, sometimes more than once). We break it at once instead: the side
        // with the lower public key keeps its own initiation and ignores the peer's; the other
        // side answers ours. A kernel or wireguard-go peer is no worse off than with itself.
        // The peer may also never have seen ours (it started after we sent it): we then send
        // ours again at once (resend_initiation) rather than wait for our retransmit.
        // Only when theirs comes from where we sent ours: otherwise ours is likely going
        // astray (stale endpoint, NAT) and theirs is how we learn where the peer really is.
        keep_ours = peer->handshake.state == HandshakeState::kCreatedInitiation &&
                    peer->last_sent_handshake && now < *peer->last_sent_handshake + REKEY_TIMEOUT &&
                    peer->endpoint && *peer->endpoint == from &&
                    identity_.public_key < peer->public_key;
        return keep_ours ? nullptr : &peer->handshake;
      },
      &hs);
  if (keep_ours) {
    drop(sink, peer, "simultaneous initiation: keeping ours");
    return resend_initiation(*peer, now, sink);
  }
  if (r != ConsumeResult::kOk) return drop(sink, peer, consume_result_reason(r));

  // Our own initiations in flight (if any) were just replaced by the peer's.
  forget_initiations_in_flight(*peer);

  // Authenticated: the initiation's source is where the peer is now.
  set_endpoint(*peer, from, sink);
  timers_any_authenticated_packet_received(peer->timers);
  timers_any_authenticated_packet_traversal(peer->timers, now);

  MessageHandshakeResponse resp;
  const uint32_t idx = register_index(peer->index, false);
  Key eph = new_ephemeral();
  const bool ok = create_response(resp, peer->handshake, eph, idx);
  crypto::secure_zero(eph);
  if (!ok) {
    index_.erase(idx);
    return drop(sink, peer, "could not create handshake response");
  }
  peer->handshake_index = idx;
  auto* bytes = reinterpret_cast<uint8_t*>(&resp);
  peer->cookie.add_macs({bytes, sizeof resp}, now);
  timers_any_authenticated_packet_traversal(peer->timers, now);
  timers_any_authenticated_packet_sent(peer->timers);
  install_session(*peer, now);
  send_to_peer(*peer, {bytes, sizeof resp}, sink);
}

void DeviceImpl::receive_response(std::span<uint8_t> d, const Endpoint& from, Time now,
                                  DeviceSink& sink) {
  MessageHandshakeResponse msg;
  std::memcpy(&msg, d.data(), sizeof msg);
  if (!handshake_precheck(d, get_le32(msg.sender_index), from, now, sink)) return;

  auto it = index_.find(get_le32(msg.receiver_index));
  if (it == index_.end() || it->second.is_keypair) {
    return drop(sink, nullptr, "handshake response for unknown index");
  }
  Peer& peer = *peers_[it->second.peer];
  prune_superseded(peer, now);
  // Any initiation of ours still in flight, not only the newest (device_in_flight.cpp).
  const std::optional<InFlight> in_flight = find_in_flight(peer, it->first);
  if (!in_flight) return drop(sink, &peer, "stale handshake response");
  const ConsumeResult r = consume_response(msg, *in_flight->handshake, identity_);
  if (r != ConsumeResult::kOk) return drop(sink, &peer, "handshake response did not authenticate");

  set_endpoint(peer, from, sink);
  timers_any_authenticated_packet_received(peer.timers);
  timers_any_authenticated_packet_traversal(peer.timers, now);
  response_consumed(peer, *in_flight, now, sink);
}

void DeviceImpl::receive_cookie(std::span<uint8_t> d, Time now, DeviceSink& sink) {
  MessageHandshakeCookie msg;
  std::memcpy(&msg, d.data(), sizeof msg);
  auto it = index_.find(get_le32(msg.receiver_index));
  if (it == index_.end()) return drop(sink, nullptr, "cookie reply for unknown index");
  Peer& peer = *peers_[it->second.peer];
  if (!peer.cookie.consume_reply(msg, now)) return drop(sink, &peer, "invalid cookie reply");
  // No immediate retransmit: the next one, on the normal timer, carries mac2 (driver behaviour).
}

void DeviceImpl::receive_data(std::span<uint8_t> d, const Endpoint& from, Time now,
                              DeviceSink& sink) {
  auto it = index_.find(get_le32(d.data() + 4));
  if (it == index_.end() || !it->second.is_keypair) {
    return drop(sink, nullptr, "data for unknown receiver index");
  }
  Peer& peer = *peers_[it->second.peer];
  Keypair* kp = peer.keypairs.find(it->first);
  if (kp == nullptr) return drop(sink, &peer, "data for unknown receiver index");
  if (!kp->can_receive(now)) return drop(sink, &peer, "data on expired keypair");
  const uint64_t counter = get_le64(d.data() + 8);
  if (counter >= REJECT_AFTER_MESSAGES) return drop(sink, &peer, "counter beyond limit");
  const size_t plain_len = d.size() - MESSAGE_KEEPALIVE_LEN;
  std::span<uint8_t> body = d.subspan(MESSAGE_DATA_HEADER_LEN);
  if (!kp->receiving.open(body.first(plain_len), counter, body)) {
    return drop(sink, &peer, "data did not authenticate");
  }
  if (!kp->receiving_window.validate(counter)) return drop(sink, &peer, "replayed data counter");

  // Authenticated and fresh: now it may change state.
  if (kp == peer.keypairs.next() && peer.keypairs.received_with(kp, keypair_discarder())) {
    timers_handshake_complete(peer.timers);
    peer.last_handshake = now;
    emit(sink, EventKind::kHandshakeComplete, &peer, "responder (keys confirmed)");
    send_staged(peer, now, sink);
  }
  set_endpoint(peer, from, sink);
  peer.rx_bytes += d.size();
  keep_key_fresh_receive(peer, now, sink);
  timers_any_authenticated_packet_received(peer.timers);
  timers_any_authenticated_packet_traversal(peer.timers, now);
  if (plain_len == 0) return;  // keepalive: consumed, never delivered
  deliver_inner(peer, body.first(plain_len), now, sink);
}

void DeviceImpl::deliver_inner(Peer& peer, std::span<uint8_t> plain, Time now, DeviceSink& sink) {
  std::optional<PeerIndex> owner;
  size_t ip_len = 0;
  const uint8_t version = plain[0] >> 4;
  if (version == 4 && plain.size() >= 20) {
    ip_len = size_t{plain[2]} << 8 | plain[3];
    if (ip_len < 20 || ip_len > plain.size()) return drop(sink, &peer, "invalid inner IPv4 length");
    owner = allowed_ips_.lookup_v4(plain.data() + 12);
  } else if (version == 6 && plain.size() >= 40) {
    ip_len = 40 + (size_t{plain[4]} << 8 | plain[5]);
    if (ip_len > plain.size()) return drop(sink, &peer, "invalid inner IPv6 length");
    owner = allowed_ips_.lookup_v6(plain.data() + 8);
  } else {
    return drop(sink, &peer, "inner packet is not IP");
  }
  if (!owner || *owner != peer.index) return drop(sink, &peer, "inner source not allowed for peer");
  sink.deliver_ip(plain.first(ip_len));  // trimmed: padding never reaches the stack
  timers_data_received(peer.timers, now);
}

}  // namespace wgnet::core
