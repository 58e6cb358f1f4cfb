// TESTPLAN B: the handshake, driven through the Device in the simulator.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "core/tai64n.hpp"
#include "sim.hpp"

namespace wgnet::core {
namespace {

using namespace sim;

bool has_session(Sim& s, size_t i, size_t j) {
  return s.nodes[i].dev->peers()[Sim::peer_of(i, j)].has_session;
}

// Sends one packet each way and checks both arrive intact.
void expect_connectivity(Sim& s, size_t a, size_t b) {
  const size_t da = s.nodes[a].sink->delivered.size(), db = s.nodes[b].sink->delivered.size();
  s.send_ip(a, b, 77);
  s.send_ip(b, a, 55);
  s.run_for(200ms);
  ASSERT_EQ(s.nodes[b].sink->delivered.size(), db + 1);
  ASSERT_EQ(s.nodes[a].sink->delivered.size(), da + 1);
  EXPECT_EQ(s.nodes[b].sink->delivered.back(),
            ipv4_packet(s.nodes[a].inner4, s.nodes[b].inner4, 77));
  EXPECT_EQ(s.nodes[a].sink->delivered.back(),
            ipv4_packet(s.nodes[b].inner4, s.nodes[a].inner4, 55));
}

TEST(Handshake, B1_flow_and_sizes) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(1s);
  ASSERT_GE(s.log.size(), 3u);
  EXPECT_EQ(s.log[0].type(), MESSAGE_HANDSHAKE_INITIATION);
  EXPECT_EQ(s.log[0].bytes.size(), 148u);
  EXPECT_EQ(s.log[0].from_node, 0u);
  EXPECT_EQ(s.log[1].type(), MESSAGE_HANDSHAKE_RESPONSE);
  EXPECT_EQ(s.log[1].bytes.size(), 92u);
  EXPECT_EQ(s.log[1].from_node, 1u);
  EXPECT_EQ(s.log[2].type(), MESSAGE_DATA);
  EXPECT_EQ(s.log[2].bytes.size(), 32u);  // keepalive confirming the keys
  EXPECT_EQ(s.log[2].from_node, 0u);
  EXPECT_EQ(s.log.size(), 3u);  // no start-up retries once the session is up
  // Mirrored keys: the initiator's sending key is the responder's receiving key and back.
  Peer& a = s.nodes[0].impl().peer(0);
  Peer& b = s.nodes[1].impl().peer(0);
  ASSERT_NE(a.keypairs.current(), nullptr);
  ASSERT_NE(b.keypairs.current(), nullptr);
  EXPECT_EQ(a.keypairs.current()->remote_index, b.keypairs.current()->local_index);
  EXPECT_EQ(b.keypairs.current()->remote_index, a.keypairs.current()->local_index);
  EXPECT_TRUE(a.keypairs.current()->i_am_initiator);
  EXPECT_FALSE(b.keypairs.current()->i_am_initiator);
  expect_connectivity(s, 0, 1);
  EXPECT_EQ(s.nodes[0].count_events(EventKind::kHandshakeComplete), 1u);
  EXPECT_EQ(s.nodes[1].count_events(EventKind::kHandshakeComplete), 1u);
}

TEST(Handshake, B2_psk_match_mismatch) {
  Key psk{};
  psk.fill(7);
  {
    Sim s;
    for (size_t i = 0; i < 2; ++i) {
      auto c = s.config(i);
      c.peers[0].preshared_key = psk;
      s.create(i, c);
    }
    s.start(0);
    s.run_for(100ms);
    expect_connectivity(s, 0, 1);
  }
  Sim s;
  auto c0 = s.config(0);
  c0.peers[0].preshared_key = psk;
  s.create(0, c0);
  s.create(1, s.config(1));  // no psk on the other side
  s.start(0);
  s.run_for(4s);  // before the first retransmit
  EXPECT_TRUE(s.nodes[0].saw_drop("handshake response did not authenticate"));
  EXPECT_FALSE(has_session(s, 0, 1));
  EXPECT_FALSE(has_session(s, 1, 0));
  // The responder answered each initiation once and sent nothing else.
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), s.count(MESSAGE_HANDSHAKE_INITIATION, 0));
  EXPECT_EQ(s.count(MESSAGE_DATA, 1), 0u);
  EXPECT_EQ(s.count(MESSAGE_DATA, 0), 0u);
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
}

