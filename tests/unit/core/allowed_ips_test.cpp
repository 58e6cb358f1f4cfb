// TESTPLAN D8 (building block), D9, D10, D11: the allowed-IPs trie against the Linux driver's
// selftest/allowedips.c static cases, a naive linear reference, and a large configuration.
#include "core/allowed_ips.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace wgnet::core {
namespace {

IpAddress ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return IpAddress::v4(a, b, c, d);
}

// The driver's ip6(): four 32-bit words, most significant first.
IpAddress ip6(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  IpAddress ip;
  ip.family = IpAddress::Family::kV6;
  const uint32_t words[4] = {a, b, c, d};
  for (int w = 0; w < 4; ++w) {
    for (int i = 0; i < 4; ++i)
      ip.bytes[4 * w + i] = static_cast<uint8_t>(words[w] >> (24 - 8 * i));
  }
  return ip;
}

IpPrefix pfx(const IpAddress& ip, uint8_t len) {
  return IpPrefix{ip, len};
}

IpPrefix parse(const char* text) {
  auto p = IpPrefix::parse(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(IpPrefix{});
}

// Peers a..h of the selftest.
constexpr PeerIndex a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;

// A table is compact when every owner-less node joins two subtrees, which bounds the nodes.
void expect_compact(const AllowedIps& t) {
  if (t.size() == 0) {
    EXPECT_EQ(t.node_count(), 0u);
  } else {
    EXPECT_LT(t.node_count(), 2 * t.size());
  }
}

// D9, first part of wg_allowedips_selftest: inserts then lookups, in the driver's order.
TEST(AllowedIps, KernelStaticLookups) {
  AllowedIps t;
  t.insert(pfx(ip4(192, 168, 4, 0), 24), a);
  t.insert(pfx(ip4(192, 168, 4, 4), 32), b);
  t.insert(pfx(ip4(192, 168, 0, 0), 16), c);
  t.insert(pfx(ip4(192, 95, 5, 64), 27), d);
  // replaces previous entry, and maskself is required
  t.insert(pfx(ip4(192, 95, 5, 65), 27), c);
  t.insert(pfx(ip6(0x26075300, 0x60006b00, 0, 0xc05f0543), 128), d);
  t.insert(pfx(ip6(0x26075300, 0x60006b00, 0, 0), 64), c);
  t.insert(pfx(ip4(0, 0, 0, 0), 0), e);
  t.insert(pfx(ip6(0, 0, 0, 0), 0), e);
  // replaces previous entry
  t.insert(pfx(ip6(0, 0, 0, 0), 0), f);
  t.insert(pfx(ip6(0x24046800, 0, 0, 0), 32), g);
  // maskself is required
  t.insert(pfx(ip6(0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef), 64), h);
  t.insert(pfx(ip6(0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef), 128), a);
  t.insert(pfx(ip6(0x24446800, 0x40e40800, 0xdeaebeef, 0xdefbeef), 128), c);
  t.insert(pfx(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0), 98), b);
  t.insert(pfx(ip4(64, 15, 112, 0), 20), g);
  // maskself is required
  t.insert(pfx(ip4(64, 15, 123, 211), 25), h);
  t.insert(pfx(ip4(10, 0, 0, 0), 25), a);
  t.insert(pfx(ip4(10, 0, 0, 128), 25), b);
  t.insert(pfx(ip4(10, 1, 0, 0), 30), a);
  t.insert(pfx(ip4(10, 1, 0, 4), 30), b);
  t.insert(pfx(ip4(10, 1, 0, 8), 29), c);
  t.insert(pfx(ip4(10, 1, 0, 16), 29), d);
  EXPECT_EQ(t.size(), 21u);  // 23 inserts, 2 of them replacements
  expect_compact(t);

  EXPECT_EQ(t.lookup(ip4(192, 168, 4, 20)), a);
  EXPECT_EQ(t.lookup(ip4(192, 168, 4, 0)), a);
  EXPECT_EQ(t.lookup(ip4(192, 168, 4, 4)), b);
  EXPECT_EQ(t.lookup(ip4(192, 168, 200, 182)), c);
  EXPECT_EQ(t.lookup(ip4(192, 95, 5, 68)), c);
  EXPECT_EQ(t.lookup(ip4(192, 95, 5, 96)), e);
  EXPECT_EQ(t.lookup(ip6(0x26075300, 0x60006b00, 0, 0xc05f0543)), d);
  EXPECT_EQ(t.lookup(ip6(0x26075300, 0x60006b00, 0, 0xc02e01ee)), c);
  EXPECT_EQ(t.lookup(ip6(0x26075300, 0x60006b01, 0, 0)), f);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040806, 0, 0x1006)), g);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040806, 0x1234, 0x5678)), g);
  EXPECT_EQ(t.lookup(ip6(0x240467ff, 0x40040806, 0x1234, 0x5678)), f);
  EXPECT_EQ(t.lookup(ip6(0x24046801, 0x40040806, 0x1234, 0x5678)), f);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040800, 0x1234, 0x5678)), h);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040800, 0, 0)), h);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040800, 0x10101010, 0x10101010)), h);
  EXPECT_EQ(t.lookup(ip6(0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef)), a);
  EXPECT_EQ(t.lookup(ip4(64, 15, 116, 26)), g);
  EXPECT_EQ(t.lookup(ip4(64, 15, 127, 3)), g);
  EXPECT_EQ(t.lookup(ip4(64, 15, 123, 1)), g);
  EXPECT_EQ(t.lookup(ip4(64, 15, 123, 128)), h);
  EXPECT_EQ(t.lookup(ip4(64, 15, 123, 129)), h);
  EXPECT_EQ(t.lookup(ip4(10, 0, 0, 52)), a);
  EXPECT_EQ(t.lookup(ip4(10, 0, 0, 220)), b);
  EXPECT_EQ(t.lookup(ip4(10, 1, 0, 2)), a);
  EXPECT_EQ(t.lookup(ip4(10, 1, 0, 6)), b);
  EXPECT_EQ(t.lookup(ip4(10, 1, 0, 10)), c);
  EXPECT_EQ(t.lookup(ip4(10, 1, 0, 20)), d);

  // Continues on the same table: remove_by_peer of host routes.
  t.insert(pfx(ip4(1, 0, 0, 0), 32), a);
  t.insert(pfx(ip4(64, 0, 0, 0), 32), a);
  t.insert(pfx(ip4(128, 0, 0, 0), 32), a);
  t.insert(pfx(ip4(192, 0, 0, 0), 32), a);
  t.insert(pfx(ip4(255, 0, 0, 0), 32), a);
  t.remove_by_peer(a);
  EXPECT_NE(t.lookup(ip4(1, 0, 0, 0)), a);
  EXPECT_NE(t.lookup(ip4(64, 0, 0, 0)), a);
  EXPECT_NE(t.lookup(ip4(128, 0, 0, 0)), a);
  EXPECT_NE(t.lookup(ip4(192, 0, 0, 0)), a);
  EXPECT_NE(t.lookup(ip4(255, 0, 0, 0)), a);
  EXPECT_TRUE(t.list(a).empty());
  EXPECT_EQ(t.lookup(ip4(10, 0, 0, 220)), b);  // others untouched
  expect_compact(t);
}

