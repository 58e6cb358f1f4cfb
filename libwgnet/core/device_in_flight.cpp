// Initiations in flight and the sessions their responses make.
//
// Start-up retries (STARTUP_RETRY_DELAYS) send fresh initiations faster than a long round trip,
// and the peer answers each one it accepts, each answer replacing its pending session: the
// session it keeps is the one it answered last. So any of our recent initiations may be the one
// that counts, and each stays answerable (superseded, with its own index) for REKEY_TIMEOUT.
//
// The peer answers them in the order it accepts them. Usually that is the order we sent them
// (it rejects an older timestamp after a newer one), so the answers arrive oldest first and each
// replaces the session of the one before. But two initiations that reach it together (bunched on
// the way, or sent together by a stalled sender) can be accepted in either order: wireguard-go
// and the Linux driver check replay and flood under a read lock and update under a write lock,
// so the older can be accepted last, and its answer comes right after the newer one's. Hence:
//  - the last answer received makes the session, whichever initiation it answers;
//  - once a newer initiation is answered, an older one stays answerable only for
//    CONCURRENT_ANSWER_WINDOW (an answer the peer made together with the newer one's);
//  - while another answer may still come, the session is held, not sent on: a newer initiation's
//    answer is due at its send time + the round trip just measured (+ half of it + 10 ms), an
//    older one's within the window. A held session settles when those are overdue.
#include <algorithm>

#include "core/device_impl.hpp"

