// Receiver SACK (RFC 2018, issue 10): side B's lwIP is driven by hand-made segments from a
// scripted peer (10.0.0.1:40000), and the ACKs it sends are read off its output tap. B's output
// never reaches side A (drop_output), so A's stack cannot reset the scripted connection.
// Data segments are 100 bytes; "segment k" covers [base + 100k, base + 100k + 100).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "netstack/two_stacks.hpp"

namespace wgnet::testing {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t kPeerPort = 40000;
constexpr uint16_t kListenPort = 7000;
constexpr uint32_t kPeerIss = 1000;
constexpr uint32_t kBase = kPeerIss + 1;  // first data byte from the peer
constexpr uint32_t kSegLen = 100;
constexpr uint8_t kSyn = 0x02, kAck = 0x10;

const Bytes kMss = {2, 4, 0x05, 0x64};
const Bytes kSackPermitted = {1, 1, 4, 2};

void put16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put32(Bytes& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}
uint32_t get32(std::span<const uint8_t> b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// An IPv4 TCP segment from the scripted peer to B. Checksums stay zero: lwIP does not check them
// here (WireGuard authenticated the packet).
Bytes segment(uint8_t flags, uint32_t seq, uint32_t ack, const Bytes& options, size_t payload) {
  const size_t tcp_len = 20 + options.size();
  Bytes p(20 + tcp_len + payload, 0);
  p[0] = 0x45;
  put16(p, 2, static_cast<uint16_t>(p.size()));
  p[8] = 64;
  p[9] = 6;
  const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
  std::memcpy(&p[12], src, 4);
  std::memcpy(&p[16], dst, 4);
  put16(p, 20, kPeerPort);
  put16(p, 22, kListenPort);
  put32(p, 24, seq);
  put32(p, 28, ack);
  p[32] = static_cast<uint8_t>((tcp_len / 4) << 4);
  p[33] = flags;
  put16(p, 34, 65535);
  std::memcpy(&p[40], options.data(), options.size());
  for (size_t i = 0; i < payload; ++i) p[20 + tcp_len + i] = static_cast<uint8_t>('a' + i % 26);
  return p;
}

struct Block {
  uint32_t left, right;
  bool operator==(const Block&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Block& b) {
  return os << "[" << b.left << "," << b.right << ")";
}
// Segments first..last (inclusive) as a SACK block.
Block segs(uint32_t first, uint32_t last) {
  return {kBase + first * kSegLen, kBase + (last + 1) * kSegLen};
}

// One TCP segment B sent to the peer, decoded.
struct Sent {
  uint8_t flags = 0;
  uint32_t seq = 0, ack = 0;
  size_t payload = 0;
  bool sack_permitted = false;
  std::optional<std::vector<Block>> sack;  // set when a SACK option is present
};

std::optional<Sent> decode(std::span<const uint8_t> pkt) {
  if (pkt.size() < 40 || (pkt[0] >> 4) != 4 || pkt[9] != 6) return std::nullopt;
  const size_t ihl = (pkt[0] & 0xF) * 4u;
  auto tcp = pkt.subspan(ihl);
  const size_t doff = (tcp[12] >> 4) * 4u;
  if (doff < 20 || doff > tcp.size()) return std::nullopt;
  Sent s;
  s.flags = tcp[13];
  s.seq = get32(tcp, 4);
  s.ack = get32(tcp, 8);
  s.payload = tcp.size() - doff;
  for (size_t i = 20; i < doff;) {
    const uint8_t kind = tcp[i];
    if (kind == 0) break;
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= doff || tcp[i + 1] < 2 || i + tcp[i + 1] > doff) {
      ADD_FAILURE() << "malformed TCP option " << int(kind);
      return std::nullopt;
    }
    const uint8_t len = tcp[i + 1];
    if (kind == 4) s.sack_permitted = (len == 2);
    if (kind == 5) {
      EXPECT_EQ((len - 2) % 8, 0) << "SACK option length " << int(len);
      std::vector<Block> blocks;
      for (size_t b = i + 2; b + 8 <= i + len; b += 8)
        blocks.push_back({get32(tcp, b), get32(tcp, b + 4)});
      s.sack = blocks;
    }
    i += len;
  }
  return s;
}

// B's side of the scripted connection: captures what B sends and injects what the peer sends.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(Side& b) : b_(b) {
    b_.drop_output = true;
    b_.on_loop([this] {
      b_.tap = [this](std::span<const uint8_t> pkt) {
        auto s = decode(pkt);
        if (!s) return;
        std::lock_guard lock(mu_);
        sent_.push_back(*s);
      };
    });
    b_.listen(ep("10.0.0.2", kListenPort));
  }

  // The tap refers to this object; the app fd closing (app_) still makes B send.
  ~ScriptedPeer() {
    b_.on_loop([this] { b_.tap = nullptr; });
  }
  ScriptedPeer(const ScriptedPeer&) = delete;
  ScriptedPeer& operator=(const ScriptedPeer&) = delete;

  void inject(const Bytes& pkt) {
    b_.on_loop([&] { b_.host().input({pkt.data(), pkt.size()}); });
  }

  // Waits for the next segment B sends after `from` (an index into the capture).
  std::optional<Sent> next(size_t& from, std::chrono::milliseconds timeout = 2s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mu_);
        if (from < sent_.size()) return sent_[from++];
      }
      std::this_thread::sleep_for(2ms);
    }
    return std::nullopt;
  }

  size_t captured() {
    std::lock_guard lock(mu_);
    return sent_.size();
  }

  // Handshake with or without SACK-permitted in the SYN; returns the SYN-ACK.
  Sent connect(bool offer_sack) {
    Bytes opts = kMss;
    if (offer_sack) opts.insert(opts.end(), kSackPermitted.begin(), kSackPermitted.end());
    size_t at = captured();
    inject(segment(kSyn, kPeerIss, 0, opts, 0));
    auto synack = next(at);
    EXPECT_TRUE(synack && synack->flags == (kSyn | kAck)) << "no SYN-ACK";
    if (!synack) return {};
    server_next_ = synack->seq + 1;
    inject(segment(kAck, kBase, server_next_, {}, 0));
    app_ = b_.accept();
    return *synack;
  }

  // Sends data segment k (see the file comment) and returns B's first pure ACK in response.
  Sent send_seg(uint32_t k) {
    size_t at = captured();
    inject(segment(kAck, kBase + k * kSegLen, server_next_, {}, kSegLen));
    for (;;) {
      auto s = next(at);
      if (!s) {
        ADD_FAILURE() << "no ACK for segment " << k;
        return {};
      }
      if ((s->flags & kAck) && s->payload == 0 && !(s->flags & kSyn)) return *s;
    }
  }

 private:
  Side& b_;
  std::mutex mu_;
  std::vector<Sent> sent_;
  uint32_t server_next_ = 0;
  Connection app_;
};

uint32_t acked_through(uint32_t segments) {
  return kBase + segments * kSegLen;
}

// Runs `script` on side B against the scripted peer; side A only waits for B to finish.
void with_scripted_peer(const std::function<void(ScriptedPeer&)>& script) {
  run_pair([](Side& a) { a.wait_signal(); },
           [&](Side& b) {
             ScriptedPeer peer(b);
             script(peer);
             b.signal();
           });
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
