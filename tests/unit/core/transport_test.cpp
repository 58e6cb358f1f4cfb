// TESTPLAN D (transport, replay, routing) and F (roaming), each over IPv4 and IPv6 outer
// endpoints (F5).
#include <gtest/gtest.h>

#include <cstring>

#include "sim.hpp"

namespace wgnet::core {
namespace {

using namespace sim;

class Transport : public ::testing::TestWithParam<bool> {
 protected:
  bool v6() const { return GetParam(); }
  Endpoint outer(Sim& s, size_t i) const { return v6() ? s.nodes[i].v6 : s.nodes[i].v4; }
  void up(Sim& s) {
    s.create_all(v6());
    s.start(0);
    s.run_for(100ms);
    ASSERT_TRUE(s.nodes[0].dev->peers()[0].has_session);
    ASSERT_TRUE(s.nodes[1].dev->peers()[0].has_session);
  }
};

// A data message from node `from` to its peer `peer` carrying `plain` as is (no padding), made
// with the sender's current keypair, as a buggy or malicious peer could.
std::vector<uint8_t> seal_raw(Sim& s, size_t from, PeerIndex peer, std::span<const uint8_t> plain) {
  Keypair* kp = s.nodes[from].impl().peer(peer).keypairs.current();
  EXPECT_NE(kp, nullptr);
  std::vector<uint8_t> out(MESSAGE_DATA_HEADER_LEN + plain.size() + NOISE_AUTHTAG_LEN);
  const uint64_t counter = kp->sending_counter++;
  out[0] = MESSAGE_DATA;
  put_le32(&out[4], kp->remote_index);
  put_le64(&out[8], counter);
  kp->sending.seal({out.data() + 16, plain.size() + 16}, counter, plain);
  return out;
}

uint64_t counter_of(const std::vector<uint8_t>& d) { return get_le64(d.data() + 8); }

TEST_P(Transport, D3_replay_after_auth_only) {
  Sim s;
  up(s);
  s.cut = true;
  const size_t first = s.log.size();
  for (int i = 0; i < 6; ++i) s.send_ip(0, 1, 10 + i);
  std::vector<std::vector<uint8_t>> pkts;
  for (size_t i = first; i < s.log.size(); ++i) pkts.push_back(s.log[i].bytes);
  ASSERT_EQ(pkts.size(), 6u);
  auto forged = pkts[0];
  put_le64(&forged[8], uint64_t{1} << 40);
  s.inject(1, forged, outer(s, 0));
  EXPECT_TRUE(s.nodes[1].saw_drop("data did not authenticate"));
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
  // The forged counter did not move the window: every genuine one is still accepted.
  for (int i = 5; i >= 0; --i) s.inject(1, pkts[i], outer(s, 0));
  ASSERT_EQ(s.nodes[1].sink->delivered.size(), 6u);
  s.inject(1, pkts[3], outer(s, 0));  // and a real replay is refused
  EXPECT_EQ(s.nodes[1].sink->delivered.size(), 6u);
  EXPECT_TRUE(s.nodes[1].saw_drop("replayed data counter"));
}

TEST_P(Transport, D5_counter_limits) {
  Sim s;
  up(s);
  s.run_for(6s);  // past the handshake rate limit
  Keypair* kp = s.nodes[0].impl().peer(0).keypairs.current();
  kp->sending_counter = REKEY_AFTER_MESSAGES - 2;
  s.send_ip(0, 1);  // uses 2^60 - 2: no rekey yet
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0, s.now), 0u);
  s.send_ip(0, 1);  // uses 2^60 - 1, counter is now 2^60: still not above
  s.send_ip(0, 1);  // uses 2^60: counter above 2^60 -> rekey
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0, s.now), 1u);
  s.run_for(100ms);
  EXPECT_EQ(s.nodes[1].sink->delivered.size(), 3u);

  // Near REJECT_AFTER_MESSAGES: the last nonce is used, never one at or beyond the limit.
  s.run_for(6s);
  kp = s.nodes[0].impl().peer(0).keypairs.current();
  kp->sending_counter = REJECT_AFTER_MESSAGES - 1;
  const size_t from = s.log.size();
  s.send_ip(0, 1);
  s.send_ip(0, 1);
  s.send_ip(0, 1);
  uint64_t highest = 0;
  for (size_t i = from; i < s.log.size(); ++i) {
    if (s.log[i].type() == MESSAGE_DATA && s.log[i].from_node == 0) {
      highest = std::max(highest, counter_of(s.log[i].bytes));
    }
  }
  EXPECT_EQ(highest, REJECT_AFTER_MESSAGES - 1);
  EXPECT_EQ(s.count(MESSAGE_HANDSHAKE_INITIATION, 0, s.now), 1u);  // a new session is wanted
  s.run_for(200ms);
  // The two packets that could not go were staged and went out on the new session.
  EXPECT_EQ(s.nodes[1].sink->delivered.size(), 6u);

  // Receiver: a counter at the limit is refused before decryption.
  auto pkt = s.log.back().bytes;
  put_le64(&pkt[8], REJECT_AFTER_MESSAGES);
  pkt[0] = MESSAGE_DATA;
  Keypair* rk = s.nodes[1].impl().peer(0).keypairs.current();
  put_le32(&pkt[4], rk->local_index);
  s.inject(1, pkt, outer(s, 0));
  EXPECT_TRUE(s.nodes[1].saw_drop("counter beyond limit"));
}

