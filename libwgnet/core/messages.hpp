// WireGuard wire formats and protocol constants (whitepaper section 5.4 and 6, the Linux driver's
// messages.h). Messages are plain byte structs: every field is a byte array, so the structs have
// no padding, sizeof equals the wire length and they can be memcpy'd to and from datagrams.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/replay_window.hpp"

namespace wgnet::core {

using namespace std::chrono_literals;

// ---- Protocol constants, spelled as in the whitepaper (section 6.1) ----
constexpr uint64_t REKEY_AFTER_MESSAGES = uint64_t{1} << 60;
// REJECT_AFTER_MESSAGES comes from replay_window.hpp (the driver's U64_MAX - window - 1).
constexpr std::chrono::nanoseconds REKEY_AFTER_TIME = 120s;
constexpr std::chrono::nanoseconds REJECT_AFTER_TIME = 180s;
constexpr std::chrono::nanoseconds REKEY_ATTEMPT_TIME = 90s;
constexpr std::chrono::nanoseconds REKEY_TIMEOUT = 5s;
constexpr std::chrono::nanoseconds REKEY_TIMEOUT_JITTER_MAX = 333ms;  // driver: HZ / 3
constexpr std::chrono::nanoseconds KEEPALIVE_TIMEOUT = 10s;
constexpr std::chrono::nanoseconds COOKIE_SECRET_MAX_AGE = 120s;
constexpr std::chrono::nanoseconds COOKIE_SECRET_LATENCY = 5s;
// wireguard-go's handshakeInitationRate: initiations from one peer closer than this are floods.
constexpr std::chrono::nanoseconds INITIATIONS_PER_SECOND_GAP = 20ms;
// Retransmits before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT (driver MAX_TIMER_HANDSHAKES).
constexpr int MAX_TIMER_HANDSHAKES = static_cast<int>(REKEY_ATTEMPT_TIME / REKEY_TIMEOUT);
constexpr size_t MESSAGE_PADDING_MULTIPLE = 16;
// Staged packets kept per peer while there is no session (the driver's MAX_STAGED_PACKETS).
constexpr size_t MAX_STAGED_PACKETS = 128;

enum MessageType : uint8_t {
  MESSAGE_INVALID = 0,
  MESSAGE_HANDSHAKE_INITIATION = 1,
  MESSAGE_HANDSHAKE_RESPONSE = 2,
  MESSAGE_HANDSHAKE_COOKIE = 3,
  MESSAGE_DATA = 4,
};

constexpr size_t NOISE_PUBLIC_KEY_LEN = 32;
constexpr size_t NOISE_TIMESTAMP_LEN = 12;
constexpr size_t NOISE_AUTHTAG_LEN = 16;
constexpr size_t COOKIE_LEN = 16;
constexpr size_t COOKIE_NONCE_LEN = 24;

constexpr size_t noise_encrypted_len(size_t plain_len) { return plain_len + NOISE_AUTHTAG_LEN; }

// type (1) + 3 reserved bytes that must be zero, then the little-endian sender index.
struct MessageHeader {
  uint8_t type;
  uint8_t reserved[3];
};

struct MessageMacs {
  uint8_t mac1[COOKIE_LEN];
  uint8_t mac2[COOKIE_LEN];
};

struct MessageHandshakeInitiation {
  MessageHeader header;
  uint8_t sender_index[4];
  uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
  uint8_t encrypted_static[noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)];
  uint8_t encrypted_timestamp[noise_encrypted_len(NOISE_TIMESTAMP_LEN)];
  MessageMacs macs;
};

struct MessageHandshakeResponse {
  MessageHeader header;
  uint8_t sender_index[4];
  uint8_t receiver_index[4];
  uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
  uint8_t encrypted_nothing[noise_encrypted_len(0)];
  MessageMacs macs;
};

struct MessageHandshakeCookie {
  MessageHeader header;
  uint8_t receiver_index[4];
  uint8_t nonce[COOKIE_NONCE_LEN];
  uint8_t encrypted_cookie[noise_encrypted_len(COOKIE_LEN)];
};

struct MessageData {
  MessageHeader header;
  uint8_t receiver_index[4];
  uint8_t counter[8];
  // followed by the encrypted, padded inner packet and its 16-byte tag
};

constexpr size_t MESSAGE_INITIATION_LEN = 148;
constexpr size_t MESSAGE_RESPONSE_LEN = 92;
constexpr size_t MESSAGE_COOKIE_REPLY_LEN = 64;
constexpr size_t MESSAGE_DATA_HEADER_LEN = 16;
constexpr size_t MESSAGE_KEEPALIVE_LEN = MESSAGE_DATA_HEADER_LEN + NOISE_AUTHTAG_LEN;  // 32
constexpr size_t MESSAGE_MINIMUM_LEN = MESSAGE_KEEPALIVE_LEN;

static_assert(sizeof(MessageHandshakeInitiation) == MESSAGE_INITIATION_LEN);
static_assert(sizeof(MessageHandshakeResponse) == MESSAGE_RESPONSE_LEN);
static_assert(sizeof(MessageHandshakeCookie) == MESSAGE_COOKIE_REPLY_LEN);
static_assert(sizeof(MessageData) == MESSAGE_DATA_HEADER_LEN);

// mac1 covers everything before it, mac2 everything before mac2 (whitepaper 5.4.4).
template <class Msg>
constexpr size_t mac1_offset() {
  return sizeof(Msg) - sizeof(MessageMacs);
}
template <class Msg>
constexpr size_t mac2_offset() {
  return sizeof(Msg) - COOKIE_LEN;
}

inline void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t get_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
inline void put_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t get_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

inline MessageHeader make_header(MessageType type) { return MessageHeader{type, {0, 0, 0}}; }

// True when `len` bytes starting with `data` have this type, zero reserved bytes and the exact
// length the type demands (data messages: at least a keepalive, 16-byte aligned payload not
// required on receive since the tag follows the padded plaintext).
inline bool header_is(const uint8_t* data, size_t len, MessageType type, size_t exact_len) {
  return len == exact_len && data[0] == type && data[1] == 0 && data[2] == 0 && data[3] == 0;
}

}  // namespace wgnet::core