TEST(Handshake, B3_unknown_static_silent) {
  Sim s(3);
  auto c1 = s.config(1);
  c1.peers.pop_back();  // node 1 does not know node 2
  s.create(1, c1);
  s.create(2, s.config(2));
  const size_t before = s.nodes[1].impl().index_table_size();
  s.start(2);
  s.run_for(200ms);
  EXPECT_GE(s.count(MESSAGE_HANDSHAKE_INITIATION, 2), 1u);
  EXPECT_EQ(s.log.size(), s.count(MESSAGE_HANDSHAKE_INITIATION, 2));  // node 1 said nothing
  EXPECT_TRUE(s.nodes[1].saw_drop("handshake from unknown peer"));
  EXPECT_EQ(s.nodes[1].impl().index_table_size(), before);
  EXPECT_EQ(s.nodes[1].impl().peer(0).handshake.state, HandshakeState::kZeroed);
}

TEST(Handshake, B4_replay_initiation) {
  Sim s;
  s.create_all();
  s.cut = true;
  s.start(0);
  ASSERT_EQ(s.log.size(), 1u);
  const auto init = s.log[0].bytes;
  s.inject(1, init, s.nodes[0].v4);
  s.run_for(25ms);
  s.inject(1, init, s.nodes[0].v4);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 1u);
  EXPECT_TRUE(s.nodes[1].saw_drop("handshake replay"));
}

// Builds a valid initiation from node 0 to node 1 with a chosen timestamp.
std::vector<uint8_t> initiation_with_stamp(Sim& s, const Tai64n& stamp, uint32_t index) {
  DeviceImpl& a = s.nodes[0].impl();
  Peer& p = a.peer(0);
  MessageHandshakeInitiation msg;
  Key eph = key_from_seed(index);
  EXPECT_TRUE(create_initiation(msg, p.handshake, a.identity(), eph, stamp, index));
  auto* b = reinterpret_cast<uint8_t*>(&msg);
  p.cookie.add_macs({b, sizeof msg}, s.now);
  return {b, b + sizeof msg};
}

TEST(Handshake, B5_flood_per_peer) {
  Sim s;
  s.create_all();
  const auto t0 = std::chrono::seconds(1'700'000'000);
  s.inject(1, initiation_with_stamp(s, tai64n_from_wall(t0), 1), s.nodes[0].v4);
  s.run_for(10ms);
  s.inject(1, initiation_with_stamp(s, tai64n_from_wall(t0 + 1s), 2), s.nodes[0].v4);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 1u);
  EXPECT_TRUE(s.nodes[1].saw_drop("handshake flood"));
  s.run_for(25ms);
  s.inject(1, initiation_with_stamp(s, tai64n_from_wall(t0 + 2s), 3), s.nodes[0].v4);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 2u);
}

TEST(Handshake, B6_mac1_first) {
  Sim s;
  s.create_all();
  s.cut = true;
  s.start(0);
  const auto init = s.log[0].bytes;
  s.inject(1, init, s.nodes[0].v4);  // a real one, to capture a response too
  ASSERT_EQ(s.count(MESSAGE_HANDSHAKE_RESPONSE, 1), 1u);
  const auto resp = s.sent_of(MESSAGE_HANDSHAKE_RESPONSE, 1)[0]->bytes;
  const size_t sent_before = s.log.size();
  for (const auto& [msg, mac1_at] : {std::pair{init, size_t{116}}, std::pair{resp, size_t{60}}}) {
    for (size_t i = 0; i < mac1_at; ++i) {
      auto bad = msg;
      bad[i] ^= 0x01;
      const uint64_t ops = x25519_operation_count();
      s.inject(1, bad, s.nodes[0].v4);
      s.inject(0, bad, s.nodes[1].v4);
      EXPECT_EQ(x25519_operation_count(), ops) << "byte " << i;
    }
  }
  EXPECT_EQ(s.log.size(), sent_before);
  EXPECT_TRUE(s.nodes[1].saw_drop("bad mac1"));
  // The counter does count: a genuine (fresh) initiation costs curve operations.
  s.run_for(1s);
  const uint64_t ops = x25519_operation_count();
  s.cut = false;
  s.nodes[0].impl().peer(0).last_sent_handshake.reset();
  s.send_ip(0, 1);
  s.run_for(100ms);
  EXPECT_GT(x25519_operation_count(), ops);
}

