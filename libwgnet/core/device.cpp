#include <algorithm>
#include <cstring>

#include "core/device_impl.hpp"

namespace wgnet::core {

std::unique_ptr<Device> Device::create(const DeviceConfig& config, Environment& env,
                                       std::string* error) {
  auto dev = std::make_unique<DeviceImpl>(env);
  if (!dev->configure(config, error)) return nullptr;
  return dev;
}

DeviceImpl::DeviceImpl(Environment& env) : env_(env) {}

DeviceImpl::~DeviceImpl() {
  for (auto& p : peers_) {
    p->keypairs.clear([](const Keypair&) {});
    p->handshake.wipe_all();
    for (auto& s : p->superseded) s.handshake.wipe_all();
    p->held_session.reset();
    p->cookie.wipe();
    p->purge_staged();
  }
  cookie_checker_.wipe();
  crypto::secure_zero(identity_.private_key);
  crypto::secure_zero(scratch_.data(), scratch_.size());
}

bool DeviceImpl::configure(const DeviceConfig& config, std::string* error) {
  auto fail = [&](std::string msg) {
    if (error != nullptr) *error = std::move(msg);
    return false;
  };
  if (config.mtu < 576 || config.mtu > 65535 - 80) {
    return fail("MTU " + std::to_string(config.mtu) + " is out of range (576..65455)");
  }
  mtu_ = config.mtu;
  env_.random_bytes({reinterpret_cast<uint8_t*>(&jitter_state_), sizeof jitter_state_});
  identity_.private_key = config.private_key;
  noise_public_key(identity_.public_key, identity_.private_key);
  cookie_checker_.init(identity_.public_key);
  for (size_t i = 0; i < config.peers.size(); ++i) {
    const auto& pc = config.peers[i];
    if (pc.public_key == identity_.public_key) {
      return fail("peer " + std::to_string(i + 1) +
                  " has this interface's own public key; remove that peer");
    }
    if (peer_by_key_.count(pc.public_key) != 0) {
      return fail("peer " + std::to_string(i + 1) + " repeats the public key of peer " +
                  std::to_string(peer_by_key_[pc.public_key] + 1));
    }
    auto peer = std::make_unique<Peer>();
    peer->index = static_cast<PeerIndex>(i);
    peer->public_key = pc.public_key;
    // A low-order key gets no usable precomputed DH: the peer exists but never has a session.
    (void)handshake_init(peer->handshake, identity_, pc.public_key,
                         pc.preshared_key.value_or(Key{}));
    peer->cookie.init(pc.public_key);
    peer->timers.persistent_keepalive_interval = pc.persistent_keepalive;
    peer->set_candidates(pc.endpoints);
    for (const auto& prefix : pc.allowed_ips) allowed_ips_.insert(prefix, peer->index);
    peer_by_key_[pc.public_key] = peer->index;
    peers_.push_back(std::move(peer));
  }
  scratch_.assign(MESSAGE_DATA_HEADER_LEN + mtu_ + MESSAGE_PADDING_MULTIPLE + NOISE_AUTHTAG_LEN,
                  0);
  return true;
}

void DeviceImpl::set_private_key(const Key32& private_key, Time now, DeviceSink& sink) {
  last_now_ = std::max(last_now_, now);
  identity_.private_key = private_key;
  noise_public_key(identity_.public_key, identity_.private_key);
  cookie_checker_.init(identity_.public_key);
  for (auto& p : peers_) {
    Peer& peer = *p;
    forget_initiations_in_flight(peer);
    const Key psk = peer.handshake.preshared_key;
    peer.handshake.wipe_all();
    peer.disabled = peer.public_key == identity_.public_key;
    if (peer.disabled) {
      // As the driver does for a peer equal to ourselves: it goes away entirely.
      peer.keypairs.clear(keypair_discarder());
      peer.purge_staged();
      peer.timers.clear_all();
      continue;
    }
    (void)handshake_init(peer.handshake, identity_, peer.public_key, psk);
    // Sessions under the old identity must not carry on: re-handshake at once.
    peer.keypairs.expire_sending();
    if (peer.keypairs.current() != nullptr || peer.keypairs.next() != nullptr) {
      peer.last_sent_handshake.reset();
      send_initiation(peer, now, sink, false);
    }
  }
}

void DeviceImpl::start(Time now, DeviceSink& sink) {
  last_now_ = std::max(last_now_, now);
  for (auto& p : peers_) {
    Peer& peer = *p;
    if (!peer.endpoint || peer.disabled) continue;
    peer.timers.startup_retries_sent = 0;
    do_send_initiation(peer, now, sink);
    if (peer.handshake.state == HandshakeState::kCreatedInitiation) {
      timers_ephemeral_key_created(peer.timers, now);
    }
  }
}

Time DeviceImpl::next_deadline() const {
  Time t = kNever;
  for (const auto& p : peers_) t = std::min(t, p->timers.earliest());
  return t;
}

void DeviceImpl::set_endpoints(PeerIndex peer, std::vector<Endpoint> endpoints) {
  if (peer >= peers_.size()) return;
  peers_[peer]->set_candidates(std::move(endpoints));
}

std::vector<PeerStatus> DeviceImpl::peers() const {
  std::vector<PeerStatus> out;
  out.reserve(peers_.size());
  for (const auto& p : peers_) {
    PeerStatus s;
    s.public_key = p->public_key;
    s.endpoint = p->endpoint;
    s.last_handshake = p->last_handshake;
    s.rx_bytes = p->rx_bytes;
    s.tx_bytes = p->tx_bytes;
    // As of the latest time the caller gave us (peers() takes none).
    s.has_session = p->keypairs.current() != nullptr && p->keypairs.current()->can_send(last_now_);
    out.push_back(s);
  }
  return out;
}

// ---- helpers ----

Peer* DeviceImpl::peer_by_static(const Key& remote_static) {
  auto it = peer_by_key_.find(remote_static);
  if (it == peer_by_key_.end()) return nullptr;
  Peer* p = peers_[it->second].get();
  return p->disabled ? nullptr : p;
}

uint32_t DeviceImpl::register_index(PeerIndex peer, bool is_keypair) {
  for (;;) {
    uint32_t idx = 0;
    env_.random_bytes({reinterpret_cast<uint8_t*>(&idx), sizeof idx});
    if (idx == 0 || index_.count(idx) != 0) continue;
    index_.emplace(idx, IndexEntry{peer, is_keypair});
    return idx;
  }
}

void DeviceImpl::unregister_handshake_index(Peer& peer) {
  if (peer.handshake_index == 0) return;
  auto it = index_.find(peer.handshake_index);
  if (it != index_.end() && !it->second.is_keypair) index_.erase(it);
  peer.handshake_index = 0;
}

Keypairs::OnDiscard DeviceImpl::keypair_discarder() {
  return [this](const Keypair& kp) { index_.erase(kp.local_index); };
}

Key DeviceImpl::new_ephemeral() {
  Key k{};
  env_.random_bytes(k);
  clamp_private_key(k);
  return k;
}

// Timer jitter needs no secrecy, only spread: a splitmix64 stream seeded once from the
// environment, so the data path (which arms timers) never calls for randomness.
Time DeviceImpl::jitter() {
  uint64_t z = (jitter_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return Time(static_cast<int64_t>(z % static_cast<uint64_t>(REKEY_TIMEOUT_JITTER_MAX.count() + 1)));
}

RandomFn DeviceImpl::random_fn() {
  return [this](std::span<uint8_t> out) { env_.random_bytes(out); };
}

void DeviceImpl::emit(DeviceSink& sink, EventKind kind, const Peer* peer, std::string detail) {
  Event ev{kind, peer != nullptr ? std::optional<PeerIndex>(peer->index) : std::nullopt,
           std::move(detail)};
  sink.on_event(ev);
}

void DeviceImpl::drop(DeviceSink& sink, const Peer* peer, const char* reason) {
  emit(sink, EventKind::kPacketDropped, peer, reason);
}

void DeviceImpl::set_endpoint(Peer& peer, const Endpoint& from, DeviceSink& sink) {
  if (peer.endpoint && *peer.endpoint == from) return;
  peer.endpoint = from;
  emit(sink, EventKind::kEndpointChanged, &peer, from.to_string());
}

// begin_session; the handshake's index now names the keypair. Null if `hs` was not finished.
std::unique_ptr<Keypair> DeviceImpl::derive_keypair(Handshake& hs, Time now) {
  SessionKeys keys;
  if (!begin_session(hs, keys)) return nullptr;
  auto it = index_.find(keys.local_index);
  if (it != index_.end()) it->second.is_keypair = true;
  auto kp = std::make_unique<Keypair>(keys, now);
  keys.wipe();
  return kp;
}

// The responder's session from peer.handshake, placed in `next` until key confirmation.
void DeviceImpl::install_session(Peer& peer, Time now) {
  std::unique_ptr<Keypair> kp = derive_keypair(peer.handshake, now);
  if (!kp) return;
  peer.handshake_index = 0;
  peer.keypairs.install(std::move(kp), keypair_discarder());
  timers_session_derived(peer.timers, now);
}

}  // namespace wgnet::core