namespace wgnet::core {

namespace {

using std::chrono::milliseconds;

// Slack for a newer initiation's answer beyond the round trip an older one measured.
Time settle_margin(Time round_trip) {
  return round_trip / 2 + milliseconds(10);
}

}  // namespace

// Called before a fresh initiation replaces peer.handshake: the one it replaces stays
// answerable if it was sent less than REKEY_TIMEOUT ago; otherwise its index goes.
void DeviceImpl::supersede_initiation(Peer& peer, Time now) {
  prune_superseded(peer, now);
  const bool in_flight =
      peer.handshake_index != 0 && peer.handshake.state == HandshakeState::kCreatedInitiation &&
      peer.last_sent_handshake && now < *peer.last_sent_handshake + REKEY_TIMEOUT;
  if (!in_flight) return unregister_handshake_index(peer);
  if (peer.superseded.size() == MAX_SUPERSEDED_INITIATIONS) {
    index_.erase(peer.superseded.front().index);
    peer.superseded.front().handshake.wipe_all();
    peer.superseded.erase(peer.superseded.begin());
  }
  const Time sent_at = *peer.last_sent_handshake;
  peer.superseded.push_back(
      {peer.handshake, peer.handshake_index, sent_at, sent_at + REKEY_TIMEOUT});
  peer.handshake_index = 0;  // now the superseded entry's
}

void DeviceImpl::prune_superseded(Peer& peer, Time now) {
  std::erase_if(peer.superseded, [&](SupersededInitiation& s) {
    if (now < s.answerable_until) return false;
    index_.erase(s.index);
    s.handshake.wipe_all();
    return true;
  });
}

std::optional<DeviceImpl::InFlight> DeviceImpl::find_in_flight(Peer& peer, uint32_t index) {
  if (index == peer.handshake_index && peer.last_sent_handshake) {
    return InFlight{&peer.handshake, *peer.last_sent_handshake, true};
  }
  for (auto& s : peer.superseded) {
    if (s.index == index) return InFlight{&s.handshake, s.sent_at, false};
  }
  return std::nullopt;
}

// The initiation sent at `sent_at` was answered just now: older ones can now only be answered
// together with it.
void DeviceImpl::limit_older_initiations(Peer& peer, Time sent_at, Time now) {
  for (auto& s : peer.superseded) {
    if (s.sent_at < sent_at) {
      s.answerable_until = std::min(s.answerable_until, now + CONCURRENT_ANSWER_WINDOW);
    }
  }
}

// When the answers that may still come for other initiations are overdue; none if there are none.
std::optional<Time> DeviceImpl::settle_time(const Peer& peer, Time sent_at, Time now) const {
  std::optional<Time> newest;  // send time of the newest one newer than `sent_at`
  bool older = false;
  for (const auto& s : peer.superseded) {
    if (now >= s.answerable_until) continue;
    if (s.sent_at > sent_at) newest = s.sent_at;  // oldest first
    if (s.sent_at < sent_at) older = true;
  }
  if (peer.handshake_index != 0 && peer.handshake.state == HandshakeState::kCreatedInitiation &&
      peer.last_sent_handshake && *peer.last_sent_handshake > sent_at &&
      now < *peer.last_sent_handshake + REKEY_TIMEOUT) {
    newest = *peer.last_sent_handshake;
  }
  std::optional<Time> settle;
  if (newest) {
    const Time round_trip = now - sent_at;
    settle = *newest + round_trip + settle_margin(round_trip);
  }
  if (older) settle = std::max(settle.value_or(now), now + CONCURRENT_ANSWER_WINDOW);
  return settle;
}

// Every initiation of ours and any held session go (the peer's initiation won, a key change,
// key material zeroed).
void DeviceImpl::forget_initiations_in_flight(Peer& peer) {
  unregister_handshake_index(peer);
  for (auto& s : peer.superseded) {
    index_.erase(s.index);
    s.handshake.wipe_all();
  }
  peer.superseded.clear();
  discard_held_session(peer);
}

void DeviceImpl::discard_held_session(Peer& peer) {
  if (!peer.held_session) return;
  index_.erase(peer.held_session->keypair->local_index);
  peer.held_session.reset();  // AeadContext wipes its key on destruction
  peer.timers.settle_session.reset();
}

// Called after consume_response authenticated a response to `in_flight`.
void DeviceImpl::response_consumed(Peer& peer, const InFlight& in_flight, Time now,
                                   DeviceSink& sink) {
  const uint32_t index = in_flight.handshake->local_index;
  std::unique_ptr<Keypair> kp = derive_keypair(*in_flight.handshake, now);
  if (in_flight.newest) {
    peer.handshake_index = 0;
  } else {
    std::erase_if(peer.superseded, [&](SupersededInitiation& s) {
      if (s.index != index) return false;
      s.handshake.wipe_all();
      return true;
    });
  }
  if (!kp) {
    index_.erase(index);
    return;
  }
  limit_older_initiations(peer, in_flight.sent_at, now);
  // A session is coming either way: no more start-up retries or retransmits.
  timers_handshake_complete(peer.timers);
  // The peer made this session after any held one: this one replaces it.
  discard_held_session(peer);
  const std::optional<Time> settle = settle_time(peer, in_flight.sent_at, now);
  if (!settle) return complete_as_initiator(peer, std::move(kp), now, sink);
  peer.held_session = HeldSession{std::move(kp)};
  peer.timers.settle_session = *settle;
}

void DeviceImpl::complete_as_initiator(Peer& peer, std::unique_ptr<Keypair> kp, Time now,
                                       DeviceSink& sink) {
  discard_held_session(peer);
  prune_superseded(peer, now);
  peer.keypairs.install(std::move(kp), keypair_discarder());
  timers_session_derived(peer.timers, now);
  timers_handshake_complete(peer.timers);
  peer.last_handshake = now;
  emit(sink, EventKind::kHandshakeComplete, &peer, "initiator");
  // Confirms the keys to the responder: staged data if any, else a keepalive.
  if (!peer.staged.empty()) {
    send_staged(peer, now, sink);
  } else {
    send_keepalive(peer, now, sink);
  }
}

// The answers that might still have replaced the held session are overdue.
void DeviceImpl::expired_settle_session(Peer& peer, Time now, DeviceSink& sink) {
  if (!peer.held_session) return;
  std::unique_ptr<Keypair> kp = std::move(peer.held_session->keypair);
  peer.held_session.reset();
  complete_as_initiator(peer, std::move(kp), now, sink);
}

}  // namespace wgnet::core
