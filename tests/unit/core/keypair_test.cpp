// Keypair rotation (current / previous / next) and validity limits, on their own.
#include <gtest/gtest.h>

#include <set>

#include "core/keypair.hpp"

namespace wgnet::core {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::nanoseconds;

std::unique_ptr<Keypair> make(uint32_t local, bool initiator, Time now = 0s) {
  SessionKeys k;
  k.sending.fill(static_cast<uint8_t>(local));
  k.receiving.fill(static_cast<uint8_t>(local + 1));
  k.local_index = local;
  k.remote_index = local + 1000;
  k.i_am_initiator = initiator;
  return std::make_unique<Keypair>(k, now);
}

struct Discards {
  std::set<uint32_t> gone;
  Keypairs::OnDiscard fn() {
    return [this](const Keypair& kp) { gone.insert(kp.local_index); };
  }
};

TEST(Keypairs, initiator_rotates_current_to_previous) {
  Keypairs kps;
  Discards d;
  kps.install(make(1, true), d.fn());
  kps.install(make(2, true), d.fn());
  EXPECT_EQ(kps.current()->local_index, 2u);
  EXPECT_EQ(kps.previous()->local_index, 1u);
  kps.install(make(3, true), d.fn());
  EXPECT_EQ(kps.previous()->local_index, 2u);
  EXPECT_EQ(d.gone, std::set<uint32_t>{1});
  EXPECT_EQ(kps.find(2)->local_index, 2u);
  EXPECT_EQ(kps.find(1), nullptr);
}

TEST(Keypairs, responder_waits_in_next_until_confirmed) {
  Keypairs kps;
  Discards d;
  kps.install(make(1, true), d.fn());
  kps.install(make(2, false), d.fn());
  EXPECT_EQ(kps.current()->local_index, 1u);  // still sending on the old one
  EXPECT_EQ(kps.next()->local_index, 2u);
  EXPECT_FALSE(kps.received_with(kps.current(), d.fn()));  // old keypair: no change
  EXPECT_TRUE(kps.received_with(kps.next(), d.fn()));
  EXPECT_EQ(kps.current()->local_index, 2u);
  EXPECT_EQ(kps.previous()->local_index, 1u);
  EXPECT_EQ(kps.next(), nullptr);
  // A newer unconfirmed next is replaced by an even newer one, the older one discarded.
  kps.install(make(3, false), d.fn());
  kps.install(make(4, false), d.fn());
  EXPECT_EQ(kps.next()->local_index, 4u);
  EXPECT_TRUE(d.gone.count(3));
  // An initiator session arriving while a next waits keeps that next as previous.
  kps.install(make(5, true), d.fn());
  EXPECT_EQ(kps.current()->local_index, 5u);
  EXPECT_EQ(kps.previous()->local_index, 4u);
  EXPECT_EQ(kps.next(), nullptr);
  kps.clear(d.fn());
  EXPECT_EQ(kps.current(), nullptr);
  EXPECT_EQ(d.gone, (std::set<uint32_t>{1, 2, 3, 4, 5}));
}

TEST(Keypairs, validity_limits) {
  auto kp = make(1, true, 10s);
  EXPECT_TRUE(kp->can_send(10s + REJECT_AFTER_TIME - 1ns));
  EXPECT_FALSE(kp->can_send(10s + REJECT_AFTER_TIME));
  EXPECT_TRUE(kp->can_receive(10s + REJECT_AFTER_TIME - 1ns));
  EXPECT_FALSE(kp->can_receive(10s + REJECT_AFTER_TIME));
  kp->sending_counter = REJECT_AFTER_MESSAGES;
  EXPECT_FALSE(kp->can_send(10s));
  kp->sending_counter = 0;
  kp->sending_disabled = true;
  EXPECT_FALSE(kp->can_send(10s));
  EXPECT_TRUE(kp->can_receive(10s));
}

TEST(Keypairs, aead_contexts_are_mirrored) {
  SessionKeys a;
  a.sending.fill(7);
  a.receiving.fill(9);
  SessionKeys b;
  b.sending = a.receiving;
  b.receiving = a.sending;
  Keypair ka(a, 0s), kb(b, 0s);
  std::vector<uint8_t> msg(64, 0x42), ct(80), pt(64);
  ka.sending.seal(ct, 5, msg);
  EXPECT_TRUE(kb.receiving.open(pt, 5, ct));
  EXPECT_EQ(pt, msg);
  EXPECT_FALSE(kb.receiving.open(pt, 6, ct));  // the counter is the nonce
}

}  // namespace
}  // namespace wgnet::core