TEST_P(Transport, D4_reorder_within_window) {
  Sim s;
  up(s);
  s.cut = true;
  const size_t first = s.log.size();
  for (size_t i = 0; i < 8000; ++i) s.send_ip(0, 1, i % 200);
  std::vector<std::vector<uint8_t>> pkts;
  for (size_t i = first; i < s.log.size(); ++i) pkts.push_back(s.log[i].bytes);
  ASSERT_EQ(pkts.size(), 8000u);
  std::mt19937_64 rng(77);
  std::shuffle(pkts.begin(), pkts.end(), rng);
  for (size_t i = 0; i < pkts.size(); ++i) {
    s.inject(1, pkts[i], outer(s, 0));
    if (i % 3 == 0) s.inject(1, pkts[rng() % (i + 1)], outer(s, 0));  // a duplicate
  }
  EXPECT_EQ(s.nodes[1].sink->delivered.size(), 8000u);
  std::vector<size_t> seen(200, 0);
  for (const auto& p : s.nodes[1].sink->delivered) ++seen[p.size() - 20];
  for (size_t len = 0; len < 200; ++len) EXPECT_EQ(seen[len], 40u) << len;
}

size_t align16(size_t n) { return (n + 15) / 16 * 16; }

TEST_P(Transport, D6_padding_mtu) {
  for (uint16_t mtu : {uint16_t{1420}, uint16_t{1300}, uint16_t{1299}}) {
    Sim s;
    for (size_t i = 0; i < 2; ++i) {
      auto c = s.config(i, v6());
      c.mtu = mtu;
      s.create(i, c);
    }
    s.start(0);
    s.run_for(100ms);
    for (size_t len = 20; len <= size_t{mtu} + 16; ++len) {
      const size_t before = s.log.size();
      auto p = ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, len - 20);
      s.nodes[0].dev->send_ip(p, s.now, *s.nodes[0].sink);
      if (len > mtu) {
        EXPECT_EQ(s.log.size(), before) << "len " << len;
        continue;
      }
      ASSERT_EQ(s.log.size(), before + 1) << "len " << len;
      const size_t padded = std::min(align16(len), size_t{mtu});
      EXPECT_EQ(s.log.back().bytes.size(), 32 + padded) << "mtu " << mtu << " len " << len;
      EXPECT_LE(s.log.back().bytes.size(), size_t{mtu} + 32);
      s.run_for(20ms);
      ASSERT_FALSE(s.nodes[1].sink->delivered.empty());
      ASSERT_EQ(s.nodes[1].sink->delivered.back(), p) << "receiver must trim to the IP length";
    }
    EXPECT_TRUE(s.nodes[0].saw_drop("packet larger than MTU"));
  }
}

