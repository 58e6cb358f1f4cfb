// Receiver SACK (RFC 2018, issue 10): side B's lwIP is driven by hand-made segments from a
// scripted peer (scripted_peer.hpp), and the ACKs it sends are read off its output tap.
#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "lwip/opt.h"
#include "netstack/scripted_peer.hpp"

namespace wgnet::testing {
namespace {

// Segments first..last (inclusive) as a SACK block.
Block segs(uint32_t first, uint32_t last) {
  return {kBase + first * kSegLen, kBase + (last + 1) * kSegLen};
}

uint32_t acked_through(uint32_t segments) {
  return kBase + segments * kSegLen;
}

void expect_ack(const Sent& ack, uint32_t ackno, const std::vector<Block>& blocks) {
  EXPECT_EQ(ack.ack, ackno);
  if (blocks.empty()) {
    EXPECT_FALSE(ack.sack.has_value()) << "unexpected SACK option";
  } else {
    ASSERT_TRUE(ack.sack.has_value()) << "no SACK option";
    EXPECT_EQ(*ack.sack, blocks);
  }
}

// One step of a script: the peer sends segment `seg`; B's ACK must acknowledge `acked` whole
// segments and carry exactly `blocks` (none: no SACK option at all).
struct Step {
  uint32_t seg;
  uint32_t acked;
  std::vector<Block> blocks;
};

void expect_script(bool offer_sack, const std::vector<Step>& steps) {
  with_scripted_peer([&](ScriptedPeer& peer) {
    peer.connect(offer_sack);
    for (const Step& step : steps) {
      SCOPED_TRACE("segment " + std::to_string(step.seg));
      expect_ack(peer.send_seg(step.seg), acked_through(step.acked), step.blocks);
    }
  });
}

TEST(NetstackSack, SynAckOffersSackOnlyWhenTheSynDid) {
  with_scripted_peer([](ScriptedPeer& peer) { EXPECT_TRUE(peer.connect(true).sack_permitted); });
  with_scripted_peer([](ScriptedPeer& peer) { EXPECT_FALSE(peer.connect(false).sack_permitted); });
}

// The receive window a handshake leaves (netstack/patches/0005): TCP_WND when the SYN offered
// SACK and window scaling, TCP_WND_WITHOUT_SACK when it offered scaling only. Stacks order the
// options differently (Linux: SACK-permitted before window scale; Windows: after), so both
// orders. Read from B's ACK of the peer's first segment (the header's field, unscaled), which
// must lie in [low, high]. (Each side runs in a process of its own: checked where it is read.)
void expect_window_field(const Bytes& syn_options, uint32_t low, uint32_t high, const char* what) {
  with_scripted_peer([&](ScriptedPeer& peer) {
    peer.connect_with_options(syn_options);
    const uint32_t field = peer.send_seg(0).window;
    EXPECT_GE(field, low) << what;
    EXPECT_LE(field, high) << what;
  });
}

Bytes options(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST(NetstackSack, FullWindowOnlyWhenThePeerAgreedSack) {
  static_assert(TCP_WND_WITHOUT_SACK < TCP_WND / 2);
  const Bytes ws = window_scale_option(7);
  // One segment (kSegLen) may still be in the window when B acknowledges it.
  const uint32_t slack = (2 * kSegLen >> TCP_RCV_SCALE) + 1;
  const uint32_t full = TCP_WND >> TCP_RCV_SCALE,
                 without_sack = TCP_WND_WITHOUT_SACK >> TCP_RCV_SCALE;
  expect_window_field(options({kMssOption, kSackPermittedOption, ws}), full - slack, full,
                      "SACK-permitted, then window scale: the full window");
  expect_window_field(options({kMssOption, ws, kSackPermittedOption}), full - slack, full,
                      "window scale, then SACK-permitted: the full window");
  expect_window_field(options({kMssOption, ws}), without_sack - slack, without_sack,
                      "window scale without SACK: TCP_WND_WITHOUT_SACK");
  expect_window_field(options({kMssOption, kSackPermittedOption}), 0xFFFF - 2 * kSegLen, 0xFFFF,
                      "no window scale: what 16 bits carry");
}

TEST(NetstackSack, OwnSynOffersSack) {
  run_pair([](Side& a) { a.wait_signal(); },
           [](Side& b) {
             b.drop_output = true;
             std::mutex mu;
             std::optional<Sent> syn;
             b.on_loop([&] {
               b.tap = [&](std::span<const uint8_t> pkt) {
                 if (pkt.size() < 40 || pkt[9] != 6 || !(pkt[33] & kSyn)) return;
                 std::lock_guard lock(mu);
                 syn = decode(pkt);
               };
             });
             (void)b.dial(ep("10.0.0.1", 9), 300ms);
             std::lock_guard lock(mu);
             ASSERT_TRUE(syn.has_value()) << "no SYN captured";
             EXPECT_TRUE(syn->sack_permitted);
             b.on_loop([&] { b.tap = nullptr; });
             b.signal();
           });
}

TEST(NetstackSack, NoSackBlocksWhenThePeerDidNotOfferIt) {
  expect_script(false, {{1, 0, {}}, {3, 0, {}}, {0, 2, {}}});
}

TEST(NetstackSack, OneHoleGrowsThenCloses) {
  expect_script(true, {
                          {1, 0, {segs(1, 1)}},
                          {2, 0, {segs(1, 2)}},  // merged with the block
                          {0, 3, {}},            // hole filled: no blocks
                      });
}

TEST(NetstackSack, TwoAndThreeHolesMostRecentFirst) {
  expect_script(true, {
                          {1, 0, {segs(1, 1)}},
                          {3, 0, {segs(3, 3), segs(1, 1)}},
                          {5, 0, {segs(5, 5), segs(3, 3), segs(1, 1)}},
                          // Filling the middle hole joins two blocks, reported first.
                          {4, 0, {segs(3, 5), segs(1, 1)}},
                          {0, 2, {segs(3, 5)}},
                          {2, 6, {}},
                      });
}

TEST(NetstackSack, HoleFilledPartially) {
  expect_script(true, {
                          {3, 0, {segs(3, 3)}},
                          {0, 1, {segs(3, 3)}},  // from the left: the ACK advances
                          {2, 1, {segs(2, 3)}},  // from the right: the block grows leftwards
                          {1, 4, {}},
                      });
}

TEST(NetstackSack, DuplicateSegmentIsReportedFirst) {
  expect_script(true, {
                          {1, 0, {segs(1, 1)}},
                          {3, 0, {segs(3, 3), segs(1, 1)}},
                          // RFC 2018 section 4: the first block covers the segment that
                          // triggered the ACK.
                          {1, 0, {segs(1, 1), segs(3, 3)}},
                          // Duplicates of in-order data: the ACK repeats, blocks unchanged.
                          {0, 2, {segs(3, 3)}},
                          {0, 2, {segs(3, 3)}},
                      });
}

// lwipopts.h keeps LWIP_TCP_MAX_SACK_NUM at 4 (lwip_sanity.cpp checks that 4 blocks fit).
TEST(NetstackSack, MoreHolesThanBlocksKeepsTheMostRecent) {
  expect_script(true, {
                          {1, 0, {segs(1, 1)}},
                          {3, 0, {segs(3, 3), segs(1, 1)}},
                          {5, 0, {segs(5, 5), segs(3, 3), segs(1, 1)}},
                          {7, 0, {segs(7, 7), segs(5, 5), segs(3, 3), segs(1, 1)}},
                          {9, 0, {segs(9, 9), segs(7, 7), segs(5, 5), segs(3, 3)}},
                          {11, 0, {segs(11, 11), segs(9, 9), segs(7, 7), segs(5, 5)}},
                          // Segment 1 fell out of the list but is still queued: once the hole
                          // in front of it fills, it is merged and reported again.
                          {2, 0, {segs(1, 3), segs(11, 11), segs(9, 9), segs(7, 7)}},
                          // Segment 5 is still queued but no longer remembered: lwIP reports 3
                          // blocks where RFC 2018 says it SHOULD repeat as many as fit.
                          // Harmless: the sender's scoreboard has it from earlier ACKs, and
                          // lwIP never discards SACKed data on its own.
                          {0, 4, {segs(11, 11), segs(9, 9), segs(7, 7)}},
                      });
}

}  // namespace
}  // namespace wgnet::testing