TEST(Handshake, B7_malformed) {
  Sim s;
  s.create_all();
  s.cut = true;
  s.start(0);
  const auto init = s.log[0].bytes;
  s.inject(1, init, s.nodes[0].v4);
  const auto resp = s.sent_of(MESSAGE_HANDSHAKE_RESPONSE, 1)[0]->bytes;
  std::vector<uint8_t> cookie(64, 0);
  cookie[0] = 3;
  std::vector<uint8_t> data(32, 0);
  data[0] = 4;
  const size_t sent_before = s.log.size();
  const size_t idx0 = s.nodes[0].impl().index_table_size();
  const size_t idx1 = s.nodes[1].impl().index_table_size();
  std::vector<std::vector<uint8_t>> bad;
  for (const auto& m : {init, resp, cookie, data}) {
    auto shorter = m;
    shorter.pop_back();
    auto longer = m;
    longer.push_back(0);
    bad.push_back(shorter);
    if (m[0] != MESSAGE_DATA) bad.push_back(longer);
    for (size_t r = 1; r < 4; ++r) {
      auto reserved = m;
      reserved[r] = 1;
      bad.push_back(reserved);
    }
  }
  for (int t : {0, 5, 6, 100, 255}) {
    auto m = init;
    m[0] = static_cast<uint8_t>(t);
    bad.push_back(m);
  }
  for (size_t n = 0; n < 4; ++n) bad.push_back(std::vector<uint8_t>(n, 1));
  for (const auto& m : bad) {
    s.inject(0, m, s.nodes[1].v4);
    s.inject(1, m, s.nodes[0].v4);
  }
  EXPECT_EQ(s.log.size(), sent_before);
  EXPECT_EQ(s.nodes[0].impl().index_table_size(), idx0);
  EXPECT_EQ(s.nodes[1].impl().index_table_size(), idx1);
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
  EXPECT_TRUE(s.nodes[1].saw_drop("malformed handshake initiation"));
  EXPECT_TRUE(s.nodes[1].saw_drop("unknown message type"));
  EXPECT_TRUE(s.nodes[1].saw_drop("datagram too short"));
}

TEST(Handshake, B8_simultaneous) {
  Sim s;
  s.create_all();
  s.start(0);
  s.start(1);
  s.run_for(REKEY_TIMEOUT + REKEY_TIMEOUT_JITTER_MAX + 2 * s.delay + 1ms);
  EXPECT_TRUE(has_session(s, 0, 1));
  EXPECT_TRUE(has_session(s, 1, 0));
  expect_connectivity(s, 0, 1);
}

TEST(Handshake, B8_simultaneous_many_seeds) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Sim s(2, seed);
    s.create_all();
    s.start(0);
    s.start(1);
    s.run_for(3 * s.delay + 1ms);  // one RTT, plus the keepalive that confirms the keys
    EXPECT_TRUE(has_session(s, 0, 1)) << "seed " << seed;
    EXPECT_TRUE(has_session(s, 1, 0)) << "seed " << seed;
    expect_connectivity(s, 0, 1);
  }
}

// The tie-break must not lock out a peer whose initiations reach us while ours go astray.
TEST(Handshake, B8_simultaneous_with_stale_endpoint_accepts_theirs) {
  Sim s;
  // The node with the lower public key is the one that would keep its own initiation.
  const size_t low = s.nodes[0].public_key < s.nodes[1].public_key ? 0 : 1;
  const size_t high = 1 - low;
  auto cl = s.config(low);
  cl.peers[0].endpoints = {Endpoint{IpAddress::v4(198, 18, 9, 9), 1}};  // dead
  s.create(low, cl);
  s.create(high, s.config(high));
  s.start(low);
  s.start(high);
  s.run_for(100ms);
  EXPECT_TRUE(has_session(s, low, high));
  EXPECT_TRUE(has_session(s, high, low));
  EXPECT_EQ(s.nodes[low].dev->peers()[0].endpoint, s.nodes[high].v4);  // learned by roaming
  expect_connectivity(s, 0, 1);
}

