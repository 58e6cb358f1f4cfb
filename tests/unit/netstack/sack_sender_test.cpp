// Sender SACK (netstack/patches/0001-sender-sack.patch, RFC 6675): side B's lwIP sends data to a
// scripted peer (scripted_peer.hpp) that plays the receiver: it acknowledges, loses and SACKs
// segments by hand, and the test reads B's retransmissions off its output tap.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "lwip/priv/tcp_priv.h"
#include "lwip/sys.h"
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

// Reads B's capture from `at` until `n` new data segments in sequence from `next_seq` came
// (a retransmission in between, such as a tail loss probe, is skipped); up to 2 s.
std::vector<Sent> next_new(ScriptedPeer& peer, size_t& at, uint32_t& next_seq, size_t n) {
  std::vector<Sent> got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (got.size() < n && std::chrono::steady_clock::now() < until) {
    auto s = peer.next(at, std::chrono::milliseconds(50));
    if (!s || s->payload == 0 || s->seq != next_seq) continue;
    got.push_back(*s);
    next_seq = end_of(*s);
  }
  return got;
}

constexpr size_t kMssBytes = 1380;  // the peer's MSS option (scripted_peer.cpp)

// Gives B `total` bytes to send and acknowledges two slow-start rounds segment by segment, each
// as soon as it is sent (initial window 3 segments -> 6 -> 12: Reno's window, so the tests with a
// SACK peer call use_reno_window(); the model's window follows the path's measured rate and
// RTT, which a scripted peer does not have, and is tested in bbr_model_test.cpp); returns the 12
// data segments then in flight, none acked yet.
std::vector<Sent> twelve_in_flight(ScriptedPeer& peer, size_t total = 128 * 1024) {
  std::vector<uint8_t> data(total, 'x');
  size_t at = peer.captured();
  EXPECT_TRUE(write_all(peer.app().fd.get(), data.data(), data.size()));
  uint32_t next_seq = peer.server_base();
  for (size_t n : {3, 6}) {
    auto round = next_new(peer, at, next_seq, n);
    EXPECT_EQ(round.size(), n) << "slow start did not double";
    for (const Sent& s : round) peer.ack(end_of(s));
  }
  auto flight = next_new(peer, at, next_seq, 12);
  EXPECT_EQ(flight.size(), 12u) << "slow start did not double twice";
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

// A SACK connection (Reno window) with twelve in flight of which 2, 3 and 4 are lost, seven
// SACKs later (lose_three). Returns the flight and sets `before` to the capture index from before
// the SACKs.
std::vector<Sent> three_lost_and_sacked(ScriptedPeer& peer, size_t& before) {
  peer.use_reno_window();
  EXPECT_TRUE(peer.connect(true).sack_permitted);
  auto f = twelve_in_flight(peer);
  before = peer.captured();
  if (f.size() == 12) lose_three(peer, f, 7);
  std::this_thread::sleep_for(kSettle);
  return f;
}

TEST(NetstackSackSender, ThreeLostSegmentsAreResentInOneRoundTrip) {
  with_scripted_peer([](ScriptedPeer& peer) {
    size_t before = 0;
    auto f = three_lost_and_sacked(peer, before);
    ASSERT_EQ(f.size(), 12u);
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
    peer.use_reno_window();
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

// The last three segments of a transfer are lost: the receiver has nothing to SACK, so no
// duplicate ACK comes. The tail loss probe (2 SRTT after the last ACK, far before the RTO) resends
// the last segment; the receiver SACKs it, which shows the two before it lost: they go at once.
TEST(NetstackSackSender, TailLossProbeFiresOnALostTail) {
  with_scripted_peer([](ScriptedPeer& peer) {
    peer.use_reno_window();
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    auto f = twelve_in_flight(peer, 21 * kMssBytes);  // the 12 are the end of the data
    ASSERT_EQ(f.size(), 12u);
    ASSERT_EQ(f[11].payload, kMssBytes);
    const size_t before = peer.captured();
    for (size_t k = 0; k < 9; ++k) peer.ack(end_of(f[k]));  // 9, 10 and 11 are lost
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(resent_since(peer, before, f), (std::multiset<uint32_t>{f[11].seq}))
        << "no probe within 150 ms (the RTO is 300 ms at least)";
    peer.ack(f[9].seq, {{f[11].seq, end_of(f[11])}});
    std::this_thread::sleep_for(kSettle);
    EXPECT_EQ(resent_since(peer, before, f),
              (std::multiset<uint32_t>{f[9].seq, f[10].seq, f[11].seq}));
    peer.ack(end_of(f[11]));
    const size_t done = peer.captured();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_TRUE(data_only(peer.since(done)).empty()) << "data sent after everything was acked";
  });
}

// netstack/patches/0002: no tail loss probe while a retransmission waits in unsent. A hole found
// lost late in a recovery that then ended (held back by pipe or pacing) sits in unsent below the
// last unacked segment; the probe, which goes at unsent's head, once went in front of it. Unsent
// was then out of order and a 1 GiB upload through 5% loss lost a segment from the queues and
// stalled (bench/lossy_link.sh's soak). That state takes a long lossy transfer to reach, so the
// test sets it up on the pcb: segment 5 queued for resend, recovery over, the probe due.
TEST(NetstackSackSender, NoTailLossProbeWhileARetransmissionWaitsInUnsent) {
  with_scripted_peer([](ScriptedPeer& peer) {
    peer.use_reno_window();
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    auto f = twelve_in_flight(peer, 21 * kMssBytes);  // the 12 are the end of the data
    ASSERT_EQ(f.size(), 12u);
    const size_t before = peer.captured();
    bool sorted = false;
    uint32_t probe_end = 1;
    peer.with_pcb([&](tcp_pcb* pcb) {
      ASSERT_EQ(pcb->unsent, nullptr);
      ASSERT_FALSE(pcb->flags & TF_INFR);
      tcp_seg** link = &pcb->unacked;
      while (*link != nullptr && lwip_ntohl((*link)->tcphdr->seqno) != f[5].seq)
        link = &(*link)->next;
      ASSERT_NE(*link, nullptr);
      tcp_seg* hole = *link;
      *link = hole->next;
      hole->next = nullptr;
      hole->sack |= TF_SEG_RESENT;
      pcb->unsent = hole;
      pcb->cwnd = 0;  // nothing may leave by the window: only a probe would
      pcb->tlp_high = 0;
      tcp_tlp_timer(pcb, sys_now() + 60'000);  // the probe's time is long past
      sorted = true;
      for (tcp_seg* s = pcb->unsent; s != nullptr && s->next != nullptr; s = s->next)
        sorted = sorted && lwip_ntohl(s->tcphdr->seqno) < lwip_ntohl(s->next->tcphdr->seqno);
      probe_end = pcb->tlp_high;
      // Back to a state the peer's ACK can finish: the hole is resent by the window again.
      pcb->cwnd = 12 * kMssBytes;
    });
    EXPECT_TRUE(sorted) << "the probe went in front of the queued retransmission";
    EXPECT_EQ(probe_end, 0u) << "a probe was sent while a retransmission waited";
    EXPECT_TRUE(resent_since(peer, before, f).empty()) << "something was resent";
    peer.ack(end_of(f[11]));
  });
}

// netstack/patches/0003: a timeout during SACK recovery. Segment 2 is resent on entry; 3 and 4,
// lost too, wait in the unsent queue for pipe; then the ACKs stop and the RTO fires. The RTO must
// queue everything in sequence order: it once put the unacked queue (2, 5..11) in front of
// unsent (3, 4, new data), so after the RTO's one segment (2) was acked the head of unsent was
// 5, beyond cwnd, with nothing in flight for a timer to watch, and the connection never moved
// again (a 10 MiB upload in the lab, silent until its timeout).
TEST(NetstackSackSender, TimeoutDuringRecoveryResendsTheNextHoleAtOnceAndFinishes) {
  with_scripted_peer([](ScriptedPeer& peer) {
    peer.use_reno_window();
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    auto f = twelve_in_flight(peer);
    ASSERT_EQ(f.size(), 12u);
    const size_t before = peer.captured();
    lose_three(peer, f, 2);
    peer.ack(f[2].seq, {{f[5].seq, end_of(f[7])}});
    std::this_thread::sleep_for(kSettle);
    ASSERT_EQ(resent_since(peer, before, f), (std::multiset<uint32_t>{f[2].seq}));
    // No more ACKs: the RTO resends segment 2 (its first retransmission was "lost" too).
    size_t at = peer.captured();
    bool rto = false;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
         !rto && std::chrono::steady_clock::now() < until;) {
      auto s = peer.next(at, std::chrono::milliseconds(50));
      rto = s && s->payload > 0 && s->seq == f[2].seq;
    }
    ASSERT_TRUE(rto) << "no retransmission timeout within 3 s";
    std::this_thread::sleep_for(kSettle);
    // The RTO's segment arrives and is acked: the next hole (3) goes out at once, not after
    // another timeout.
    const size_t after_rto = peer.captured();
    peer.ack(f[3].seq, {{f[5].seq, end_of(f[7])}});
    std::this_thread::sleep_for(kSettle);
    std::vector<uint32_t> seqs;
    for (const Sent& s : data_only(peer.since(after_rto))) seqs.push_back(s.seq);
    ASSERT_FALSE(seqs.empty()) << "nothing sent after the RTO's segment was acked: stalled";
    EXPECT_EQ(seqs.front(), f[3].seq) << "the hole at snd_una was not sent first";
    // The rest repaired (the scoreboard was dropped at the timeout, so 5..11 may be resent too);
    // once everything is acked, new data follows.
    peer.ack(end_of(f[11]));
    uint32_t next_seq = end_of(f[11]);
    size_t from = after_rto;
    auto fresh = next_new(peer, from, next_seq, 1);
    EXPECT_EQ(fresh.size(), 1u) << "no new data after the window was acked";
  });
}

// RACK (netstack/patches/0004, tcp_cc_resent_lost): a retransmission that is lost too. Three
// holes are resent on entering recovery. The peer then SACKs the resends of 3 and 4 but never
// the resend of 2: something sent after it has arrived, and it has been out longer than a round
// trip, so it is lost and goes again at once, not after the RTO (300 ms at least; lwIP's RTO also
// resends the whole flight). Before the patch only the RTO found a lost retransmission.
TEST(NetstackSackSender, LostRetransmissionIsResentBeforeTheTimeout) {
  with_scripted_peer([](ScriptedPeer& peer) {
    size_t before = 0;
    auto f = three_lost_and_sacked(peer, before);
    ASSERT_EQ(f.size(), 12u);
    // Each hole once: the SACKs of 5..11 (sent before the resends) say nothing of the resends.
    ASSERT_EQ(resent_since(peer, before, f),
              (std::multiset<uint32_t>{f[2].seq, f[3].seq, f[4].seq}));
    const size_t evidence = peer.captured();
    peer.ack(f[2].seq, {{f[3].seq, end_of(f[11])}});
    std::this_thread::sleep_for(kSettle);
    EXPECT_EQ(resent_since(peer, evidence, f), (std::multiset<uint32_t>{f[2].seq}))
        << "the lost retransmission of 2 was not resent within " << kSettle.count() << " ms";
  });
}

// Pacing (netstack/patches/0004, tcp_cc.c): with the model on, a window that one ACK opens
// leaves spread at the pacing rate, in bursts of about a millisecond, instead of all at once
// (lwIP's way, which overflowed the peer's UDP socket on the direct lab path). The peer plays a
// 20 ms round trip: it acknowledges each round's segments with one ACK 20 ms after the round
// began, for six rounds of STARTUP, then the seventh round is timed.
TEST(NetstackSackSender, ModelPacesTheWindowAnAckOpens) {
  with_scripted_peer(
      [](ScriptedPeer& peer) {
        ASSERT_TRUE(peer.connect(true).sack_permitted);
        std::thread writer([&peer] {
          std::vector<uint8_t> data(1 << 20, 'x');
          write_all(peer.app().fd.get(), data.data(), data.size());
        });
        constexpr auto kRtt = std::chrono::milliseconds(20);
        size_t at = peer.captured();
        uint32_t next_seq = peer.server_base();
        std::vector<Sent> round;
        for (int r = 0; r < 7; ++r) {
          round.clear();
          const auto end = std::chrono::steady_clock::now() + kRtt;
          while (std::chrono::steady_clock::now() < end) {
            auto s = peer.next(at, std::chrono::milliseconds(1));
            if (s && s->payload > 0 && s->seq == next_seq) {
              round.push_back(*s);
              next_seq = end_of(*s);
            }
          }
          if (r < 6) peer.ack(next_seq);
        }
        const uint32_t rate = peer.pacing_rate();
        writer.join();
        ASSERT_GT(rate, 0u) << "no pacing rate after six round trips";
        ASSERT_GE(round.size(), 20u) << "the window did not grow to 20 segments in six rounds";
        size_t bytes = 0;
        for (const Sent& s : round) bytes += s.payload;
        // At the rate, after the first millisecond's burst (and up to 2 ms of catch-up credit).
        const auto paced = std::chrono::microseconds(uint64_t{bytes} * 1'000'000 / rate) -
                           std::chrono::milliseconds(3);
        const auto span = round.back().at - round.front().at;
        EXPECT_GE(span, paced / 2)
            << round.size() << " segments, " << bytes << " bytes at " << rate
            << " bytes/s left within "
            << std::chrono::duration_cast<std::chrono::microseconds>(span).count() << " us";
      });
}

// Pacing on a path shorter than a millisecond (a LAN, the lab's direct path), where paths under
// 1 ms used to go unpaced: the model's state is set by hand (a 300 us minimum RTT, 5 MB/s) and
// no ACK comes to change it; the 64 KiB the peer's window allows leave in bursts of 1 ms of data
// (plus two bursts of credit at the start), over about 10 ms, not at once. The pacing wake-ups
// come from the host's event loop (tcp_cc_pace_next_wake), not from lwIP's millisecond timeouts.
TEST(NetstackSackSender, ModelPacesAPathShorterThanAMillisecond) {
  with_scripted_peer([](ScriptedPeer& peer) {
    ASSERT_TRUE(peer.connect(true).sack_permitted);
    constexpr uint32_t kRate = 5'000'000;
    peer.with_pcb([](tcp_pcb* pcb) {
      pcb->bbr.has_rtt = 1;
      pcb->bbr.min_rtt_us = 300;
      pcb->bbr.pacing_rate = kRate;
      pcb->cwnd = 1 << 20;
    });
    size_t at = peer.captured();
    std::vector<uint8_t> data(64 << 10, 'x');
    ASSERT_TRUE(write_all(peer.app().fd.get(), data.data(), data.size()));
    std::vector<Sent> sent;
    size_t bytes = 0;
    while (bytes < 60'000) {
      auto s = peer.next(at, std::chrono::milliseconds(200));
      if (!s) break;
      if (s->payload == 0) continue;
      sent.push_back(*s);
      bytes += s->payload;
    }
    ASSERT_GE(bytes, 60'000u) << "the window's data did not all leave within 200 ms gaps";
    EXPECT_EQ(peer.pacing_rate(), kRate) << "something changed the rate the test set";
    // 60 kB at 5 MB/s is 12 ms; less the first burst and its credit (3 ms of data): 9 ms.
    const auto span = sent.back().at - sent.front().at;
    EXPECT_GE(span, std::chrono::milliseconds(6))
        << sent.size() << " segments left within "
        << std::chrono::duration_cast<std::chrono::microseconds>(span).count() << " us";
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
