// Transport keypairs and their rotation (the Linux driver's noise_keypair / noise_keypairs).
// A peer holds up to three: `current` (used for sending), `previous` (still accepted while the
// peer may send on it), and `next` (a responder's fresh keypair, not used for sending until the
// initiator proves it has it by sending on it: key confirmation).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/crypto.hpp"
#include "core/messages.hpp"
#include "core/noise.hpp"
#include "core/replay_window.hpp"

namespace wgnet::core {

struct Keypair {
  // Builds both AEAD contexts (reused for every packet) from the session keys.
  Keypair(const SessionKeys& keys, std::chrono::nanoseconds now);

  crypto::AeadContext sending;
  crypto::AeadContext receiving;
  uint64_t sending_counter = 0;
  ReplayWindow receiving_window;
  std::chrono::nanoseconds birthdate;
  bool i_am_initiator;
  uint32_t local_index;
  uint32_t remote_index;
  bool sending_disabled = false;  // set when the keys are expired early (private key change)

  // Usable for sending: younger than REJECT_AFTER_TIME and nonces left.
  bool can_send(std::chrono::nanoseconds now) const;
  // Accepts packets: younger than REJECT_AFTER_TIME.
  bool can_receive(std::chrono::nanoseconds now) const;
};

class Keypairs {
 public:
  // Called with each keypair being dropped, before it is destroyed (to unregister its index).
  using OnDiscard = std::function<void(const Keypair&)>;

  Keypair* current() const { return current_.get(); }
  Keypair* previous() const { return previous_.get(); }
  Keypair* next() const { return next_.get(); }
  // The keypair registered under our `local_index`, if this peer has it.
  Keypair* find(uint32_t local_index) const;

  // Places a freshly derived keypair: an initiator's becomes current at once; a responder's
  // waits in `next` for key confirmation (driver: add_new_keypair).
  void install(std::unique_ptr<Keypair> kp, const OnDiscard& discard);
  // Called after a packet on `kp` authenticated and passed the replay check. Returns true when
  // this confirmed `next`, which then became current (driver: received_with_keypair).
  bool received_with(const Keypair* kp, const OnDiscard& discard);
  void clear(const OnDiscard& discard);
  // Stops sending on current and next (a re-handshake is needed), as after a key change.
  void expire_sending();

 private:
  void drop(std::unique_ptr<Keypair>& slot, const OnDiscard& discard);

  std::unique_ptr<Keypair> current_;
  std::unique_ptr<Keypair> previous_;
  std::unique_ptr<Keypair> next_;
};

}  // namespace wgnet::core
