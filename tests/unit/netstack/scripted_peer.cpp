#include "netstack/scripted_peer.hpp"

#include <cstring>
#include <thread>

#include "lwip/priv/tcp_priv.h"

namespace wgnet::testing {
namespace {

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

}  // namespace

const Bytes kMssOption = {2, 4, 0x05, 0x64};
const Bytes kSackPermittedOption = {1, 1, 4, 2};

Bytes window_scale_option(uint8_t shift) {
  return {1, 3, 3, shift};
}

std::ostream& operator<<(std::ostream& os, const Block& b) {
  return os << "[" << b.left << "," << b.right << ")";
}

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
  if (!options.empty()) std::memcpy(&p[40], options.data(), options.size());
  for (size_t i = 0; i < payload; ++i) p[20 + tcp_len + i] = static_cast<uint8_t>('a' + i % 26);
  return p;
}

Bytes sack_option(const std::vector<Block>& blocks) {
  Bytes o = {1, 1, 5, static_cast<uint8_t>(2 + 8 * blocks.size())};
  for (const Block& b : blocks) {
    o.resize(o.size() + 8);
    put32(o, o.size() - 8, b.left);
    put32(o, o.size() - 4, b.right);
  }
  return o;
}

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
  s.window = static_cast<uint16_t>(tcp[14] << 8 | tcp[15]);
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

ScriptedPeer::ScriptedPeer(Side& b) : b_(b) {
  b_.drop_output = true;
  b_.on_loop([this] {
    b_.tap = [this](std::span<const uint8_t> pkt) {
      auto s = decode(pkt);
      if (!s) return;
      s->at = std::chrono::steady_clock::now();
      std::lock_guard lock(mu_);
      sent_.push_back(*s);
    };
  });
  b_.listen(ep("10.0.0.2", kListenPort));
}

void ScriptedPeer::use_reno_window() {
  b_.on_loop([] { tcp_cc_model_enabled = 0; });
}

uint32_t ScriptedPeer::pacing_rate() {
  uint32_t rate = 0;
  with_pcb([&rate](tcp_pcb* pcb) { rate = pcb->bbr.pacing_rate; });
  return rate;
}

void ScriptedPeer::with_pcb(const std::function<void(tcp_pcb*)>& fn) {
  b_.on_loop([&fn] {
    for (tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
      if (pcb->local_port == kListenPort) {
        fn(pcb);
        return;
      }
    }
    ADD_FAILURE() << "no active pcb on port " << kListenPort;
  });
}

ScriptedPeer::~ScriptedPeer() {
  b_.on_loop([this] { b_.tap = nullptr; });
}

void ScriptedPeer::inject(const Bytes& pkt) {
  b_.on_loop([&] { b_.host().input({pkt.data(), pkt.size()}); });
}

std::optional<Sent> ScriptedPeer::next(size_t& from, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(mu_);
      if (from < sent_.size()) return sent_[from++];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return std::nullopt;
}

size_t ScriptedPeer::captured() {
  std::lock_guard lock(mu_);
  return sent_.size();
}

std::vector<Sent> ScriptedPeer::since(size_t from) {
  std::lock_guard lock(mu_);
  if (from >= sent_.size()) return {};
  return {sent_.begin() + static_cast<std::ptrdiff_t>(from), sent_.end()};
}

Sent ScriptedPeer::connect(bool offer_sack) {
  Bytes opts = kMssOption;
  if (offer_sack) opts.insert(opts.end(), kSackPermittedOption.begin(), kSackPermittedOption.end());
  return connect_with_options(opts);
}

Sent ScriptedPeer::connect_with_options(const Bytes& syn_options) {
  size_t at = captured();
  inject(segment(kSyn, kPeerIss, 0, syn_options, 0));
  auto synack = next(at);
  EXPECT_TRUE(synack && synack->flags == (kSyn | kAck)) << "no SYN-ACK";
  if (!synack) return {};
  server_base_ = synack->seq + 1;
  inject(segment(kAck, kBase, server_base_, {}, 0));
  app_ = b_.accept();
  return *synack;
}

Sent ScriptedPeer::send_seg(uint32_t k) {
  size_t at = captured();
  inject(segment(kAck, kBase + k * kSegLen, server_base_, {}, kSegLen));
  for (;;) {
    auto s = next(at);
    if (!s) {
      ADD_FAILURE() << "no ACK for segment " << k;
      return {};
    }
    if ((s->flags & kAck) && s->payload == 0 && !(s->flags & kSyn)) return *s;
  }
}

void ScriptedPeer::ack(uint32_t ack, const std::vector<Block>& blocks) {
  inject(segment(kAck, kBase, ack, blocks.empty() ? Bytes{} : sack_option(blocks), 0));
}

void with_scripted_peer(const std::function<void(ScriptedPeer&)>& script) {
  run_pair([](Side& a) { a.wait_signal(); },
           [&](Side& b) {
             ScriptedPeer peer(b);
             script(peer);
             b.signal();
           });
}

}  // namespace wgnet::testing
