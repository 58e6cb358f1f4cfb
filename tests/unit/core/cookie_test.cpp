// TESTPLAN C: mac1/mac2, cookie replies, under-load behaviour.
#include <gtest/gtest.h>

#include <cstring>

#include "core/cookie.hpp"
#include "core/handshake_load.hpp"
#include "sim.hpp"

namespace wgnet::core {
namespace {

using namespace sim;

bool has_session(Sim& s, size_t i, size_t j) {
  return s.nodes[i].dev->peers()[Sim::peer_of(i, j)].has_session;
}

TEST(Cookie, C1_cookie_under_load_reply) {
  Sim s;
  s.create_all();
  s.nodes[1].impl().force_under_load(true);
  s.cut = true;
  s.start(0);
  const auto init = s.log[0].bytes;
  s.inject(1, init, s.nodes[0].v4);
  const auto replies = s.sent_of(MESSAGE_HANDSHAKE_COOKIE, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0]->bytes.size(), 64u);
  EXPECT_EQ(replies[0]->to, s.nodes[0].v4);
  EXPECT_EQ(s.log.size(), 2u);  // nothing else from the responder
  // No handshake state was allocated.
  EXPECT_EQ(s.nodes[1].impl().index_table_size(), 0u);
  EXPECT_EQ(s.nodes[1].impl().peer(0).handshake.state, HandshakeState::kZeroed);
  EXPECT_FALSE(s.nodes[1].impl().peer(0).keypairs.next());
}

TEST(Cookie, C2_cookie_retry_completes) {
  Sim s;
  s.create_all();
  s.nodes[1].impl().force_under_load(true);
  s.send_ip(0, 1, 30);  // no start(): only the normal retransmit cadence
  s.run_for(1s);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0), 1u);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_COOKIE, 1), 1u);
  EXPECT_TRUE(s.nodes[0].impl().peer(0).cookie.has_valid_cookie(s.now));
  s.run_for(5s);
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_EQ(inits.size(), 2u);  // no extra immediate retransmit after the cookie
  EXPECT_GE(inits[1]->at - inits[0]->at, REKEY_TIMEOUT);
  // The retransmit carries a nonzero mac2, and the responder accepted it.
  const auto& b = inits[1]->bytes;
  EXPECT_FALSE(std::all_of(b.begin() + 132, b.end(), [](uint8_t x) { return x == 0; }));
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_COOKIE, 1), 1u);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 1u);
  EXPECT_TRUE(has_session(s, 0, 1));
  ASSERT_EQ(s.nodes[1].sink->delivered.size(), 1u);  // the staged packet went through
}

// A 148-byte initiation-shaped message with distinct content per `fill`.
std::vector<uint8_t> fake_initiation(uint8_t fill) {
  std::vector<uint8_t> m(MESSAGE_INITIATION_LEN, fill);
  m[0] = MESSAGE_HANDSHAKE_INITIATION;
  m[1] = m[2] = m[3] = 0;
  return m;
}

struct CookiePair {
  Time now{0};
  FakeEnv env{99, &now};
  Key responder_pub = public_of(key_from_seed(5));
  CookieChecker checker;
  Cookie cookie;
  RandomFn rnd = [this](std::span<uint8_t> o) { env.random_bytes(o); };
  Endpoint a{IpAddress::v4(198, 18, 0, 1), 1000};
  Endpoint b{IpAddress::v4(198, 18, 0, 2), 1000};
  CookiePair() {
    checker.init(responder_pub);
    cookie.init(responder_pub);
  }
  MessageHandshakeCookie reply_for(const std::vector<uint8_t>& msg, const Endpoint& src) {
    MessageHandshakeCookie r;
    checker.create_reply(r, msg, 7, src, now, rnd);
    return r;
  }
};

TEST(Cookie, C3_cookie_reply_validation) {
  CookiePair p;
  auto msg = fake_initiation(1);
  p.cookie.add_macs(msg, p.now);
  ASSERT_EQ(p.checker.validate(msg, p.a, p.now, false, p.rnd), MacState::kValidMacNoCookie);

  // Wrong AD: a reply made for another message's mac1.
  auto other = fake_initiation(2);
  Cookie other_cookie;
  other_cookie.init(p.responder_pub);
  other_cookie.add_macs(other, p.now);
  EXPECT_FALSE(p.cookie.consume_reply(p.reply_for(other, p.a), p.now));
  // Random bytes of the right type and size.
  MessageHandshakeCookie junk;
  p.env.random_bytes({reinterpret_cast<uint8_t*>(&junk), sizeof junk});
  junk.header = make_header(MESSAGE_HANDSHAKE_COOKIE);
  EXPECT_FALSE(p.cookie.consume_reply(junk, p.now));
  EXPECT_FALSE(p.cookie.has_valid_cookie(p.now));

  // The genuine reply is taken; a second one for the same mac1 (here: for another source, so
  // with a different cookie) is not, and the stored cookie stays the first.
  EXPECT_TRUE(p.cookie.consume_reply(p.reply_for(msg, p.a), p.now));
  EXPECT_FALSE(p.cookie.consume_reply(p.reply_for(msg, p.b), p.now));
  auto next = fake_initiation(3);
  p.cookie.add_macs(next, p.now);
  EXPECT_EQ(p.checker.validate(next, p.a, p.now, true, p.rnd), MacState::kValidMacWithCookie);
  EXPECT_EQ(p.checker.validate(next, p.b, p.now, true, p.rnd), MacState::kValidMacNoCookie);

  // Device level: a cookie reply naming an index nobody has is dropped.
  Sim s;
  s.create_all();
  std::vector<uint8_t> bogus(64, 0x5a);
  bogus[0] = 3;
  bogus[1] = bogus[2] = bogus[3] = 0;
  s.inject(0, bogus, s.nodes[1].v4);
  EXPECT_TRUE(s.nodes[0].saw_drop("cookie reply for unknown index"));
  EXPECT_TRUE(s.log.empty());
}

