// Initiations in flight and the sessions their responses make.
//
// Start-up retries (STARTUP_RETRY_DELAYS) send fresh initiations faster than a long round trip,
// and a peer answers each one it accepts, each answer replacing its pending session. So any of
// our recent initiations may be the one answered: each stays answerable (superseded, with its
// own index) for REKEY_TIMEOUT. Sessions follow the order the initiations were sent in, the
// order in which the peer accepts them (it rejects an older timestamp after a newer one):
//  - a response to the newest initiation in flight completes at once and forgets the older ones;
//  - a response to an older one, while a newer one is in flight, makes a session that is held
//    (not sent on): if the peer accepts the newer one, it drops this one. When the newer one's
//    response is overdue (its send time + the round trip just measured + half of it + 10 ms),
//    the held session is used; a later response to a newer initiation still replaces it.
#include <algorithm>

#include "core/device_impl.hpp"

namespace wgnet::core {

namespace {

// Slack for the newer initiation's response beyond the round trip the older one measured.
Time settle_margin(Time round_trip) {
  return round_trip / 2 + std::chrono::milliseconds(10);
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
  peer.superseded.push_back({peer.handshake, peer.handshake_index, *peer.last_sent_handshake});
  peer.handshake_index = 0;  // now the superseded entry's
}

void DeviceImpl::prune_superseded(Peer& peer, Time now) {
  std::erase_if(peer.superseded, [&](SupersededInitiation& s) {
    if (now < s.sent_at + REKEY_TIMEOUT) return false;
    index_.erase(s.index);
    s.handshake.wipe_all();
    return true;
  });
}

std::optional<DeviceImpl::InFlight> DeviceImpl::find_in_flight(Peer& peer, uint32_t index) {
  if (index == peer.handshake_index && peer.last_sent_handshake) {
    return InFlight{&peer.handshake, *peer.last_sent_handshake, true, false};
  }
  for (auto& s : peer.superseded) {
    if (s.index == index) return InFlight{&s.handshake, s.sent_at, false, s.outdated};
  }
  return std::nullopt;
}

// A response to the initiation sent at `sent_at` authenticated: the older ones are never used
// for a session now, but stay answerable until they expire (see response_consumed).
void DeviceImpl::forget_older_initiations(Peer& peer, Time sent_at) {
  for (auto& s : peer.superseded) {
    if (s.sent_at < sent_at) s.outdated = true;
  }
}

// The send time of the newest initiation newer than `sent_at` still waiting for its response.
std::optional<Time> DeviceImpl::newest_in_flight_after(const Peer& peer, Time sent_at,
                                                       Time now) const {
  if (peer.handshake_index != 0 && peer.handshake.state == HandshakeState::kCreatedInitiation &&
      peer.last_sent_handshake && *peer.last_sent_handshake > sent_at &&
      now < *peer.last_sent_handshake + REKEY_TIMEOUT) {
    return *peer.last_sent_handshake;
  }
  std::optional<Time> newest;
  for (const auto& s : peer.superseded) {
    if (s.sent_at > sent_at && now < s.sent_at + REKEY_TIMEOUT) newest = s.sent_at;  // oldest first
  }
  return newest;
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
  if (in_flight.outdated) {
    // The peer answered an older initiation after a newer one made our session: it accepted
    // both, and when the two reached it together (its handshake workers check timestamps
    // concurrently) it may have kept either. Data on the wrong one would be dropped until a
    // rehandshake, seconds later. A fresh initiation, past the peer's flood limit, settles it.
    std::erase_if(peer.superseded, [&](SupersededInitiation& s) {
      if (s.index != index) return false;
      index_.erase(s.index);
      s.handshake.wipe_all();
      return true;
    });
    if (!peer.timers.settle_handshake) peer.timers.settle_handshake = now + SETTLE_HANDSHAKE_DELAY;
    return drop(sink, &peer,
                "handshake response to an older initiation (the peer took both): a fresh "
                "handshake settles which session it kept");
  }
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
  forget_older_initiations(peer, in_flight.sent_at);
  // A session is coming either way: no more start-up retries or retransmits.
  timers_handshake_complete(peer.timers);
  const std::optional<Time> newer = newest_in_flight_after(peer, in_flight.sent_at, now);
  if (!newer) return complete_as_initiator(peer, std::move(kp), now, sink);
  // Any session already held came from an older initiation still: this one replaces it.
  discard_held_session(peer);
  const Time round_trip = now - in_flight.sent_at;
  peer.held_session = HeldSession{std::move(kp)};
  peer.timers.settle_session = *newer + round_trip + settle_margin(round_trip);
}

void DeviceImpl::complete_as_initiator(Peer& peer, std::unique_ptr<Keypair> kp, Time now,
                                       DeviceSink& sink) {
  discard_held_session(peer);
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

// The fresh initiation that settles which of two answered initiations the peer kept.
void DeviceImpl::expired_settle_handshake(Peer& peer, Time now, DeviceSink& sink) {
  do_send_initiation(peer, now, sink);  // bypasses the REKEY_TIMEOUT rate limit on purpose
}

// The newer initiation's response is overdue: the peer most likely never accepted it.
void DeviceImpl::expired_settle_session(Peer& peer, Time now, DeviceSink& sink) {
  if (!peer.held_session) return;
  std::unique_ptr<Keypair> kp = std::move(peer.held_session->keypair);
  peer.held_session.reset();
  complete_as_initiator(peer, std::move(kp), now, sink);
}

}  // namespace wgnet::core
