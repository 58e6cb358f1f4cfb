#include "core/cookie.hpp"

#include <cstring>
#include <string_view>

namespace wgnet::core {

namespace {

constexpr std::string_view kMac1Label = "mac1----";
constexpr std::string_view kCookieLabel = "cookie--";

Key label_key(std::string_view label, const Key& public_key) {
  const crypto::Hash h = crypto::hash2(
      {reinterpret_cast<const uint8_t*>(label.data()), label.size()}, public_key);
  Key k{};
  std::memcpy(k.data(), h.data(), k.size());
  return k;
}

// mac1/mac2 offsets for a whole handshake message (initiation or response), by length.
bool mac_offsets(std::span<const uint8_t> msg, size_t& mac1, size_t& mac2) {
  if (msg.size() == MESSAGE_INITIATION_LEN) {
    mac1 = mac1_offset<MessageHandshakeInitiation>();
    mac2 = mac2_offset<MessageHandshakeInitiation>();
    return true;
  }
  if (msg.size() == MESSAGE_RESPONSE_LEN) {
    mac1 = mac1_offset<MessageHandshakeResponse>();
    mac2 = mac2_offset<MessageHandshakeResponse>();
    return true;
  }
  return false;
}

bool expired(const std::optional<Time>& birth, Time age, Time now) {
  return !birth || now >= *birth + age;
}

}  // namespace

void CookieChecker::init(const Key& our_public_key) {
  message_mac1_key_ = label_key(kMac1Label, our_public_key);
  message_cookie_key_ = label_key(kCookieLabel, our_public_key);
  crypto::secure_zero(secret_);
  secret_birthdate_.reset();
}

void CookieChecker::make_cookie(uint8_t cookie[COOKIE_LEN], const Endpoint& source, Time now,
                                const RandomFn& random) {
  if (expired(secret_birthdate_, COOKIE_SECRET_MAX_AGE, now)) {
    random(secret_);
    secret_birthdate_ = now;
  }
  // The cookie binds the source address and port (port big-endian, as on the wire).
  uint8_t src[18];
  const size_t ip_len = source.ip.size();
  std::memcpy(src, source.ip.bytes.data(), ip_len);
  src[ip_len] = static_cast<uint8_t>(source.port >> 8);
  src[ip_len + 1] = static_cast<uint8_t>(source.port);
  const crypto::Mac m = crypto::mac(secret_, {src, ip_len + 2});
  std::memcpy(cookie, m.data(), COOKIE_LEN);
}

MacState CookieChecker::validate(std::span<const uint8_t> msg, const Endpoint& source, Time now,
                                 bool check_cookie, const RandomFn& random) {
  size_t mac1_at = 0, mac2_at = 0;
  if (!mac_offsets(msg, mac1_at, mac2_at)) return MacState::kInvalidMac;
  const crypto::Mac mac1 = crypto::mac(message_mac1_key_, msg.first(mac1_at));
  if (!crypto::equal_ct(mac1, msg.subspan(mac1_at, COOKIE_LEN))) return MacState::kInvalidMac;
  if (!check_cookie) return MacState::kValidMacNoCookie;
  uint8_t cookie[COOKIE_LEN];
  make_cookie(cookie, source, now, random);
  const crypto::Mac mac2 = crypto::mac({cookie, COOKIE_LEN}, msg.first(mac2_at));
  crypto::secure_zero(cookie, sizeof cookie);
  return crypto::equal_ct(mac2, msg.subspan(mac2_at, COOKIE_LEN)) ? MacState::kValidMacWithCookie
                                                                  : MacState::kValidMacNoCookie;
}

void CookieChecker::create_reply(MessageHandshakeCookie& reply, std::span<const uint8_t> msg,
                                 uint32_t receiver_index, const Endpoint& source, Time now,
                                 const RandomFn& random) {
  size_t mac1_at = 0, mac2_at = 0;
  std::memset(&reply, 0, sizeof reply);
  if (!mac_offsets(msg, mac1_at, mac2_at)) return;
  reply.header = make_header(MESSAGE_HANDSHAKE_COOKIE);
  put_le32(reply.receiver_index, receiver_index);
  random({reply.nonce, COOKIE_NONCE_LEN});
  uint8_t cookie[COOKIE_LEN];
  make_cookie(cookie, source, now, random);
  // AD = the mac1 of the message we answer, so only its sender can use the reply.
  crypto::xaead_seal(reply.encrypted_cookie, message_cookie_key_,
                     std::span<const uint8_t, COOKIE_NONCE_LEN>(reply.nonce), {cookie, COOKIE_LEN},
                     msg.subspan(mac1_at, COOKIE_LEN));
  crypto::secure_zero(cookie, sizeof cookie);
}

void CookieChecker::wipe() {
  crypto::secure_zero(secret_);
  crypto::secure_zero(message_mac1_key_);
  crypto::secure_zero(message_cookie_key_);
  secret_birthdate_.reset();
}

void Cookie::init(const Key& peer_public_key) {
  message_mac1_key_ = label_key(kMac1Label, peer_public_key);
  message_cookie_key_ = label_key(kCookieLabel, peer_public_key);
}

bool Cookie::has_valid_cookie(Time now) const {
  return !expired(cookie_birthdate_, COOKIE_VALIDITY, now);
}

void Cookie::add_macs(std::span<uint8_t> msg, Time now) {
  size_t mac1_at = 0, mac2_at = 0;
  if (!mac_offsets(msg, mac1_at, mac2_at)) return;
  const crypto::Mac mac1 = crypto::mac(message_mac1_key_, msg.first(mac1_at));
  std::memcpy(msg.data() + mac1_at, mac1.data(), COOKIE_LEN);
  std::memcpy(last_mac1_sent_, mac1.data(), COOKIE_LEN);
  have_sent_mac1_ = true;
  if (has_valid_cookie(now)) {
    const crypto::Mac mac2 = crypto::mac({cookie_, COOKIE_LEN}, msg.first(mac2_at));
    std::memcpy(msg.data() + mac2_at, mac2.data(), COOKIE_LEN);
  } else {
    std::memset(msg.data() + mac2_at, 0, COOKIE_LEN);
  }
}

bool Cookie::consume_reply(const MessageHandshakeCookie& reply, Time now) {
  if (!have_sent_mac1_) return false;
  uint8_t cookie[COOKIE_LEN];
  if (!crypto::xaead_open({cookie, COOKIE_LEN}, message_cookie_key_,
                          std::span<const uint8_t, COOKIE_NONCE_LEN>(reply.nonce),
                          reply.encrypted_cookie, {last_mac1_sent_, COOKIE_LEN})) {
    crypto::secure_zero(cookie, sizeof cookie);
    return false;
  }
  std::memcpy(cookie_, cookie, COOKIE_LEN);
  crypto::secure_zero(cookie, sizeof cookie);
  cookie_birthdate_ = now;
  have_sent_mac1_ = false;  // one reply per mac1
  return true;
}

void Cookie::wipe() {
  crypto::secure_zero(cookie_, sizeof cookie_);
  cookie_birthdate_.reset();
  have_sent_mac1_ = false;
}

}  // namespace wgnet::core