TEST_P(Transport, D7_inner_validation) {
  Sim s;
  up(s);
  auto v4 = ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, 40);
  auto v6p = ipv6_packet(s.nodes[0].inner6, s.nodes[1].inner6, 40);
  std::vector<std::vector<uint8_t>> bad;
  bad.push_back(std::vector<uint8_t>(48, 0x55));  // version 5: not IP
  auto short_len = v4;
  short_len[2] = 0;
  short_len[3] = 19;  // tot_len < 20
  bad.push_back(short_len);
  auto long_len = v4;
  long_len[3] = static_cast<uint8_t>(long_len.size() + 1);  // tot_len > payload
  bad.push_back(long_len);
  auto v6_long = v6p;
  v6_long[5] = 41;  // payload_len > payload
  bad.push_back(v6_long);
  bad.push_back(std::vector<uint8_t>(v4.begin(), v4.begin() + 12));  // truncated header
  for (const auto& b : bad) s.inject(1, seal_raw(s, 0, 0, b), outer(s, 0));
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
  EXPECT_TRUE(s.nodes[1].saw_drop("inner packet is not IP"));
  EXPECT_TRUE(s.nodes[1].saw_drop("invalid inner IPv4 length"));
  EXPECT_TRUE(s.nodes[1].saw_drop("invalid inner IPv6 length"));
  // A keepalive is consumed, not delivered.
  const size_t drops = s.nodes[1].count_events(EventKind::kPacketDropped);
  s.inject(1, seal_raw(s, 0, 0, {}), outer(s, 0));
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
  EXPECT_EQ(s.nodes[1].count_events(EventKind::kPacketDropped), drops);
  // Valid ones with trailing bytes are delivered trimmed to their IP length.
  auto padded4 = v4;
  padded4.resize(v4.size() + 7, 0);
  auto padded6 = v6p;
  padded6.resize(v6p.size() + 3, 0);
  s.inject(1, seal_raw(s, 0, 0, padded4), outer(s, 0));
  s.inject(1, seal_raw(s, 0, 0, padded6), outer(s, 0));
  ASSERT_EQ(s.nodes[1].sink->delivered.size(), 2u);
  EXPECT_EQ(s.nodes[1].sink->delivered[0], v4);
  EXPECT_EQ(s.nodes[1].sink->delivered[1], v6p);
}

TEST_P(Transport, D8_crypto_rp_filter) {
  Sim s(3);
  // Node 0: peer A (node 1) owns 10.0.0.0/24 and fd00::/64, peer B (node 2) 10.0.0.3/32 and fd00::3.
  auto c0 = s.config(0, v6());
  c0.peers[0].allowed_ips = {*IpPrefix::parse("10.0.0.0/24"), *IpPrefix::parse("fd00::/64")};
  s.create(0, c0);
  s.create(1, s.config(1, v6()));
  s.create(2, s.config(2, v6()));
  s.start(1);
  s.run_for(100ms);
  ASSERT_TRUE(s.nodes[0].dev->peers()[0].has_session);
  // A sends with B's addresses as source: longest match says B, so it is dropped.
  s.inject(0, seal_raw(s, 1, 0, ipv4_packet(s.nodes[2].inner4, s.nodes[0].inner4, 8)), outer(s, 1));
  s.inject(0, seal_raw(s, 1, 0, ipv6_packet(s.nodes[2].inner6, s.nodes[0].inner6, 8)), outer(s, 1));
  // An address nobody owns is dropped as well.
  s.inject(0, seal_raw(s, 1, 0, ipv4_packet(IpAddress::v4(10, 9, 9, 9), s.nodes[0].inner4, 8)),
           outer(s, 1));
  EXPECT_TRUE(s.nodes[0].sink->delivered.empty());
  EXPECT_EQ(s.nodes[0].count_events(EventKind::kPacketDropped), 3u);
  EXPECT_TRUE(s.nodes[0].saw_drop("inner source not allowed for peer"));
  // A's own addresses (one only covered by the /24) pass.
  s.inject(0, seal_raw(s, 1, 0, ipv4_packet(IpAddress::v4(10, 0, 0, 77), s.nodes[0].inner4, 8)),
           outer(s, 1));
  s.inject(0, seal_raw(s, 1, 0, ipv6_packet(s.nodes[1].inner6, s.nodes[0].inner6, 8)), outer(s, 1));
  EXPECT_EQ(s.nodes[0].sink->delivered.size(), 2u);
}