TEST(Cookie, C4_cookie_lifetimes) {
  CookiePair p;
  auto msg = fake_initiation(1);
  p.cookie.add_macs(msg, p.now);
  ASSERT_TRUE(p.cookie.consume_reply(p.reply_for(msg, p.a), p.now));
  auto mac2_zero = [](const std::vector<uint8_t>& m) {
    return std::all_of(m.end() - 16, m.end(), [](uint8_t x) { return x == 0; });
  };
  // Initiator: uses the cookie up to 115 s (COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY).
  const Time t0 = p.now;
  p.now = t0 + 114s;
  auto m1 = fake_initiation(2);
  p.cookie.add_macs(m1, p.now);
  EXPECT_FALSE(mac2_zero(m1));
  EXPECT_EQ(p.checker.validate(m1, p.a, p.now, true, p.rnd), MacState::kValidMacWithCookie);
  p.now = t0 + 115s;
  auto m2 = fake_initiation(3);
  p.cookie.add_macs(m2, p.now);
  EXPECT_TRUE(mac2_zero(m2));
  // Responder: the secret rotates at 120 s, so a mac2 made with the old cookie fails after.
  p.now = t0 + 119s;
  EXPECT_EQ(p.checker.validate(m1, p.a, p.now, true, p.rnd), MacState::kValidMacWithCookie);
  p.now = t0 + 120s;
  EXPECT_EQ(p.checker.validate(m1, p.a, p.now, true, p.rnd), MacState::kValidMacNoCookie);
}

TEST(Cookie, C5_cookie_bound_to_src) {
  Sim s;
  s.create_all();
  s.nodes[1].impl().force_under_load(true);
  s.send_ip(0, 1);
  s.run_for(1s);  // node 0 now holds a cookie for its address A
  ASSERT_TRUE(s.nodes[0].impl().peer(0).cookie.has_valid_cookie(s.now));
  s.cut = true;
  s.run_for(5s);  // the retransmit, with mac2 for A
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_EQ(inits.size(), 2u);
  const Endpoint other{IpAddress::v4(198, 18, 0, 77), 4444};
  const size_t replies = s.count(MESSAGE_HANDSHAKE_COOKIE, 1);
  s.inject(1, inits[1]->bytes, other);
  const auto after = s.sent_of(MESSAGE_HANDSHAKE_COOKIE, 1);
  ASSERT_EQ(after.size(), replies + 1);
  EXPECT_EQ(after.back()->to, other);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 0u);
  // From A itself the same message is accepted.
  s.inject(1, inits[1]->bytes, s.nodes[0].v4);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 1u);
}

TEST(Cookie, C7_underload_hysteresis) {
  HandshakeLoad load;
  Time t{0};
  for (size_t i = 0; i < HANDSHAKE_LOAD_THRESHOLD; ++i) {
    load.record(t);
    t += 10ms;
  }
  EXPECT_FALSE(load.under_load(t));  // exactly the threshold is not "more than"
  load.record(t);
  EXPECT_TRUE(load.under_load(t));
  const Time last = t;
  EXPECT_TRUE(load.under_load(last + 999ms));
  EXPECT_FALSE(load.under_load(last + 1000ms));
  // Spread-out arrivals never count as load.
  HandshakeLoad slow;
  for (int i = 0; i < 100; ++i) slow.record(Time(i * 100ms));
  EXPECT_FALSE(slow.under_load(Time(100 * 100ms)));
  // Through the device: a burst of (even unauthenticated) handshake messages.
  Sim s;
  s.create_all();
  auto junk = fake_initiation(9);
  for (size_t i = 0; i <= HANDSHAKE_LOAD_THRESHOLD; ++i) {
    s.inject(1, junk, s.nodes[0].v4);
    s.run_for(5ms);
  }
  EXPECT_TRUE(s.nodes[1].impl().under_load(s.now));
  s.run_for(990ms);
  EXPECT_TRUE(s.nodes[1].impl().under_load(s.now));
  s.run_for(20ms);
  EXPECT_FALSE(s.nodes[1].impl().under_load(s.now));
  EXPECT_TRUE(s.log.empty());  // bad mac1: never a cookie reply
}

TEST(Cookie, C8_hs_7_message_under_load) {
  Sim s;
  s.create_all();
  s.nodes[0].impl().force_under_load(true);
  s.nodes[1].impl().force_under_load(true);
  s.send_ip(0, 1, 12);
  s.run_for(20s);
  EXPECT_TRUE(has_session(s, 0, 1));
  EXPECT_TRUE(has_session(s, 1, 0));
  EXPECT_GE(s.count(MESSAGE_HANDSHAKE_COOKIE, 0), 1u);  // cookies in both directions
  EXPECT_GE(s.count(MESSAGE_HANDSHAKE_COOKIE, 1), 1u);
  Peer& a = s.nodes[0].impl().peer(0);
  Peer& b = s.nodes[1].impl().peer(0);
  EXPECT_EQ(a.keypairs.current()->remote_index, b.keypairs.current()->local_index);
  EXPECT_EQ(b.keypairs.current()->remote_index, a.keypairs.current()->local_index);
  ASSERT_EQ(s.nodes[1].sink->delivered.size(), 1u);
  EXPECT_EQ(s.nodes[1].sink->delivered[0], ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, 12));
}

}  // namespace
}  // namespace wgnet::core
