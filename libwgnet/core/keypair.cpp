#include "core/keypair.hpp"

namespace wgnet::core {

Keypair::Keypair(const SessionKeys& keys, std::chrono::nanoseconds now)
    : sending(keys.sending),
      receiving(keys.receiving),
      birthdate(now),
      i_am_initiator(keys.i_am_initiator),
      local_index(keys.local_index),
      remote_index(keys.remote_index) {}

bool Keypair::can_send(std::chrono::nanoseconds now) const {
  return !sending_disabled && now < birthdate + REJECT_AFTER_TIME &&
         sending_counter < REJECT_AFTER_MESSAGES;
}

bool Keypair::can_receive(std::chrono::nanoseconds now) const {
  return now < birthdate + REJECT_AFTER_TIME;
}

Keypair* Keypairs::find(uint32_t local_index) const {
  for (Keypair* kp : {current_.get(), previous_.get(), next_.get()}) {
    if (kp != nullptr && kp->local_index == local_index) return kp;
  }
  return nullptr;
}

void Keypairs::drop(std::unique_ptr<Keypair>& slot, const OnDiscard& discard) {
  if (!slot) return;
  discard(*slot);
  slot.reset();  // AeadContext wipes its key on destruction
}

void Keypairs::install(std::unique_ptr<Keypair> kp, const OnDiscard& discard) {
  if (kp->i_am_initiator) {
    // An unconfirmed next is more recent than current: keep it as previous so in-flight
    // packets on it still decrypt, and drop current instead.
    if (next_) {
      drop(previous_, discard);
      previous_ = std::move(next_);
      drop(current_, discard);
    } else {
      drop(previous_, discard);
      previous_ = std::move(current_);
    }
    current_ = std::move(kp);
  } else {
    drop(next_, discard);
    next_ = std::move(kp);
    drop(previous_, discard);
  }
}

bool Keypairs::received_with(const Keypair* kp, const OnDiscard& discard) {
  if (kp == nullptr || kp != next_.get()) return false;
  drop(previous_, discard);
  previous_ = std::move(current_);
  current_ = std::move(next_);
  return true;
}

void Keypairs::clear(const OnDiscard& discard) {
  drop(current_, discard);
  drop(previous_, discard);
  drop(next_, discard);
}

void Keypairs::expire_sending() {
  if (current_) current_->sending_disabled = true;
  if (next_) next_->sending_disabled = true;
}

}  // namespace wgnet::core
