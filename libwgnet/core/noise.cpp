#include "core/noise.hpp"

#include <atomic>
#include <cstring>

namespace wgnet::core {

namespace {

std::atomic<uint64_t> g_x25519_ops{0};

constexpr std::string_view kConstruction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
constexpr std::string_view kIdentifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";

crypto::Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Copies a Hash-sized KDF output into a Key and wipes the temporary.
void take_key(Key& out, Hash& h) {
  std::memcpy(out.data(), h.data(), out.size());
  crypto::secure_zero(h);
}

// MixKey(input): ck, k = KDF2(ck, input).
void mix_key(noise::SymmetricState& st, Key& k, crypto::Bytes input) {
  Hash ck{}, t{};
  crypto::kdf(&ck, &t, nullptr, st.chaining_key, input);
  st.chaining_key = ck;
  take_key(k, t);
  crypto::secure_zero(ck);
}

// The DH tokens: MixKey(DH(priv, pub)). False for a low-order result.
bool mix_dh(noise::SymmetricState& st, Key& k, const Key& priv, const Key& pub) {
  Key dh{};
  const bool ok = noise_dh(dh, priv, pub);
  if (ok) mix_key(st, k, dh);
  crypto::secure_zero(dh);
  return ok;
}

// The psk-mode "e" token also mixes the ephemeral into the chaining key: ck = KDF1(ck, e).
void mix_ephemeral(noise::SymmetricState& st, crypto::Bytes e) {
  noise::mix_hash(st, e);
  Hash ck{};
  crypto::kdf(&ck, nullptr, nullptr, st.chaining_key, e);
  st.chaining_key = ck;
  crypto::secure_zero(ck);
}

// EncryptAndHash / DecryptAndHash with nonce 0 (every key is used once in the handshake).
void encrypt_and_hash(noise::SymmetricState& st, const Key& k, crypto::Bytes plain,
                      crypto::MutBytes out) {
  crypto::aead_seal(out, k, 0, plain, st.hash);
  noise::mix_hash(st, out.first(plain.size() + crypto::AEAD_TAG_LEN));
}
bool decrypt_and_hash(noise::SymmetricState& st, const Key& k, crypto::Bytes cipher,
                      crypto::MutBytes out) {
  if (cipher.size() < crypto::AEAD_TAG_LEN) return false;
  if (!crypto::aead_open(out, k, 0, cipher, st.hash)) return false;
  noise::mix_hash(st, cipher);
  return true;
}

bool is_zero(const Key& k) {
  uint8_t acc = 0;
  for (uint8_t b : k) acc |= b;
  return acc == 0;
}

}  // namespace

bool noise_dh(Key& out, const Key& private_key, const Key& public_key) {
  g_x25519_ops.fetch_add(1, std::memory_order_relaxed);
  return crypto::x25519(out, private_key, public_key);
}

void noise_public_key(Key& public_key, const Key& private_key) {
  g_x25519_ops.fetch_add(1, std::memory_order_relaxed);
  crypto::x25519_public(public_key, private_key);
}

uint64_t x25519_operation_count() { return g_x25519_ops.load(std::memory_order_relaxed); }

void clamp_private_key(Key& key) {
  key[0] &= 248;
  key[31] = static_cast<uint8_t>((key[31] & 127) | 64);
}

namespace noise {

void SymmetricState::wipe() {
  crypto::secure_zero(chaining_key);
  crypto::secure_zero(hash);
}

SymmetricState initialize(std::string_view protocol_name, crypto::Bytes prologue) {
  SymmetricState st;
  // A name longer than HASHLEN is hashed; a shorter one is zero-padded (Noise 5.2).
  if (protocol_name.size() <= st.hash.size()) {
    std::memcpy(st.hash.data(), protocol_name.data(), protocol_name.size());
  } else {
    crypto::blake2s(st.hash, as_bytes(protocol_name));
  }
  st.chaining_key = st.hash;
  mix_hash(st, prologue);
  return st;
}

void mix_hash(SymmetricState& st, crypto::Bytes data) { st.hash = crypto::hash2(st.hash, data); }

bool write_initiation(SymmetricState& st, const Key& e_private, const Key& s_public,
                      const Key& rs_public, const Key& ss, crypto::Bytes payload,
                      uint8_t* out_ephemeral, uint8_t* out_static, crypto::MutBytes out_payload) {
  Key k{}, e_public{};
  bool ok = false;
  /* e */
  noise_public_key(e_public, e_private);
  std::memcpy(out_ephemeral, e_public.data(), e_public.size());
  mix_ephemeral(st, e_public);
  /* es */
  if (mix_dh(st, k, e_private, rs_public)) {
    /* s */
    encrypt_and_hash(st, k, s_public, {out_static, noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)});
    /* ss */
    if (!is_zero(ss)) {
      mix_key(st, k, ss);
      /* payload */
      encrypt_and_hash(st, k, payload, out_payload);
      ok = true;
    }
  }
  crypto::secure_zero(k);
  return ok;
}

bool read_initiation_static(SymmetricState& st, const Key& s_private, const uint8_t* ephemeral,
                            const uint8_t* enc_static, Key& remote_ephemeral, Key& remote_static) {
  Key k{};
  /* e */
  std::memcpy(remote_ephemeral.data(), ephemeral, remote_ephemeral.size());
  mix_ephemeral(st, remote_ephemeral);
  /* es */
  bool ok = mix_dh(st, k, s_private, remote_ephemeral);
  /* s */
  ok = ok && decrypt_and_hash(st, k, {enc_static, noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)},
                              remote_static);
  crypto::secure_zero(k);
  return ok;
}