// A peer that starts after us: the lower-key side L started first and its initiations went to a
// port where nothing listened yet; then H starts and initiates. The tie-break makes L ignore H's
// initiation while its own is < REKEY_TIMEOUT old, and H never got L's. L must not leave it to
// its next retransmit (up to ~5 s): it sends its initiation once more at once, and H answers it.
// Returns how long after the second start both ends had a session (Time::max() if not in 10 s).
Time late_start_convergence(Sim& s, size_t first, size_t second, Time gap) {
  s.create(first, s.config(first));
  s.start(first);
  s.run_for(gap);  // `second` not created yet: datagrams to it are lost
  s.create(second, s.config(second));
  s.start(second);
  const Time started = s.now;
  while (s.now < started + 10s) {
    if (has_session(s, first, second) && has_session(s, second, first)) return s.now - started;
    s.run_for(1ms);
  }
  return Time::max();
}

// Converged on one session: each end's current keypair is the other's.
void expect_one_session(Sim& s, size_t a, size_t b) {
  const Keypair* ka = s.nodes[a].impl().peer(Sim::peer_of(a, b)).keypairs.current();
  const Keypair* kb = s.nodes[b].impl().peer(Sim::peer_of(b, a)).keypairs.current();
  ASSERT_NE(ka, nullptr);
  ASSERT_NE(kb, nullptr);
  EXPECT_EQ(ka->remote_index, kb->local_index);
  EXPECT_EQ(kb->remote_index, ka->local_index);
}

TEST(Handshake, B8_lower_key_started_first_peer_starts_later) {
  for (const Time gap : {Time(200ms), Time(1s), Time(3s), Time(5800ms)}) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      Sim s(2, seed);
      const size_t low = s.nodes[0].public_key < s.nodes[1].public_key ? 0 : 1;
      const size_t high = 1 - low;
      const Time t = late_start_convergence(s, low, high, gap);
      // H's initiation to L, L's again to H, H's response: 3 one-way delays, then L's keepalive.
      EXPECT_LE(t, 4 * s.delay) << "gap " << gap.count() << " seed " << seed;
      expect_one_session(s, low, high);
      expect_connectivity(s, low, high);
      // Still one session after H's remaining start-up retries and a while of traffic.
      s.run_for(20s);
      expect_one_session(s, low, high);
      expect_connectivity(s, low, high);
      // Each of L's initiations went out at most twice (its own, and the one copy).
      std::map<std::vector<uint8_t>, int> copies;
      for (const Sent* x : s.sent_of(MESSAGE_HANDSHAKE_INITIATION, low)) {
        EXPECT_LE(++copies[x->bytes], 2) << "gap " << gap.count() << " seed " << seed;
      }
      // L's start-up retries (the last at 750 ms) all went before H came, and were still
      // < REKEY_TIMEOUT old when H's initiation arrived: the tie-break (and the copy) ran.
      if (gap >= 1s && gap < REKEY_TIMEOUT) {
        EXPECT_TRUE(s.nodes[low].saw_drop("simultaneous initiation: keeping ours"));
      }
    }
  }
}

TEST(Handshake, B8_higher_key_started_first_peer_starts_later) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Sim s(2, seed);
    const size_t low = s.nodes[0].public_key < s.nodes[1].public_key ? 0 : 1;
    const size_t high = 1 - low;
    const Time t = late_start_convergence(s, high, low, 1s);
    EXPECT_LE(t, 3 * s.delay) << "seed " << seed;  // L's initiation, H's response, L's keepalive
    expect_one_session(s, low, high);
    expect_connectivity(s, low, high);
  }
}

