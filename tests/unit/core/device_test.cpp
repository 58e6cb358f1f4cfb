// Device behaviour not tied to one TESTPLAN row: endpoint candidates, the staged queue, the
// allocation-free data path, status reporting and secret wiping.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "sim.hpp"

// Counts heap allocations while armed (the data path must make none). Replacing the global
// operator new/delete with malloc/free trips g++ 12's -Wmismatched-new-delete once inlined at
// -O2 (new-expressions then appear to be freed with free()); the pairing is correct by design.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> g_count_allocs{false};
std::atomic<size_t> g_allocs{0};
}  // namespace

void* operator new(size_t n) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace wgnet::core {
namespace {

using namespace sim;

TEST(Device, endpoint_candidates_rotate_on_unanswered_initiation) {
  Sim s;
  const Endpoint dead{IpAddress::v4(198, 18, 9, 9), 51820};  // nobody lives there
  auto c0 = s.config(0);
  c0.peers[0].endpoints = {dead, s.nodes[1].v6};
  s.create(0, c0);
  s.create(1, s.config(1));
  s.send_ip(0, 1, 21);  // no start(): only the REKEY_TIMEOUT retransmit moves on
  s.run_for(4s);
  EXPECT_FALSE(s.nodes[0].dev->peers()[0].has_session);
  EXPECT_EQ(s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0)[0]->to, dead);
  s.run_for(2s);
  EXPECT_TRUE(s.nodes[0].dev->peers()[0].has_session);
  EXPECT_EQ(s.nodes[0].dev->peers()[0].endpoint, s.nodes[1].v6);
  EXPECT_EQ(s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0)[1]->to, s.nodes[1].v6);
  ASSERT_EQ(s.nodes[1].sink->delivered.size(), 1u);
  EXPECT_GE(s.nodes[0].count_events(EventKind::kEndpointChanged), 1u);
}

TEST(Device, endpoint_candidates_alternate_during_startup) {
  Sim s;
  const Endpoint dead{IpAddress::v4(198, 18, 9, 9), 51820};
  auto c0 = s.config(0);
  c0.peers[0].endpoints = {dead, s.nodes[1].v6};
  s.create(0, c0);
  s.create(1, s.config(1));
  s.start(0);
  s.run_for(1s);
  EXPECT_TRUE(s.nodes[0].dev->peers()[0].has_session);
  const auto inits = s.sent_of(MESSAGE_HANDSHAKE_INITIATION, 0);
  ASSERT_EQ(inits.size(), 2u);
  EXPECT_EQ(inits[0]->to, dead);
  EXPECT_EQ(inits[1]->to, s.nodes[1].v6);
}

TEST(Device, staged_queue_bounded_oldest_dropped_flushed_in_order) {
  Sim s;
  s.create_all();
  s.cut = true;
  for (size_t i = 0; i < MAX_STAGED_PACKETS + 10; ++i) s.send_ip(0, 1, i);
  EXPECT_EQ(s.nodes[0].impl().peer(0).staged.size(), MAX_STAGED_PACKETS);
  s.cut = false;
  s.run_for(6s);  // the retransmit gets through
  const auto& got = s.nodes[1].sink->delivered;
  ASSERT_EQ(got.size(), MAX_STAGED_PACKETS);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, i + 10));  // oldest 10 gone
  }
  EXPECT_TRUE(s.nodes[0].impl().peer(0).staged.empty());
}

// A sink that keeps the last datagram in a fixed buffer: no allocation of its own.
struct FixedSink : DeviceSink {
  std::array<uint8_t, 2048> buf{};
  size_t len = 0;
  size_t delivered = 0;
  void send_datagram(const Endpoint&, std::span<const uint8_t> d) override {
    std::memcpy(buf.data(), d.data(), d.size());
    len = d.size();
  }
  void deliver_ip(std::span<const uint8_t>) override { ++delivered; }
};

TEST(Device, data_path_does_not_allocate) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(100ms);
  ASSERT_TRUE(s.nodes[0].dev->peers()[0].has_session);
  auto pkt = ipv4_packet(s.nodes[0].inner4, s.nodes[1].inner4, 1000);
  auto back = ipv4_packet(s.nodes[1].inner4, s.nodes[0].inner4, 500);
  FixedSink a, b;
  // Warm up once each way (first use of the contexts), then count.
  uint64_t random_calls = 0;
  for (int round = 0; round < 2; ++round) {
    random_calls = s.nodes[0].env->random_calls + s.nodes[1].env->random_calls;
    g_allocs = 0;
    g_count_allocs = round == 1;
    for (int i = 0; i < 200; ++i) {
      s.nodes[0].dev->send_ip(pkt, s.now, a);
      s.nodes[1].dev->receive_datagram({a.buf.data(), a.len}, s.nodes[0].v4, s.now, b);
      s.nodes[1].dev->send_ip(back, s.now, b);
      s.nodes[0].dev->receive_datagram({b.buf.data(), b.len}, s.nodes[1].v4, s.now, a);
    }
    g_count_allocs = false;
  }
  EXPECT_EQ(g_allocs.load(), 0u);
  // Nor does it ask for randomness per packet (getrandom would be a syscall each).
  EXPECT_EQ(s.nodes[0].env->random_calls + s.nodes[1].env->random_calls, random_calls);
  EXPECT_EQ(b.delivered, 400u);
  // The counter does see allocations.
  g_count_allocs = true;
  auto* v = new std::vector<int>(10);
  g_count_allocs = false;
  delete v;
  EXPECT_EQ(g_allocs.load(), 2u);
  EXPECT_EQ(a.delivered, 400u);
}

