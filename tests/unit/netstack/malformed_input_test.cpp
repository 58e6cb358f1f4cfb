// Malformed inner packets into the stack (a deterministic cousin of H10 fuzz_lwip_input): valid
// templates (TCP SYN with options, UDP, ICMP, fragments; IPv4 and IPv6) mutated by a seeded PRNG,
// plus hand-made TCP option edge cases. Checksums are not checked (WireGuard authenticated the
// packet), so lwIP parses every mutated header. Pass: no crash, no ASan report, no leak.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "io/event_loop.hpp"
#include "io/netstack_host.hpp"
#include "netstack/two_stacks.hpp"

namespace wgnet::testing {
namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

Bytes ipv4(uint8_t proto, const Bytes& payload, uint16_t frag = 0) {
  Bytes p(20 + payload.size());
  p[0] = 0x45;
  put16(p, 2, static_cast<uint16_t>(p.size()));
  put16(p, 6, frag);
  p[8] = 64;
  p[9] = proto;
  const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
  std::memcpy(&p[12], src, 4);
  std::memcpy(&p[16], dst, 4);
  std::memcpy(&p[20], payload.data(), payload.size());
  return p;
}

Bytes ipv6(uint8_t next, const Bytes& payload) {
  Bytes p(40 + payload.size());
  p[0] = 0x60;
  put16(p, 4, static_cast<uint16_t>(payload.size()));
  p[6] = next;
  p[7] = 64;
  p[8] = 0xfd;
  p[23] = 1;  // fd00::1
  p[24] = 0xfd;
  p[39] = 2;  // fd00::2
  std::memcpy(&p[40], payload.data(), payload.size());
  return p;
}

Bytes tcp_syn(const Bytes& options) {
  Bytes t(20 + options.size());
  put16(t, 0, 40000);
  put16(t, 2, 80);
  t[7] = 1;                                                // seq
  t[12] = static_cast<uint8_t>(((20 + options.size()) / 4) << 4);
  t[13] = 0x02;                                            // SYN
  put16(t, 14, 65535);
  if (!options.empty()) std::memcpy(&t[20], options.data(), options.size());
  return t;
}

std::vector<Bytes> templates() {
  const Bytes opts = {2, 4, 0x05, 0x64, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0};
  Bytes udp(8 + 12);
  put16(udp, 0, 5353);
  put16(udp, 2, 53);
  put16(udp, 4, static_cast<uint16_t>(udp.size()));
  Bytes icmp = {8, 0, 0, 0, 0, 1, 0, 1, 'p', 'i', 'n', 'g'};
  Bytes icmp6 = {128, 0, 0, 0, 0, 1, 0, 1, 'p', 'i', 'n', 'g'};
  Bytes frag6(8 + udp.size());  // fragment header (UDP, offset 0, more fragments, id 42) + UDP
  const uint8_t frag_header[8] = {17, 0, 0x00, 0x01, 0, 0, 0, 42};
  std::memcpy(frag6.data(), frag_header, sizeof frag_header);
  std::memcpy(frag6.data() + 8, udp.data(), udp.size());
  return {
      ipv4(6, tcp_syn(opts)),
      ipv4(17, udp),
      ipv4(1, icmp),
      ipv4(17, udp, 0x2000),  // first fragment, more to come
      ipv4(17, Bytes(16, 0xAA), 0x0002),  // a later fragment
      ipv6(6, tcp_syn(opts)),
      ipv6(17, udp),
      ipv6(58, icmp6),
      ipv6(44, frag6),
  };
}

// Hand-made TCP option cases that have tripped option parsers: zero length, length past the
// header, a truncated window-scale at the very end, an oversized data offset.
std::vector<Bytes> option_edge_cases() {
  std::vector<Bytes> out;
  for (Bytes opts : std::vector<Bytes>{{2, 0, 0, 0},        // MSS with length 0
                                       {3, 1, 0, 0},        // length 1
                                       {2, 40, 5, 0},       // length beyond the header
                                       {1, 1, 1, 3},        // WS kind, its length cut off
                                       {1, 1, 3, 3},        // WS length 3, value cut off
                                       {8, 10, 0, 0},       // timestamp cut short
                                       {5, 255, 0, 0},      // SACK with huge length
                                       {254, 2, 0, 0}}) {   // unknown kind
    out.push_back(ipv4(6, tcp_syn(opts)));
    out.push_back(ipv6(6, tcp_syn(opts)));
  }
  Bytes bad_offset = tcp_syn({});
  bad_offset[12] = 0xF0;  // data offset 60 bytes, packet has 20
  out.push_back(ipv4(6, bad_offset));
  out.push_back(ipv6(6, bad_offset));
  return out;
}

// Runs in a child (EXPECT_EXIT): returns the exit code.
int feed_malformed_packets() {
  auto loop = io::EventLoop::create();
  io::NetstackConfig config;
  config.addresses = {*IpPrefix::parse("10.0.0.2/24"), *IpPrefix::parse("fd00::2/64")};
  uint64_t replies = 0;
  auto host =
      io::NetstackHost::create(**loop, config, [&](std::span<const uint8_t>) { ++replies; });
  if (!host.ok()) return 2;
  io::NetstackHost& h = **host;
  if (!h.listen_tcp(ep("::", 80), [](Connection) {}).ok()) return 3;
  if (!h.bind_udp(ep("::", 53), [](const Endpoint&, std::span<const uint8_t>) {}).ok()) return 4;
  for (const auto& p : option_edge_cases()) h.input(p);
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  auto bases = templates();
  for (int i = 0; i < 30000; ++i) {
    Bytes p = bases[next() % bases.size()];
    int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (next() % 4) {
        case 0: p[next() % p.size()] ^= static_cast<uint8_t>(1u << (next() % 8)); break;
        case 1: p[next() % p.size()] = static_cast<uint8_t>(next()); break;
        case 2: p.resize(1 + next() % p.size()); break;  // truncate
        default: p.resize(p.size() + next() % 64, static_cast<uint8_t>(next())); break;
      }
    }
    h.input(p);
  }
  // Still a working stack: a well-formed SYN to a fresh port gets its SYN-ACK.
  Bytes syn = templates()[0];
  put16(syn, 20, 40001);
  uint64_t before = replies;
  h.input(syn);
  if (replies != before + 1) return 5;
  host->reset();
  return 0;
}

TEST(NetstackInput, MalformedPacketsAreDroppedSafely) {
  EXPECT_EXIT(std::_Exit(feed_malformed_packets()), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace wgnet::testing