// D9: the exact-match removal cases added with WGALLOWEDIP_F_REMOVE_ME. A different peer (the
// driver also tries NULL) or an invalid length must have no effect.
TEST(AllowedIps, KernelStaticRemove) {
  AllowedIps t;
  t.insert(pfx(ip4(1, 0, 0, 0), 32), a);
  t.insert(pfx(ip4(192, 0, 0, 0), 24), a);
  t.insert(pfx(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef), 128), a);
  t.insert(pfx(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0), 98), a);
  EXPECT_EQ(t.lookup(ip4(1, 0, 0, 0)), a);
  EXPECT_EQ(t.lookup(ip4(192, 0, 0, 1)), a);
  EXPECT_EQ(t.lookup(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef)), a);
  EXPECT_EQ(t.lookup(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0x10101010)), a);
  // Must be an exact match to remove
  t.remove(pfx(ip4(192, 0, 0, 0), 32), a);
  EXPECT_EQ(t.lookup(ip4(192, 0, 0, 1)), a);
  // different peer should have no effect
  t.remove(pfx(ip4(192, 0, 0, 0), 24), b);
  EXPECT_EQ(t.lookup(ip4(192, 0, 0, 1)), a);
  // invalid CIDR should have no effect
  t.remove(pfx(ip4(192, 0, 0, 0), 33), b);
  t.remove(pfx(ip4(192, 0, 0, 0), 33), a);
  EXPECT_EQ(t.lookup(ip4(192, 0, 0, 1)), a);
  t.remove(pfx(ip4(192, 0, 0, 0), 24), a);
  EXPECT_NE(t.lookup(ip4(192, 0, 0, 1)), a);
  t.remove(pfx(ip4(1, 0, 0, 0), 32), a);
  EXPECT_NE(t.lookup(ip4(1, 0, 0, 0)), a);
  // Must be an exact match to remove
  t.remove(pfx(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef), 96), a);
  EXPECT_EQ(t.lookup(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef)), a);
  // different peer should have no effect
  t.remove(pfx(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef), 128), b);
  EXPECT_EQ(t.lookup(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef)), a);
  // invalid CIDR should have no effect
  t.remove(pfx(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef), 129), a);
  EXPECT_EQ(t.lookup(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef)), a);
  t.remove(pfx(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef), 128), a);
  EXPECT_NE(t.lookup(ip6(0x24446801, 0x40e40800, 0xdeaebeef, 0xdefbeef)), a);
  // Must match the peer to remove
  t.remove(pfx(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0), 98), b);
  EXPECT_EQ(t.lookup(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0x10101010)), a);
  t.remove(pfx(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0), 98), a);
  EXPECT_NE(t.lookup(ip6(0x24446800, 0xf0e40800, 0xeeaebeef, 0x10101010)), a);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

