// Sender SACK (netstack/patches/0001-sender-sack.patch, RFC 6675): side B's lwIP sends data to a
// scripted peer (scripted_peer.hpp) that plays the receiver: it acknowledges, loses and SACKs
// segments by hand, and the test reads B's retransmissions off its output tap.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "netstack/scripted_peer.hpp"

namespace wgnet::testing {
namespace {

// Long enough for B's loop to read the app's data and answer an injected ACK; far below the
// retransmission timeout (at least 3 slow ticks = 300 ms, lwipopts.h), so what B sends within
// it was triggered by the ACKs, not by a timer.
constexpr auto kSettle = std::chrono::milliseconds(60);

std::vector<Sent> data_only(const std::vector<Sent>& sent) {
  std::vector<Sent> out;
  for (const Sent& s : sent)
    if (s.payload > 0) out.push_back(s);
  return out;
}

uint32_t end_of(const Sent& s) {
  return s.seq + static_cast<uint32_t>(s.payload);
}

// Gives B 128 KiB to send and acknowledges two slow-start rounds segment by segment (initial
// window 3 segments -> 6 -> 12); returns the 12 data segments then in flight, none acked yet.
std::vector<Sent> twelve_in_flight(ScriptedPeer& peer) {
  std::vector<uint8_t> data(128 * 1024, 'x');
  size_t at = peer.captured();
  EXPECT_TRUE(write_all(peer.app().fd.get(), data.data(), data.size()));
  for (int round = 0; round < 2; ++round) {
    std::this_thread::sleep_for(kSettle);
    auto flight = data_only(peer.since(at));
    at = peer.captured();
    for (const Sent& s : flight) peer.ack(end_of(s));
  }
  std::this_thread::sleep_for(kSettle);
  auto flight = data_only(peer.since(at));
  EXPECT_EQ(flight.size(), 12u) << "slow start did not double twice; " << peer.captured()
                                << " segments captured in all";
  return flight;
}

// Sequence numbers of the data segments B sent from capture index `from` on that it had sent
// before (retransmissions), given everything it sent before `from` started at or after `first`.
std::multiset<uint32_t> resent_since(ScriptedPeer& peer, size_t from,
                                     const std::vector<Sent>& flight) {
  std::set<uint32_t> sent_before;
  for (const Sent& s : flight) sent_before.insert(s.seq);
  std::multiset<uint32_t> out;
  for (const Sent& s : data_only(peer.since(from)))
    if (sent_before.count(s.seq)) out.insert(s.seq);
  return out;
}

// A receiver that lost segments 2, 3 and 4 of the 12: it acknowledges 0 and 1, then every later
// arrival with a duplicate ACK whose SACK block grows (as Linux does, uncompressed).
void lose_three(ScriptedPeer& peer, const std::vector<Sent>& f, size_t dupacks) {
  peer.ack(end_of(f[0]));
  peer.ack(end_of(f[1]));
  for (size_t k = 5; k < 5 + dupacks; ++k) peer.ack(f[2].seq, {{f[5].seq, end_of(f[k])}});
}

TEST(NetstackSackSender, ThreeLostSegmentsAreResentInOneRoundTrip) {
  with_scripted_peer([](ScriptedPeer& peer) {
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    auto f = twelve_in_flight(peer);
    ASSERT_EQ(f.size(), 12u);
    const size_t before = peer.captured();
    lose_three(peer, f, 7);
    std::this_thread::sleep_for(kSettle);
    // All three holes, each once, in answer to that one window of ACKs: nothing else of the
    // window (the SACKed segments 5..11 stay put), no timer involved.
    EXPECT_EQ(resent_since(peer, before, f),
              (std::multiset<uint32_t>{f[2].seq, f[3].seq, f[4].seq}));
    // The holes repaired, the peer acknowledges everything: nothing is ever sent twice again
    // (an RTO would resend the whole window).
    const size_t repaired = peer.captured();
    peer.ack(end_of(f[11]));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_TRUE(resent_since(peer, repaired, f).empty()) << "a retransmission after recovery";
    // New data went out during and after recovery, each byte once, right after the window.
    std::vector<Sent> fresh;
    for (const Sent& s : data_only(peer.since(before)))
      if (s.seq - f[0].seq >= end_of(f[11]) - f[0].seq) fresh.push_back(s);
    ASSERT_FALSE(fresh.empty()) << "no new data after the window";
    uint32_t expect = end_of(f[11]);
    for (const Sent& s : fresh) {
      EXPECT_EQ(s.seq, expect) << "new data out of order or sent twice";
      expect = end_of(s);
    }
  });
}

// The same loss seen as the ACKs arrive: two SACKed segments could be reordering; the third
// makes segment 2 lost (DupThresh) and it is resent at once; segments 3 and 4 are lost too (three
// SACKed above each) but wait until pipe (8..11 still in flight) leaves room in the halved cwnd,
// which the SACKs for 8..11 do.
TEST(NetstackSackSender, RecoveryStartsAtThreeSackedSegmentsAndResendsAsPipeAllows) {
  with_scripted_peer([](ScriptedPeer& peer) {
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    auto f = twelve_in_flight(peer);
    ASSERT_EQ(f.size(), 12u);
    const size_t before = peer.captured();
    lose_three(peer, f, 2);
    std::this_thread::sleep_for(kSettle);
    EXPECT_TRUE(resent_since(peer, before, f).empty()) << "recovery before DupThresh";
    peer.ack(f[2].seq, {{f[5].seq, end_of(f[7])}});
    std::this_thread::sleep_for(kSettle);
    EXPECT_EQ(resent_since(peer, before, f), (std::multiset<uint32_t>{f[2].seq}));
    for (size_t k = 8; k < 12; ++k) peer.ack(f[2].seq, {{f[5].seq, end_of(f[k])}});
    std::this_thread::sleep_for(kSettle);
    EXPECT_EQ(resent_since(peer, before, f),
              (std::multiset<uint32_t>{f[2].seq, f[3].seq, f[4].seq}));
  });
}

// Interop with a receiver that did not offer SACK: its options are not acted on (a SACK block
// in its ACKs is ignored) and recovery is lwIP's own, one hole per three duplicate ACKs.
TEST(NetstackSackSender, PeerWithoutSackGetsRenoRecovery) {
  with_scripted_peer([](ScriptedPeer& peer) {
    ASSERT_FALSE(peer.connect(false).sack_permitted);
    auto f = twelve_in_flight(peer);
    ASSERT_EQ(f.size(), 12u);
    const size_t before = peer.captured();
    lose_three(peer, f, 2);  // blocks covering 5..6: unnegotiated, ignored
    peer.ack(f[2].seq, {{f[5].seq, end_of(f[11])}});
    std::this_thread::sleep_for(kSettle);
    EXPECT_EQ(resent_since(peer, before, f), (std::multiset<uint32_t>{f[2].seq}))
        << "three duplicate ACKs resend the first hole only";
  });
}

}  // namespace
}  // namespace wgnet::testing