bool read_initiation_payload(SymmetricState& st, const Key& ss, crypto::Bytes enc_payload,
                             crypto::MutBytes payload) {
  if (is_zero(ss)) return false;
  Key k{};
  /* ss */
  mix_key(st, k, ss);
  /* payload */
  const bool ok = decrypt_and_hash(st, k, enc_payload, payload);
  crypto::secure_zero(k);
  return ok;
}

// psk: ck, tau, k = KDF3(ck, psk); MixHash(tau).
static void mix_psk(SymmetricState& st, Key& k, const Key& psk) {
  Hash ck{}, tau{}, key{};
  crypto::kdf(&ck, &tau, &key, st.chaining_key, psk);
  st.chaining_key = ck;
  mix_hash(st, tau);
  take_key(k, key);
  crypto::secure_zero(ck);
  crypto::secure_zero(tau);
}

bool write_response(SymmetricState& st, const Key& e_private, const Key& remote_ephemeral,
                    const Key& remote_static, const Key& psk, crypto::Bytes payload,
                    uint8_t* out_ephemeral, crypto::MutBytes out_payload) {
  Key k{}, e_public{};
  /* e */
  noise_public_key(e_public, e_private);
  std::memcpy(out_ephemeral, e_public.data(), e_public.size());
  mix_ephemeral(st, e_public);
  /* ee */
  bool ok = mix_dh(st, k, e_private, remote_ephemeral);
  /* se */
  ok = ok && mix_dh(st, k, e_private, remote_static);
  if (ok) {
    /* psk */
    mix_psk(st, k, psk);
    /* payload */
    encrypt_and_hash(st, k, payload, out_payload);
  }
  crypto::secure_zero(k);
  return ok;
}

bool read_response(SymmetricState& st, const Key& e_private, const Key& s_private,
                   const uint8_t* ephemeral, const Key& psk, crypto::Bytes enc_payload,
                   crypto::MutBytes payload) {
  Key k{}, re{};
  /* e */
  std::memcpy(re.data(), ephemeral, re.size());
  mix_ephemeral(st, re);
  /* ee */
  bool ok = mix_dh(st, k, e_private, re);
  /* se */
  ok = ok && mix_dh(st, k, s_private, re);
  if (ok) {
    /* psk */
    mix_psk(st, k, psk);
    /* payload */
    ok = decrypt_and_hash(st, k, enc_payload, payload);
  }
  crypto::secure_zero(k);
  return ok;
}

void split(const SymmetricState& st, Key& initiator_to_responder, Key& responder_to_initiator) {
  Hash t1{}, t2{};
  crypto::kdf(&t1, &t2, nullptr, st.chaining_key, {});
  take_key(initiator_to_responder, t1);
  take_key(responder_to_initiator, t2);
}

}  // namespace noise

// ---- WireGuard verbs ----

void Handshake::clear() {
  crypto::secure_zero(ephemeral_private);
  crypto::secure_zero(remote_ephemeral);
  sym.wipe();
  state = HandshakeState::kZeroed;
  local_index = 0;
  remote_index = 0;
}

void Handshake::wipe_all() {
  clear();
  crypto::secure_zero(precomputed_static_static);
  crypto::secure_zero(preshared_key);
  static_static_valid = false;
}

const noise::SymmetricState& wireguard_initial_state() {
  static const noise::SymmetricState st = noise::initialize(kConstruction, as_bytes(kIdentifier));
  return st;
}

bool handshake_init(Handshake& hs, const StaticIdentity& id, const Key& remote_static,
                    const Key& preshared_key) {
  hs.remote_static = remote_static;
  hs.preshared_key = preshared_key;
  hs.static_static_valid = noise_dh(hs.precomputed_static_static, id.private_key, remote_static);
  return hs.static_static_valid;
}

bool create_initiation(MessageHandshakeInitiation& msg, Handshake& hs, const StaticIdentity& id,
                       const Key& ephemeral_private, const Tai64n& timestamp,
                       uint32_t local_index) {
  if (!hs.static_static_valid) return false;
  hs.clear();
  std::memset(&msg, 0, sizeof msg);
  msg.header = make_header(MESSAGE_HANDSHAKE_INITIATION);
  put_le32(msg.sender_index, local_index);
  noise::SymmetricState st = wireguard_initial_state();
  noise::mix_hash(st, hs.remote_static);
  if (!noise::write_initiation(st, ephemeral_private, id.public_key, hs.remote_static,
                               hs.precomputed_static_static, timestamp, msg.unencrypted_ephemeral,
                               msg.encrypted_static, msg.encrypted_timestamp)) {
    st.wipe();
    return false;
  }
  hs.sym = st;
  st.wipe();
  hs.ephemeral_private = ephemeral_private;
  hs.local_index = local_index;
  hs.state = HandshakeState::kCreatedInitiation;
  return true;
}