TEST_P(Transport, D12_unknown_index_silent) {
  Sim s;
  up(s);
  const size_t sent = s.log.size();
  for (uint32_t idx : {0u, 0xdeadbeefu}) {
    std::vector<uint8_t> d(64, 0x11);
    d[0] = MESSAGE_DATA;
    d[1] = d[2] = d[3] = 0;
    put_le32(&d[4], idx);
    s.inject(1, d, outer(s, 0));
  }
  // A handshake index is not a data index either.
  s.cut = true;
  s.nodes[0].impl().peer(0).last_sent_handshake.reset();
  s.nodes[0].dev->set_private_key(s.nodes[0].private_key, s.now, *s.nodes[0].sink);
  std::vector<uint8_t> d(64, 0x22);
  d[0] = MESSAGE_DATA;
  d[1] = d[2] = d[3] = 0;
  put_le32(&d[4], s.nodes[0].impl().peer(0).handshake_index);
  s.inject(0, d, outer(s, 1));
  EXPECT_EQ(s.nodes[1].count_events(EventKind::kPacketDropped), 2u);
  EXPECT_TRUE(s.nodes[1].saw_drop("data for unknown receiver index"));
  EXPECT_TRUE(s.nodes[0].saw_drop("data for unknown receiver index"));
  EXPECT_EQ(s.log.size(), sent + 1);  // only node 0's own re-handshake
}

TEST_P(Transport, F1_roam_on_auth_data) {
  Sim s;
  up(s);
  const Endpoint moved = v6() ? Endpoint{v6addr(0x18, 200), 40000}
                              : Endpoint{IpAddress::v4(198, 19, 7, 7), 40000};
  (v6() ? s.nodes[0].v6 : s.nodes[0].v4) = moved;
  s.send_ip(0, 1);
  s.run_for(50ms);
  EXPECT_EQ(s.nodes[1].dev->peers()[0].endpoint, moved);
  EXPECT_EQ(s.nodes[1].count_events(EventKind::kEndpointChanged), 1u);
  // Replies follow the peer to its new address.
  s.send_ip(1, 0);
  s.run_for(50ms);
  EXPECT_EQ(s.log.back().to, moved);
  EXPECT_EQ(s.nodes[0].sink->delivered.size(), 1u);
}

TEST_P(Transport, F2_no_roam_on_bad_or_replayed) {
  Sim s;
  up(s);
  const Endpoint before = outer(s, 0);
  const Endpoint attacker = v6() ? Endpoint{v6addr(0x18, 66), 6666}
                                 : Endpoint{IpAddress::v4(198, 19, 6, 6), 6666};
  s.send_ip(0, 1);
  s.run_for(50ms);
  const auto genuine = s.sent_of(MESSAGE_DATA, 0).back()->bytes;  // delivered already
  const auto init = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0).front()->bytes;
  auto bad_tag = genuine;
  bad_tag.back() ^= 1;
  auto bad_mac1 = init;
  bad_mac1[20] ^= 1;
  for (const auto& d : {bad_tag, genuine, bad_mac1, init}) s.inject(1, d, attacker);
  EXPECT_EQ(s.nodes[1].dev->peers()[0].endpoint, before);
  EXPECT_EQ(s.nodes[1].count_events(EventKind::kEndpointChanged), 0u);
  EXPECT_TRUE(s.nodes[1].saw_drop("data did not authenticate"));
  EXPECT_TRUE(s.nodes[1].saw_drop("replayed data counter"));
  EXPECT_TRUE(s.nodes[1].saw_drop("bad mac1"));
  EXPECT_TRUE(s.nodes[1].saw_drop("handshake replay"));
  // A fresh authenticated initiation does move it (the handshake counts as authenticated).
  s.nodes[0].impl().peer(0).last_sent_handshake.reset();
  s.cut = true;
  s.nodes[0].dev->set_private_key(s.nodes[0].private_key, s.now, *s.nodes[0].sink);
  s.inject(1, s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0).back()->bytes, attacker);
  EXPECT_EQ(s.nodes[1].dev->peers()[0].endpoint, attacker);
}

INSTANTIATE_TEST_SUITE_P(F5_outer, Transport, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "v6" : "v4"; });

}  // namespace
}  // namespace wgnet::core