// The copy goes once per initiation of ours, however many of the peer's arrive (or are replayed).
TEST(Handshake, B8_tie_break_copy_once_per_initiation) {
  Sim s;
  const size_t low = s.nodes[0].public_key < s.nodes[1].public_key ? 0 : 1;
  const size_t high = 1 - low;
  s.create_all();
  s.cut = true;  // nothing arrives but what the test injects
  s.start(low);
  s.start(high);
  const auto theirs = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, high).front()->bytes;
  for (int i = 0; i < 3; ++i) s.inject(low, theirs, s.nodes[high].v4);
  auto ours = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, low);
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[1]->bytes, ours[0]->bytes);  // the same initiation, not a fresh one
  s.run_for(60ms);                            // L's first start-up retry: a new initiation
  for (int i = 0; i < 3; ++i) s.inject(low, theirs, s.nodes[high].v4);
  ours = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, low);
  ASSERT_EQ(ours.size(), 4u);
  EXPECT_NE(ours[2]->bytes, ours[0]->bytes);
  EXPECT_EQ(ours[3]->bytes, ours[2]->bytes);
}

TEST(Handshake, B9_sender_ratelimit) {
  Sim s;
  s.create_all();
  s.cut = true;
  // Data every 50 ms, and the timers, for 12 s: initiations at most once per REKEY_TIMEOUT.
  for (int i = 0; i < 240; ++i) {
    s.send_ip(0, 1);
    s.run_for(50ms);
  }
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_GE(inits.size(), 2u);
  EXPECT_LE(inits.size(), 3u);
  for (size_t i = 1; i < inits.size(); ++i) EXPECT_GE(inits[i]->at - inits[i - 1]->at, REKEY_TIMEOUT);
}

TEST(Handshake, B10_low_order_peer) {
  const char* low_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  Sim s;
  DeviceConfig c;
  c.private_key = s.nodes[0].private_key;
  for (size_t i = 0; i < std::size(low_order); ++i) {
    DeviceConfig::Peer p;
    for (size_t b = 0; b < 32; ++b) {
      p.public_key[b] = static_cast<uint8_t>(std::stoi(std::string(low_order[i] + 2 * b, 2), nullptr, 16));
    }
    p.endpoints = {s.nodes[1].v4};
    p.persistent_keepalive = 1;
    p.allowed_ips = {IpPrefix{IpAddress::v4(10, 1, static_cast<uint8_t>(i), 0), 24}};
    c.peers.push_back(p);
  }
  s.create(0, c);
  s.start(0);
  for (uint8_t i = 0; i < std::size(low_order); ++i) {
    auto pkt = ipv4_packet(s.nodes[0].inner4, IpAddress::v4(10, 1, i, 1), 10);
    s.nodes[0].dev->send_ip(pkt, s.now, *s.nodes[0].sink);
  }
  s.run_for(2s);
  EXPECT_TRUE(s.log.empty());
  for (const auto& st : s.nodes[0].dev->peers()) EXPECT_FALSE(st.has_session);
}

TEST(Handshake, B11_self_peer) {
  Sim s;
  auto c = s.config(0);
  c.peers[0].public_key = s.nodes[0].public_key;
  std::string err;
  EXPECT_EQ(Device::create(c, *s.nodes[0].env, &err), nullptr);
  EXPECT_NE(err.find("own public key"), std::string::npos) << err;
  // Changing our key to a peer's key disables that peer: it sends nothing any more.
  s.create_all();
  s.start(0);
  s.run_for(100ms);
  ASSERT_TRUE(has_session(s, 0, 1));
  const size_t sent = s.log.size();
  const Time t = s.now;
  s.nodes[0].dev->set_private_key(s.nodes[1].private_key, s.now, *s.nodes[0].sink);
  s.send_ip(0, 1);
  s.run_for(30s);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0, t), 0u);
  for (size_t i = sent; i < s.log.size(); ++i) EXPECT_NE(s.log[i].from_node, 0u);
  EXPECT_FALSE(has_session(s, 0, 1));
}

TEST(Handshake, B12_privkey_change) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(1s);
  ASSERT_TRUE(has_session(s, 0, 1));
  // "Change" to the same key (the peer could not follow a different one without a config
  // change): all sessions must be dropped and re-made at once.
  const Time t = s.now;
  s.nodes[0].dev->set_private_key(s.nodes[0].private_key, s.now, *s.nodes[0].sink);
  EXPECT_FALSE(has_session(s, 0, 1));
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0, t), 1u);  // immediately
  s.send_ip(0, 1, 40);
  s.run_for(REKEY_TIMEOUT - 1s);
  EXPECT_TRUE(has_session(s, 0, 1));
  ASSERT_FALSE(s.nodes[1].sink->delivered.empty());
  EXPECT_EQ(s.nodes[1].sink->delivered.back(), ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, 40));
}