// D9: a prefix and its own more-specific route, both of one peer, then remove_by_peer.
TEST(AllowedIps, KernelStaticNestedRemoveByPeer) {
  AllowedIps t;
  t.insert(pfx(ip4(192, 168, 0, 0), 16), a);
  t.insert(pfx(ip4(192, 168, 0, 0), 24), a);
  t.remove_by_peer(a);
  EXPECT_NE(t.lookup(ip4(192, 168, 0, 1)), a);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

// D9: 128 host routes each differing from all-ones in one bit: the deepest possible v6 trie
// (the driver's check against walking past MAX_ALLOWEDIPS_BITS).
TEST(AllowedIps, KernelStaticDeepV6) {
  AllowedIps t;
  std::vector<IpAddress> ips;
  for (unsigned i = 0; i < 128; ++i) {
    IpAddress ip;
    ip.family = IpAddress::Family::kV6;
    ip.bytes.fill(0xff);
    ip.bytes[i / 8] = static_cast<uint8_t>(~(0x80u >> (i % 8)));
    ips.push_back(ip);
    t.insert(pfx(ip, 128), a);
  }
  EXPECT_EQ(t.size(), 128u);
  expect_compact(t);
  for (const auto& ip : ips) EXPECT_EQ(t.lookup(ip), a) << ip.to_string();
  IpAddress ones;
  ones.family = IpAddress::Family::kV6;
  ones.bytes.fill(0xff);
  EXPECT_EQ(t.lookup(ones), std::nullopt);
  for (size_t i = 0; i < ips.size(); i += 2) t.remove(pfx(ips[i], 128), a);
  EXPECT_EQ(t.size(), 64u);
  expect_compact(t);
  for (size_t i = 0; i < ips.size(); ++i) {
    EXPECT_EQ(t.lookup(ips[i]), i % 2 ? std::optional<PeerIndex>(a) : std::nullopt);
  }
  t.remove_by_peer(a);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

// D9: list() returns each owned prefix once, masked, whatever host bits were inserted.
TEST(AllowedIps, KernelStaticList) {
  AllowedIps t;
  t.insert(pfx(ip4(192, 95, 5, 93), 27), a);
  t.insert(pfx(ip6(0x26075300, 0x60006b00, 0, 0xc05f0543), 128), a);
  t.insert(pfx(ip4(10, 1, 0, 20), 29), a);
  t.insert(pfx(ip6(0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523), 83), a);
  t.insert(pfx(ip6(0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523), 21), a);
  t.insert(pfx(ip4(10, 1, 0, 20), 32), b);  // another peer's: must not be listed for a
  const std::vector<IpPrefix> want = {
      // v4 first, then v6, each in address order
      pfx(ip4(10, 1, 0, 16), 29),
      pfx(ip4(192, 95, 5, 64), 27),
      pfx(ip6(0x26075000, 0, 0, 0), 21),
      pfx(ip6(0x26075300, 0x60006b00, 0, 0xc05f0543), 128),
      pfx(ip6(0x26075300, 0x6d8a6bf8, 0xdab1e000, 0), 83),
  };
  EXPECT_EQ(t.list(a), want);
  EXPECT_EQ(t.list(b), std::vector<IpPrefix>{pfx(ip4(10, 1, 0, 20), 32)});
  EXPECT_TRUE(t.list(c).empty());
  for (const auto& p : t.list(a)) EXPECT_EQ(p, p.masked()) << p.to_string();
}

// D8's building block: a /32 inside another peer's /24 belongs to the /32's owner.
TEST(AllowedIps, MoreSpecificRouteOfOtherPeerWins) {
  AllowedIps t;
  t.insert(parse("10.0.0.0/24"), a);
  t.insert(parse("10.0.0.2/32"), b);
  t.insert(parse("fd00::/64"), a);
  t.insert(parse("fd00::2/128"), b);
  EXPECT_EQ(t.lookup(*IpAddress::parse("10.0.0.2")), b);
  EXPECT_EQ(t.lookup(*IpAddress::parse("10.0.0.3")), a);
  EXPECT_EQ(t.lookup(*IpAddress::parse("10.0.1.2")), std::nullopt);
  EXPECT_EQ(t.lookup(*IpAddress::parse("fd00::2")), b);
  EXPECT_EQ(t.lookup(*IpAddress::parse("fd00::3")), a);
  EXPECT_EQ(t.lookup(*IpAddress::parse("fd00:0:0:1::2")), std::nullopt);
}

TEST(AllowedIps, FamiliesAreSeparate) {
  AllowedIps t;
  t.insert(parse("0.0.0.0/0"), a);
  EXPECT_EQ(t.lookup(*IpAddress::parse("::")), std::nullopt);
  EXPECT_EQ(t.lookup(*IpAddress::parse("::ffff:10.0.0.1")), std::nullopt);
  EXPECT_EQ(t.lookup(*IpAddress::parse("255.255.255.255")), a);
  t.insert(parse("::/0"), b);
  EXPECT_EQ(t.lookup(*IpAddress::parse("0.0.0.0")), a);
  EXPECT_EQ(t.lookup(*IpAddress::parse("ffff::1")), b);
  EXPECT_EQ(t.size(), 2u);
}

TEST(AllowedIps, InsertReplacesOwnerAndMasksHostBits) {
  AllowedIps t;
  t.insert(parse("10.1.2.3/8"), a);
  t.insert(parse("10.0.0.0/8"), b);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.lookup(*IpAddress::parse("10.200.0.1")), b);
  EXPECT_TRUE(t.list(a).empty());
  EXPECT_EQ(t.list(b), std::vector<IpPrefix>{parse("10.0.0.0/8")});
  t.remove(parse("10.9.9.9/8"), b);  // host bits are masked on remove too
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.lookup(*IpAddress::parse("10.200.0.1")), std::nullopt);
}