const char* consume_result_reason(ConsumeResult r) {
  switch (r) {
    case ConsumeResult::kOk: return "ok";
    case ConsumeResult::kDecryptFailed: return "handshake did not authenticate";
    case ConsumeResult::kUnknownPeer: return "handshake from unknown peer";
    case ConsumeResult::kReplay: return "handshake replay";
    case ConsumeResult::kFlood: return "handshake flood";
  }
  return "?";
}

ConsumeResult consume_initiation(const MessageHandshakeInitiation& msg, const StaticIdentity& id,
                                 std::chrono::nanoseconds now, const FindHandshake& find,
                                 Handshake** out) {
  noise::SymmetricState st = wireguard_initial_state();
  noise::mix_hash(st, id.public_key);
  Key re{}, rs{};
  Tai64n t{};
  ConsumeResult result = ConsumeResult::kDecryptFailed;
  Handshake* hs = nullptr;
  if (noise::read_initiation_static(st, id.private_key, msg.unencrypted_ephemeral,
                                    msg.encrypted_static, re, rs)) {
    hs = find(rs);
    if (hs == nullptr || !hs->static_static_valid) {
      result = ConsumeResult::kUnknownPeer;
    } else if (noise::read_initiation_payload(st, hs->precomputed_static_static,
                                              msg.encrypted_timestamp, t)) {
      const bool replay = !tai64n_after(t, hs->latest_timestamp);
      const bool flood = hs->last_initiation_consumption &&
                         now < *hs->last_initiation_consumption + INITIATIONS_PER_SECOND_GAP;
      result = replay ? ConsumeResult::kReplay
                      : flood ? ConsumeResult::kFlood : ConsumeResult::kOk;
    }
  }
  if (result == ConsumeResult::kOk) {
    hs->clear();
    hs->remote_ephemeral = re;
    hs->latest_timestamp = t;
    hs->last_initiation_consumption = now;
    hs->sym = st;
    hs->remote_index = get_le32(msg.sender_index);
    hs->state = HandshakeState::kConsumedInitiation;
    *out = hs;
  }
  st.wipe();
  crypto::secure_zero(re);
  return result;
}

bool create_response(MessageHandshakeResponse& msg, Handshake& hs, const Key& ephemeral_private,
                     uint32_t local_index) {
  if (hs.state != HandshakeState::kConsumedInitiation) return false;
  std::memset(&msg, 0, sizeof msg);
  msg.header = make_header(MESSAGE_HANDSHAKE_RESPONSE);
  put_le32(msg.sender_index, local_index);
  put_le32(msg.receiver_index, hs.remote_index);
  if (!noise::write_response(hs.sym, ephemeral_private, hs.remote_ephemeral, hs.remote_static,
                             hs.preshared_key, {}, msg.unencrypted_ephemeral,
                             msg.encrypted_nothing)) {
    hs.clear();
    return false;
  }
  hs.ephemeral_private = ephemeral_private;
  hs.local_index = local_index;
  hs.state = HandshakeState::kCreatedResponse;
  return true;
}

ConsumeResult consume_response(const MessageHandshakeResponse& msg, Handshake& hs,
                               const StaticIdentity& id) {
  if (hs.state != HandshakeState::kCreatedInitiation) return ConsumeResult::kDecryptFailed;
  noise::SymmetricState st = hs.sym;  // work on a copy: a forged response must not disturb us
  uint8_t nothing[1];
  const bool ok = noise::read_response(st, hs.ephemeral_private, id.private_key,
                                       msg.unencrypted_ephemeral, hs.preshared_key,
                                       msg.encrypted_nothing, {nothing, 0});
  if (ok) {
    hs.sym = st;
    std::memcpy(hs.remote_ephemeral.data(), msg.unencrypted_ephemeral, NOISE_PUBLIC_KEY_LEN);
    hs.remote_index = get_le32(msg.sender_index);
    hs.state = HandshakeState::kConsumedResponse;
  }
  st.wipe();
  return ok ? ConsumeResult::kOk : ConsumeResult::kDecryptFailed;
}

void SessionKeys::wipe() {
  crypto::secure_zero(sending);
  crypto::secure_zero(receiving);
}

bool begin_session(Handshake& hs, SessionKeys& out) {
  if (hs.state != HandshakeState::kConsumedResponse &&
      hs.state != HandshakeState::kCreatedResponse) {
    return false;
  }
  out.i_am_initiator = hs.state == HandshakeState::kConsumedResponse;
  Key i2r{}, r2i{};
  noise::split(hs.sym, i2r, r2i);
  out.sending = out.i_am_initiator ? i2r : r2i;
  out.receiving = out.i_am_initiator ? r2i : i2r;
  crypto::secure_zero(i2r);
  crypto::secure_zero(r2i);
  out.local_index = hs.local_index;
  out.remote_index = hs.remote_index;
  hs.clear();
  return true;
}

}  // namespace wgnet::core