TEST(Device, status_counts_bytes_and_handshake_time) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(100ms);
  s.send_ip(0, 1, 80);
  s.run_for(100ms);
  const auto st0 = s.nodes[0].dev->peers()[0];
  const auto st1 = s.nodes[1].dev->peers()[0];
  EXPECT_EQ(st0.public_key, s.nodes[1].public_key);
  EXPECT_EQ(st0.endpoint, s.nodes[1].v4);
  EXPECT_EQ(st1.endpoint, s.nodes[0].v4);
  ASSERT_TRUE(st0.last_handshake);
  EXPECT_EQ(*st0.last_handshake, 20ms);
  size_t sent0 = 0, sent1 = 0;
  for (const auto& x : s.log) (x.from_node == 0 ? sent0 : sent1) += x.bytes.size();
  EXPECT_EQ(st0.tx_bytes, sent0);
  EXPECT_EQ(st1.tx_bytes, sent1);
  // rx counts authenticated data only (handshakes are not attributed before authentication).
  EXPECT_EQ(st1.rx_bytes, 32u + (16u + 112u + 16u));  // keepalive + the 100-byte packet padded
}

TEST(Device, create_rejects_bad_config) {
  Sim s;
  std::string err;
  auto c = s.config(0);
  c.peers.push_back(c.peers[0]);
  EXPECT_EQ(Device::create(c, *s.nodes[0].env, &err), nullptr);
  EXPECT_NE(err.find("repeats the public key"), std::string::npos) << err;
  c = s.config(0);
  c.mtu = 100;
  EXPECT_EQ(Device::create(c, *s.nodes[0].env, &err), nullptr);
  EXPECT_NE(err.find("MTU"), std::string::npos) << err;
}

TEST(Device, secrets_wiped_when_handshake_discarded) {
  Sim s;
  s.create_all();
  s.cut = true;
  s.start(0);
  Peer& p = s.nodes[0].impl().peer(0);
  ASSERT_EQ(p.handshake.state, HandshakeState::kCreatedInitiation);
  ASSERT_NE(p.handshake.ephemeral_private, Key{});
  s.run_for(150s);  // gives up
  s.run_for(3 * REJECT_AFTER_TIME);
  EXPECT_EQ(p.handshake.state, HandshakeState::kZeroed);
  EXPECT_EQ(p.handshake.ephemeral_private, Key{});
  EXPECT_EQ(p.handshake.sym.chaining_key, crypto::Hash{});
  EXPECT_EQ(p.handshake.sym.hash, crypto::Hash{});
  EXPECT_EQ(s.nodes[0].impl().index_table_size(), 0u);
}

TEST(Device, no_route_and_non_ip_dropped) {
  Sim s;
  s.create_all();
  auto p = ipv4_packet(s.nodes[0].inner4, IpAddress::v4(192, 0, 2, 1), 10);
  s.nodes[0].dev->send_ip(p, s.now, *s.nodes[0].sink);
  std::vector<uint8_t> junk(30, 0x12);
  s.nodes[0].dev->send_ip(junk, s.now, *s.nodes[0].sink);
  EXPECT_TRUE(s.nodes[0].saw_drop("no route to peer"));
  EXPECT_TRUE(s.nodes[0].saw_drop("outgoing packet is not IP"));
  EXPECT_TRUE(s.log.empty());
}

}  // namespace
}  // namespace wgnet::core

namespace wgnet::core {
namespace {

using namespace sim;

TEST(Device, has_session_turns_false_when_keys_expire) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(100ms);
  ASSERT_TRUE(s.nodes[0].dev->peers()[0].has_session);
  s.cut = true;
  s.run_until(REJECT_AFTER_TIME + 1s);
  EXPECT_TRUE(s.nodes[0].dev->peers()[0].has_session);  // the device has not seen the time yet
  s.nodes[0].dev->on_deadline(s.now, *s.nodes[0].sink);
  s.nodes[1].dev->on_deadline(s.now, *s.nodes[1].sink);
  EXPECT_FALSE(s.nodes[0].dev->peers()[0].has_session);
  EXPECT_FALSE(s.nodes[1].dev->peers()[0].has_session);
}

// A small in-tree cousin of TESTPLAN J1: random datagrams (random types, lengths, and bytes)
// never make the device emit anything, deliver anything, or grow its index table.
TEST(Device, random_datagrams_are_silent) {
  Sim s;
  s.create_all();
  s.start(0);
  s.run_for(100ms);
  const size_t sent = s.log.size();
  const size_t idx1 = s.nodes[1].impl().index_table_size();
  std::mt19937_64 rng(4242);
  const size_t lens[] = {0, 1, 3, 4, 31, 32, 33, 48, 63, 64, 65, 91, 92, 93, 147, 148, 149, 200, 1500};
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> d(lens[rng() % std::size(lens)]);
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    if (!d.empty() && rng() % 2 == 0) d[0] = static_cast<uint8_t>(1 + rng() % 4);
    if (d.size() >= 4 && rng() % 2 == 0) d[1] = d[2] = d[3] = 0;
    s.inject(1, d, Endpoint{IpAddress::v4(198, 18, 5, 5), 999});
  }
  EXPECT_EQ(s.log.size(), sent);
  EXPECT_TRUE(s.nodes[1].sink->delivered.empty());
  EXPECT_EQ(s.nodes[1].impl().index_table_size(), idx1);
  EXPECT_EQ(s.nodes[1].dev->peers()[0].endpoint, s.nodes[0].v4);
}

}  // namespace
}  // namespace wgnet::core