TEST(AllowedIps, InvalidLengthIgnored) {
  AllowedIps t;
  t.insert(pfx(ip4(10, 0, 0, 1), 33), a);
  t.insert(pfx(ip6(1, 2, 3, 4), 129), a);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

TEST(AllowedIps, HotPathMatchesLookup) {
  AllowedIps t;
  t.insert(parse("192.168.0.0/16"), a);
  t.insert(parse("192.168.7.0/24"), b);
  t.insert(parse("2001:db8::/32"), c);
  t.insert(parse("2001:db8:1::/48"), d);
  const uint8_t v4[4] = {192, 168, 7, 9};
  const uint8_t v4_other[4] = {192, 168, 8, 9};
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const uint8_t v6_other[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(t.lookup_v4(v4), b);
  EXPECT_EQ(t.lookup_v4(v4_other), a);
  EXPECT_EQ(t.lookup_v6(v6), d);
  EXPECT_EQ(t.lookup_v6(v6_other), c);
}

TEST(AllowedIps, ClearAndMove) {
  AllowedIps t;
  t.insert(parse("10.0.0.0/8"), a);
  t.insert(parse("fd00::/8"), a);
  AllowedIps moved = std::move(t);
  EXPECT_EQ(moved.lookup(*IpAddress::parse("10.1.1.1")), a);
  EXPECT_EQ(moved.size(), 2u);
  moved.clear();
  EXPECT_EQ(moved.size(), 0u);
  EXPECT_EQ(moved.node_count(), 0u);
  EXPECT_EQ(moved.lookup(*IpAddress::parse("10.1.1.1")), std::nullopt);
}

// ---- D10: randomized against a naive linear table ----

struct NaiveEntry {
  IpAddress::Family family;
  std::array<uint8_t, 16> bytes;  // masked
  unsigned cidr;
  PeerIndex peer;
};

// Deliberately the slowest obvious implementation: byte-wise masks, scan everything.
class NaiveTable {
 public:
  static std::array<uint8_t, 16> masked(const std::array<uint8_t, 16>& in, unsigned cidr) {
    std::array<uint8_t, 16> out{};
    for (unsigned i = 0; i < 16; ++i) {
      const unsigned bits = cidr > 8 * i ? std::min(cidr - 8 * i, 8u) : 0;
      out[i] = static_cast<uint8_t>(in[i] & (0xff00u >> bits));
    }
    return out;
  }
  void insert(IpAddress::Family fam, const std::array<uint8_t, 16>& raw, unsigned cidr,
              PeerIndex peer) {
    const auto key = masked(raw, cidr);
    for (auto& e : entries_) {
      if (e.family == fam && e.cidr == cidr && e.bytes == key) {
        e.peer = peer;
        return;
      }
    }
    entries_.push_back({fam, key, cidr, peer});
  }
  void remove(IpAddress::Family fam, const std::array<uint8_t, 16>& raw, unsigned cidr,
              PeerIndex peer) {
    const auto key = masked(raw, cidr);
    std::erase_if(entries_, [&](const NaiveEntry& e) {
      return e.family == fam && e.cidr == cidr && e.bytes == key && e.peer == peer;
    });
  }
  void remove_by_peer(PeerIndex peer) {
    std::erase_if(entries_, [&](const NaiveEntry& e) { return e.peer == peer; });
  }
  std::optional<PeerIndex> lookup(IpAddress::Family fam, const std::array<uint8_t, 16>& ip) const {
    const NaiveEntry* best = nullptr;
    for (const auto& e : entries_) {
      if (e.family != fam || (best && e.cidr <= best->cidr)) continue;
      if (matches(e, ip)) best = &e;
    }
    return best ? std::optional<PeerIndex>(best->peer) : std::nullopt;
  }
  size_t size() const { return entries_.size(); }
  const NaiveEntry& entry(size_t i) const { return entries_[i]; }
  std::vector<IpPrefix> sorted_list(PeerIndex peer) const {
    std::vector<IpPrefix> out;
    for (const auto& e : entries_) {
      if (e.peer != peer) continue;
      IpAddress addr;
      addr.family = e.family;
      addr.bytes = e.bytes;
      out.push_back(IpPrefix{addr, static_cast<uint8_t>(e.cidr)});
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  static bool matches(const NaiveEntry& e, const std::array<uint8_t, 16>& ip) {
    for (unsigned i = 0; 8 * i < e.cidr; ++i) {
      const unsigned bits = std::min(e.cidr - 8 * i, 8u);
      if ((ip[i] & (0xff00u >> bits)) != e.bytes[i]) return false;
    }
    return true;
  }

  std::vector<NaiveEntry> entries_;
};

TEST(AllowedIps, RandomizedAgainstNaive) {
  constexpr unsigned kPeers = 8;
  constexpr unsigned kBaseRoutes = 40;
  constexpr unsigned kMutatedRoutes = 50;  // per base route, sharing a random part of its prefix
  constexpr unsigned kQueries = 1000;      // per family, per round

  std::mt19937 rng(0x5eed);
  auto rnd = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  auto random_bytes = [&](unsigned n) {
    std::array<uint8_t, 16> out{};
    for (unsigned i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
    return out;
  };
  // Keep the first `keep` bits of `base`, randomize the rest of its `n` bytes.
  auto mutate = [&](const std::array<uint8_t, 16>& base, unsigned n, unsigned keep) {
    auto out = random_bytes(n);
    const auto kept = NaiveTable::masked(base, keep);
    const auto keep_mask =
        NaiveTable::masked(std::array<uint8_t, 16>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                           keep);
    for (unsigned i = 0; i < n; ++i)
      out[i] = static_cast<uint8_t>(kept[i] | (out[i] & ~keep_mask[i]));
    return out;
  };
  auto to_ip = [](IpAddress::Family fam, const std::array<uint8_t, 16>& raw) {
    IpAddress ip;
    ip.family = fam;
    ip.bytes = raw;
    if (fam == IpAddress::Family::kV4) std::fill(ip.bytes.begin() + 4, ip.bytes.end(), 0);
    return ip;
  };

  AllowedIps t;
  NaiveTable ref;
  std::vector<std::pair<IpAddress::Family, std::array<uint8_t, 16>>> seeds;  // query anchors
  for (auto fam : {IpAddress::Family::kV4, IpAddress::Family::kV6}) {
    const unsigned n = fam == IpAddress::Family::kV4 ? 4 : 16;
    const unsigned width = 8 * n;
    for (unsigned r = 0; r < kBaseRoutes; ++r) {
      const auto base = random_bytes(n);
      for (unsigned m = 0; m <= kMutatedRoutes; ++m) {
        const auto raw = m == 0 ? base : mutate(base, n, rnd(width));
        const unsigned cidr = 1 + rnd(width);
        const PeerIndex peer = rnd(kPeers);
        t.insert(IpPrefix{to_ip(fam, raw), static_cast<uint8_t>(cidr)}, peer);
        ref.insert(fam, raw, cidr, peer);
        seeds.emplace_back(fam, raw);
      }
    }
  }
  ASSERT_EQ(t.size(), ref.size());
  expect_compact(t);

  auto check_queries = [&](const char* stage) {
    for (auto fam : {IpAddress::Family::kV4, IpAddress::Family::kV6}) {
      const unsigned n = fam == IpAddress::Family::kV4 ? 4 : 16;
      for (unsigned q = 0; q < kQueries; ++q) {
        std::array<uint8_t, 16> raw;
        if (q % 2) {
          raw = random_bytes(n);
        } else {  // near an inserted route, so that deep nodes are reached
          const auto& [sfam, s] = seeds[rnd(static_cast<unsigned>(seeds.size()))];
          raw = mutate(s, n, sfam == fam ? rnd(8 * n + 1) : 0);
        }
        const IpAddress ip = to_ip(fam, raw);
        const auto want = ref.lookup(fam, ip.bytes);
        ASSERT_EQ(t.lookup(ip), want) << stage << ": " << ip.to_string();
        ASSERT_EQ(fam == IpAddress::Family::kV4 ? t.lookup_v4(ip.bytes.data())
                                                : t.lookup_v6(ip.bytes.data()),
                  want);
      }
    }
  };
  check_queries("after insert");

  // For a third of the anchors: a removal with random length and owner (mostly a no-op: wrong
  // length or wrong owner, which must change nothing), then the removal of one existing prefix
  // named with its owner.
  const size_t size_before_removes = t.size();
  size_t victims = 0;
  for (size_t i = 0; i < seeds.size(); i += 3) {
    const auto& [fam, raw] = seeds[i];
    const unsigned width = fam == IpAddress::Family::kV4 ? 32 : 128;
    const unsigned cidr = 1 + rnd(width);
    const PeerIndex peer = rnd(kPeers);
    t.remove(IpPrefix{to_ip(fam, raw), static_cast<uint8_t>(cidr)}, peer);
    ref.remove(fam, raw, cidr, peer);
    // Also a prefix that exists, named with its owner, so that removals really happen.
    if (ref.size() > 0) {
      const NaiveEntry victim = ref.entry(rnd(static_cast<unsigned>(ref.size())));
      IpAddress addr;
      addr.family = victim.family;
      addr.bytes = victim.bytes;
      t.remove(IpPrefix{addr, static_cast<uint8_t>(victim.cidr)}, victim.peer);
      ref.remove(victim.family, victim.bytes, victim.cidr, victim.peer);
      ++victims;
    }
  }
  ASSERT_EQ(t.size(), ref.size());
  ASSERT_LE(t.size(), size_before_removes - victims);
  expect_compact(t);
  check_queries("after remove");

  for (PeerIndex peer = 0; peer < kPeers; ++peer) {
    auto listed = t.list(peer);
    std::sort(listed.begin(), listed.end());
    ASSERT_EQ(listed, ref.sorted_list(peer)) << "peer " << peer;
    t.remove_by_peer(peer);
    ref.remove_by_peer(peer);
    ASSERT_EQ(t.size(), ref.size());
    ASSERT_TRUE(t.list(peer).empty());
    expect_compact(t);
    check_queries("after remove_by_peer");
  }
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

// ---- D11: large configurations ----

TEST(AllowedIps, LargeConfigOnePeer) {
  AllowedIps t;
  const auto start = std::chrono::steady_clock::now();
  for (unsigned i = 1; i <= 255; ++i) {
    for (unsigned j = 0; j <= 255; ++j) {
      t.insert(pfx(ip4(static_cast<uint8_t>(i), static_cast<uint8_t>(j), 0, 0), 16), a);
      t.insert(pfx(ip6(0xfd000000, 0, 0, (i << 8) | j), 128), a);
    }
  }
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::printf("[ info     ] inserted 130560 prefixes in %.3f s\n", elapsed.count());
  EXPECT_LT(elapsed.count(), 5.0);
  EXPECT_EQ(t.size(), 130560u);
  EXPECT_EQ(t.list(a).size(), 130560u);
  EXPECT_EQ(t.lookup(ip4(200, 7, 1, 1)), a);
  EXPECT_EQ(t.lookup(ip4(0, 7, 1, 1)), std::nullopt);
  EXPECT_EQ(t.lookup(ip6(0xfd000000, 0, 0, 0xff07)), a);
  EXPECT_EQ(t.lookup(ip6(0xfd000000, 0, 0, 0x10000)), std::nullopt);
  t.remove_by_peer(a);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.node_count(), 0u);
}

TEST(AllowedIps, LargeConfigFortyPeers) {
  AllowedIps t;
  for (PeerIndex p = 0; p < 40; ++p) {
    for (unsigned k = 0; k < 52; ++k) {
      // Each peer owns 26 v4 /24s and 26 v6 /64s of its own.
      if (k < 26)
        t.insert(pfx(ip4(10, static_cast<uint8_t>(p), static_cast<uint8_t>(k), 0), 24), p);
      else
        t.insert(pfx(ip6(0xfd000000 | p, k, 0, 0), 64), p);
    }
  }
  EXPECT_EQ(t.size(), 40u * 52u);
  for (PeerIndex p = 0; p < 40; ++p) {
    ASSERT_EQ(t.list(p).size(), 52u) << p;
    EXPECT_EQ(t.lookup(ip4(10, static_cast<uint8_t>(p), 25, 9)), p);
    EXPECT_EQ(t.lookup(ip6(0xfd000000 | p, 51, 1, 1)), p);
  }
  EXPECT_EQ(t.lookup(ip4(10, 0, 26, 1)), std::nullopt);
}

}  // namespace
}  // namespace wgnet::core