TEST(Handshake, B13_tai64n) {
  const Tai64n zero = tai64n_from_wall(Time(0));
  EXPECT_EQ(zero, (Tai64n{0x40, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0}));
  // A wall time on a 2^24 ns boundary, so +10 ms stays in the same bucket.
  const Time t = std::chrono::seconds(1'700'000'000) + Time(uint64_t{TAI64N_NSEC_ROUNDING} * 3);
  const Tai64n a = tai64n_from_wall(t);
  const Tai64n b = tai64n_from_wall(t + 10ms);
  const Tai64n c = tai64n_from_wall(t + 20ms);
  const uint32_t nsec = uint32_t{a[8]} << 24 | uint32_t{a[9]} << 16 | uint32_t{a[10]} << 8 | a[11];
  EXPECT_EQ(nsec % TAI64N_NSEC_ROUNDING, 0u);
  EXPECT_EQ(nsec, TAI64N_NSEC_ROUNDING * 3);
  EXPECT_FALSE(tai64n_after(b, a));
  EXPECT_TRUE(tai64n_after(c, a));
  for (Time x = t; x < t + 2s; x += 1ms) {
    const Tai64n s = tai64n_from_wall(x);
    const uint32_t ns = uint32_t{s[8]} << 24 | uint32_t{s[9]} << 16 | uint32_t{s[10]} << 8 | s[11];
    ASSERT_EQ(ns % TAI64N_NSEC_ROUNDING, 0u);
  }
  // Our own stamps never decrease, even when the wall clock steps back.
  Tai64nClock clock;
  const Tai64n s1 = clock.stamp(t + 1s);
  const Tai64n s2 = clock.stamp(t - 1h);
  EXPECT_FALSE(tai64n_after(s1, s2));
  EXPECT_EQ(s1, s2);
  EXPECT_TRUE(tai64n_after(clock.stamp(t + 2s), s1));
}

TEST(Handshake, startup_retries_beat_a_dropped_first_initiation) {
  Sim s;
  s.create_all();
  int dropped = 0;
  // The peer drops the first initiation (as if it came < 20 ms after a previous process's).
  s.drop_if = [&](const Sent& x) {
    return x.type() == MESSAGE_HANDSHAKE_INITIATION && x.from_node == 0 && dropped++ == 0;
  };
  s.start(0);
  s.run_for(1s);
  EXPECT_TRUE(has_session(s, 0, 1));
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_EQ(inits.size(), 2u);  // the dropped one and the 50 ms retry, which succeeded
  EXPECT_EQ(inits[1]->at - inits[0]->at, 50ms);
  // Each retry is a fresh initiation (new ephemeral).
  EXPECT_NE(std::vector<uint8_t>(inits[0]->bytes.begin() + 8, inits[0]->bytes.begin() + 40),
            std::vector<uint8_t>(inits[1]->bytes.begin() + 8, inits[1]->bytes.begin() + 40));
}

TEST(Handshake, startup_retries_then_rekey_timeout_cadence) {
  Sim s;
  s.create_all();
  s.cut = true;
  s.start(0);
  s.run_for(11500ms);  // the 7th is due in [10.75, 11.42] s, the 8th not before 15.75 s
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_EQ(inits.size(), 7u);  // 0, 50, 150, 350, 750 ms, then ~5.75 s, ~10.75+ s
  const Time expect[] = {0ms, 50ms, 150ms, 350ms, 750ms};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(inits[i]->at, expect[i]);
  EXPECT_GE(inits[5]->at - inits[4]->at, REKEY_TIMEOUT);
  EXPECT_LE(inits[5]->at - inits[4]->at, REKEY_TIMEOUT + REKEY_TIMEOUT_JITTER_MAX);
}

}  // namespace
}  // namespace wgnet::core
