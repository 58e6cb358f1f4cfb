#include "core/allowed_ips.hpp"

#include <algorithm>
#include <bit>

namespace wgnet::core {
namespace allowed_ips_internal {

struct Node {
  Key key;                        // host bits beyond `cidr` are always zero
  unsigned cidr;                  // prefix length in bits
  std::optional<PeerIndex> peer;  // empty: a branch node that only joins two subtrees
  std::array<std::unique_ptr<Node>, 2> child;

  size_t child_count() const { return (child[0] ? 1 : 0) + (child[1] ? 1 : 0); }
};

namespace {

Key mask(Key k, unsigned cidr) {
  auto half = [](unsigned bits) -> uint64_t {
    if (bits == 0) return 0;
    if (bits >= 64) return ~uint64_t{0};
    return ~uint64_t{0} << (64 - bits);
  };
  return {k.hi & half(cidr), k.lo & half(cidr > 64 ? cidr - 64 : 0)};
}

// Bit `i` counted from the most significant bit of the address.
unsigned bit_at(Key k, unsigned i) {
  return i < 64 ? (k.hi >> (63 - i)) & 1 : (k.lo >> (127 - i)) & 1;
}

// Number of leading bits `a` and `b` share, capped at `limit`.
unsigned common_bits(Key a, Key b, unsigned limit) {
  const uint64_t hi = a.hi ^ b.hi;
  const uint64_t lo = a.lo ^ b.lo;
  const unsigned n = hi ? std::countl_zero(hi) : lo ? 64 + std::countl_zero(lo) : 128;
  return std::min(n, limit);
}

uint64_t load_be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

Key key_v4(const uint8_t* addr4) {
  return {load_be(addr4, 4) << 32, 0};
}
Key key_v6(const uint8_t* addr16) {
  return {load_be(addr16, 8), load_be(addr16 + 8, 8)};
}
Key key_of(const IpAddress& ip) {
  return ip.is_v4() ? key_v4(ip.bytes.data()) : key_v6(ip.bytes.data());
}

IpPrefix prefix_of(Key k, unsigned cidr, IpAddress::Family family) {
  IpPrefix p;
  p.addr.family = family;
  for (unsigned i = 0; i < 8; ++i) {
    // An IPv4 key has zeros below its top 32 bits, so bytes 4..15 stay zero as IpAddress wants.
    p.addr.bytes[i] = static_cast<uint8_t>(k.hi >> (56 - 8 * i));
    p.addr.bytes[8 + i] = static_cast<uint8_t>(k.lo >> (56 - 8 * i));
  }
  p.length = static_cast<uint8_t>(cidr);
  return p;
}

// Walk down while the node's prefix matches; the deepest owned node is the longest match.
std::optional<PeerIndex> find(const Node* node, Key key) {
  std::optional<PeerIndex> best;
  while (node && common_bits(node->key, key, node->cidr) == node->cidr) {
    if (node->peer) best = node->peer;
    if (node->cidr == 128) break;
    node = node->child[bit_at(key, node->cidr)].get();
  }
  return best;
}

void collect(const Node* node, PeerIndex peer, IpAddress::Family family,
             std::vector<IpPrefix>& out) {
  if (!node) return;
  if (node->peer == peer) out.push_back(prefix_of(node->key, node->cidr, family));
  collect(node->child[0].get(), peer, family, out);
  collect(node->child[1].get(), peer, family, out);
}

size_t count_nodes(const Node* node) {
  if (!node) return 0;
  return 1 + count_nodes(node->child[0].get()) + count_nodes(node->child[1].get());
}

// A node without an owner is kept only while it joins two subtrees: with one child the child
// takes its place, with none it goes.
void compact(std::unique_ptr<Node>& slot) {
  Node& n = *slot;
  if (n.peer || n.child_count() == 2) return;
  std::unique_ptr<Node> heir = std::move(n.child[n.child[0] ? 0 : 1]);
  slot = std::move(heir);
}

}  // namespace
}  // namespace allowed_ips_internal

using namespace allowed_ips_internal;

AllowedIps::AllowedIps() = default;
AllowedIps::~AllowedIps() = default;
AllowedIps::AllowedIps(AllowedIps&&) noexcept = default;
AllowedIps& AllowedIps::operator=(AllowedIps&&) noexcept = default;

void AllowedIps::insert(const IpPrefix& prefix, PeerIndex peer) {
  const unsigned width = prefix.addr.is_v4() ? 32 : 128;
  if (prefix.length > width) return;
  insert_key(prefix.addr.is_v4() ? root4_ : root6_, mask(key_of(prefix.addr), prefix.length),
             prefix.length, peer);
}

void AllowedIps::insert_key(Slot& root, Key key, unsigned cidr, PeerIndex peer) {
  Slot* slot = &root;
  while (*slot) {
    Node& node = **slot;
    const unsigned common = common_bits(node.key, key, std::min(node.cidr, cidr));
    if (common == node.cidr && common == cidr) {  // the same prefix: (re)assign its owner
      if (!node.peer) ++size_;
      node.peer = peer;
      return;
    }
    if (common == node.cidr) {  // node is a shorter prefix of key: descend
      slot = &node.child[bit_at(key, node.cidr)];
      continue;
    }
    auto fresh = std::make_unique<Node>(Node{key, cidr, peer, {}});
    if (common == cidr) {  // key is a shorter prefix of node: goes above it
      const unsigned side = bit_at(node.key, cidr);
      fresh->child[side] = std::move(*slot);
      *slot = std::move(fresh);
    } else {  // they diverge at bit `common`: join them under a branch node
      auto branch = std::make_unique<Node>(Node{mask(key, common), common, std::nullopt, {}});
      const unsigned side = bit_at(key, common);
      branch->child[side] = std::move(fresh);
      branch->child[1 - side] = std::move(*slot);
      *slot = std::move(branch);
    }
    ++size_;
    return;
  }
  *slot = std::make_unique<Node>(Node{key, cidr, peer, {}});
  ++size_;
}

void AllowedIps::remove(const IpPrefix& prefix, PeerIndex peer) {
  const unsigned width = prefix.addr.is_v4() ? 32 : 128;
  if (prefix.length > width) return;
  remove_key(prefix.addr.is_v4() ? root4_ : root6_, mask(key_of(prefix.addr), prefix.length),
             prefix.length, peer);
}

void AllowedIps::remove_key(Slot& root, Key key, unsigned cidr, PeerIndex peer) {
  Slot* parent = nullptr;
  Slot* slot = &root;
  while (*slot) {
    Node& node = **slot;
    if (node.cidr > cidr || common_bits(node.key, key, node.cidr) != node.cidr) return;
    if (node.cidr == cidr) break;
    parent = slot;
    slot = &node.child[bit_at(key, node.cidr)];
  }
  if (!*slot || (*slot)->peer != peer) return;
  (*slot)->peer.reset();
  --size_;
  compact(*slot);
  // If the node went away entirely, its parent may now be a branch with a single child.
  if (!*slot && parent) compact(*parent);
}

void AllowedIps::remove_by_peer(PeerIndex peer) {
  remove_peer_under(root4_, peer);
  remove_peer_under(root6_, peer);
}

// Post-order, so that every subtree is already compacted when its parent is looked at.
void AllowedIps::remove_peer_under(Slot& slot, PeerIndex peer) {
  if (!slot) return;
  remove_peer_under(slot->child[0], peer);
  remove_peer_under(slot->child[1], peer);
  if (slot->peer == peer) {
    slot->peer.reset();
    --size_;
  }
  compact(slot);
}

std::optional<PeerIndex> AllowedIps::lookup(const IpAddress& ip) const {
  return ip.is_v4() ? lookup_v4(ip.bytes.data()) : lookup_v6(ip.bytes.data());
}

std::optional<PeerIndex> AllowedIps::lookup_v4(const uint8_t* addr4) const {
  return find(root4_.get(), key_v4(addr4));
}

std::optional<PeerIndex> AllowedIps::lookup_v6(const uint8_t* addr16) const {
  return find(root6_.get(), key_v6(addr16));
}

std::vector<IpPrefix> AllowedIps::list(PeerIndex peer) const {
  std::vector<IpPrefix> out;
  collect(root4_.get(), peer, IpAddress::Family::kV4, out);
  collect(root6_.get(), peer, IpAddress::Family::kV6, out);
  return out;
}

size_t AllowedIps::node_count() const {
  return count_nodes(root4_.get()) + count_nodes(root6_.get());
}

void AllowedIps::clear() {
  root4_.reset();
  root6_.reset();
  size_ = 0;
}

}  // namespace wgnet::core
