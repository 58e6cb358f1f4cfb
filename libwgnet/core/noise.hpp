// The Noise_IKpsk2 handshake (whitepaper section 5.4, the Linux driver's noise.c).
//
// Two layers:
//  - namespace noise: the generic IKpsk2 message processing on a SymmetricState, parameterised by
//    protocol name and prologue, so it can be checked against the Noise test vectors (cacophony).
//    WireGuard is exactly this with name "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s" and prologue
//    "WireGuard v1 zx2c4 Jason@zx2c4.com".
//  - the kernel-named verbs create_initiation / consume_initiation / create_response /
//    consume_response / begin_session on a per-peer Handshake.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/crypto.hpp"
#include "core/messages.hpp"
#include "core/tai64n.hpp"

namespace wgnet::core {

using crypto::Hash;
using crypto::Key;

// Every X25519 operation the core performs goes through these two, which count (TESTPLAN B6:
// a packet with a bad mac1 must cost zero curve operations).
[[nodiscard]] bool noise_dh(Key& out, const Key& private_key, const Key& public_key);
void noise_public_key(Key& public_key, const Key& private_key);
uint64_t x25519_operation_count();
// Turns 32 random bytes into a Curve25519 private key (RFC 7748 clamping).
void clamp_private_key(Key& key);

namespace noise {

struct SymmetricState {
  Hash chaining_key{};
  Hash hash{};
  void wipe();
};

// InitializeSymmetric(protocol_name) followed by MixHash(prologue).
SymmetricState initialize(std::string_view protocol_name, crypto::Bytes prologue);
void mix_hash(SymmetricState& st, crypto::Bytes data);

// Message 1, initiator: -> e, es, s, ss, then the payload. The caller has already mixed the
// responder's static key (the IK pre-message). `ss` is DH(s, rs), precomputed. Writes the
// ephemeral (32), encrypted static (48) and encrypted payload (payload + 16).
[[nodiscard]] bool write_initiation(SymmetricState& st, const Key& e_private, const Key& s_public,
                                    const Key& rs_public, const Key& ss, crypto::Bytes payload,
                                    uint8_t* out_ephemeral, uint8_t* out_static,
                                    crypto::MutBytes out_payload);
// Message 1, responder, first half: e, es, s. Yields the initiator's static key, which the
// caller needs to find the peer (and its precomputed ss and psk) before the second half.
[[nodiscard]] bool read_initiation_static(SymmetricState& st, const Key& s_private,
                                          const uint8_t* ephemeral, const uint8_t* enc_static,
                                          Key& remote_ephemeral, Key& remote_static);
// Message 1, responder, second half: ss, then the payload.
[[nodiscard]] bool read_initiation_payload(SymmetricState& st, const Key& ss,
                                           crypto::Bytes enc_payload, crypto::MutBytes payload);
// Message 2, responder: <- e, ee, se, psk, then the payload.
[[nodiscard]] bool write_response(SymmetricState& st, const Key& e_private,
                                  const Key& remote_ephemeral, const Key& remote_static,
                                  const Key& psk, crypto::Bytes payload, uint8_t* out_ephemeral,
                                  crypto::MutBytes out_payload);
// Message 2, initiator.
[[nodiscard]] bool read_response(SymmetricState& st, const Key& e_private, const Key& s_private,
                                 const uint8_t* ephemeral, const Key& psk,
                                 crypto::Bytes enc_payload, crypto::MutBytes payload);
// Split(): the initiator's sending key and the responder's sending key.
void split(const SymmetricState& st, Key& initiator_to_responder, Key& responder_to_initiator);

}  // namespace noise

struct StaticIdentity {
  Key private_key{};
  Key public_key{};
};

enum class HandshakeState : uint8_t {
  kZeroed,
  kCreatedInitiation,
  kConsumedInitiation,
  kCreatedResponse,
  kConsumedResponse,
};

// Per-peer handshake state (the driver's struct noise_handshake).
struct Handshake {
  HandshakeState state = HandshakeState::kZeroed;
  Key remote_static{};
  Key precomputed_static_static{};  // DH(our static, their static); all zero if low order
  bool static_static_valid = false;
  Key preshared_key{};  // all zero when none
  Key ephemeral_private{};
  Key remote_ephemeral{};
  noise::SymmetricState sym{};
  Tai64n latest_timestamp{};
  std::optional<std::chrono::nanoseconds> last_initiation_consumption;
  uint32_t local_index = 0;
  uint32_t remote_index = 0;

  // Wipes the in-progress handshake (ephemeral, hash, chaining key); keeps static material.
  void clear();
  // Wipes everything secret, including the psk and precomputed DH (peer removal / teardown).
  void wipe_all();
};

// The WireGuard construction's initial state: HASH(Construction), HASH(Ci || Identifier).
const noise::SymmetricState& wireguard_initial_state();

// Precomputes DH(our static, their static); false for a low-order peer key (never a session).
bool handshake_init(Handshake& hs, const StaticIdentity& id, const Key& remote_static,
                    const Key& preshared_key);

// Fills everything but the macs. False if the handshake cannot be made (low-order peer key).
[[nodiscard]] bool create_initiation(MessageHandshakeInitiation& msg, Handshake& hs,
                                     const StaticIdentity& id, const Key& ephemeral_private,
                                     const Tai64n& timestamp, uint32_t local_index);

enum class ConsumeResult : uint8_t {
  kOk,
  kDecryptFailed,  // AEAD or DH failure: not from anyone who knows the keys
  kUnknownPeer,    // authenticated static key is not one of our peers
  kReplay,         // timestamp not after the last accepted one
  kFlood,          // less than INITIATIONS_PER_SECOND_GAP after the previous initiation
};
const char* consume_result_reason(ConsumeResult r);

using FindHandshake = std::function<Handshake*(const Key& remote_static)>;

// Authenticates an initiation. On kOk, *out is the peer's handshake, now kConsumedInitiation.
[[nodiscard]] ConsumeResult consume_initiation(const MessageHandshakeInitiation& msg,
                                               const StaticIdentity& id,
                                               std::chrono::nanoseconds now,
                                               const FindHandshake& find, Handshake** out);

[[nodiscard]] bool create_response(MessageHandshakeResponse& msg, Handshake& hs,
                                   const Key& ephemeral_private, uint32_t local_index);

// `hs` is the handshake the receiver index named; must be in kCreatedInitiation.
[[nodiscard]] ConsumeResult consume_response(const MessageHandshakeResponse& msg, Handshake& hs,
                                             const StaticIdentity& id);

struct SessionKeys {
  Key sending{};
  Key receiving{};
  uint32_t local_index = 0;
  uint32_t remote_index = 0;
  bool i_am_initiator = false;
  void wipe();
};

// Derives the transport keys from a finished handshake and clears the handshake.
[[nodiscard]] bool begin_session(Handshake& hs, SessionKeys& out);

}  // namespace wgnet::core
