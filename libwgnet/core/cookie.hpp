// mac1 / mac2 and cookie replies (whitepaper section 5.4.4 and 5.4.7, the Linux driver's
// cookie.c). mac1 proves the sender knows our public key and is checked before any Curve25519
// work; mac2 proves the sender can receive at its source ip:port, and is demanded only while the
// responder is under load.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "core/crypto.hpp"
#include "core/messages.hpp"
#include "wgnet/ip.hpp"

namespace wgnet::core {

using Time = std::chrono::nanoseconds;
using crypto::Key;

// Random bytes from the injected environment.
using RandomFn = std::function<void(std::span<uint8_t>)>;

enum class MacState : uint8_t {
  kInvalidMac,         // mac1 wrong (or message malformed): drop silently
  kValidMacNoCookie,   // mac1 right, mac2 absent or wrong
  kValidMacWithCookie, // mac1 and mac2 right
};

// Our side as responder: validates incoming macs and makes cookie replies. The secret that
// cookies are derived from is replaced after COOKIE_SECRET_MAX_AGE, so a cookie (and any mac2
// made with it) is worth at most two minutes.
class CookieChecker {
 public:
  void init(const Key& our_public_key);

  // `msg` is a whole initiation or response. check_cookie=false skips mac2 (not under load).
  MacState validate(std::span<const uint8_t> msg, const Endpoint& source, Time now,
                    bool check_cookie, const RandomFn& random);

  // A cookie reply to `msg` (a whole initiation or response whose mac1 was valid).
  void create_reply(MessageHandshakeCookie& reply, std::span<const uint8_t> msg,
                    uint32_t receiver_index, const Endpoint& source, Time now,
                    const RandomFn& random);

  void wipe();

 private:
  void make_cookie(uint8_t cookie[COOKIE_LEN], const Endpoint& source, Time now,
                   const RandomFn& random);

  Key message_mac1_key_{};
  Key message_cookie_key_{};
  Key secret_{};
  std::optional<Time> secret_birthdate_;
};

// Our side as initiator, per peer: adds macs to what we send and keeps the latest cookie the
// peer gave us.
class Cookie {
 public:
  // Initiator stops using a cookie once it is this old: the responder may already have rotated
  // its secret (kernel: COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY = 115 s).
  static constexpr Time COOKIE_VALIDITY = COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY;

  void init(const Key& peer_public_key);

  // Writes mac1 (and mac2 when we hold a fresh cookie) into the tail of `msg`.
  void add_macs(std::span<uint8_t> msg, Time now);

  // Accepts a cookie reply only if it answers the last mac1 we sent and that mac1 was not
  // already answered; returns false (cookie unchanged) otherwise.
  bool consume_reply(const MessageHandshakeCookie& reply, Time now);

  bool has_valid_cookie(Time now) const;
  void wipe();

 private:
  Key message_mac1_key_{};
  Key message_cookie_key_{};
  uint8_t cookie_[COOKIE_LEN]{};
  std::optional<Time> cookie_birthdate_;
  uint8_t last_mac1_sent_[COOKIE_LEN]{};
  bool have_sent_mac1_ = false;
};

}  // namespace wgnet::core
