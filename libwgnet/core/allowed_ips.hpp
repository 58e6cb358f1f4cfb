// Cryptokey routing: the table of allowed IPs, mapping prefixes to the peer that owns them.
// Outbound, the longest match picks the peer to encrypt for; inbound, a decrypted packet's
// source must map back to the peer it came from. A path-compressed binary trie per family, as
// the Linux driver's allowedips.c: a node holds a prefix, an optional owner, and two children
// keyed by the first bit past the prefix; prefix-less branch nodes exist only where two
// subtrees diverge. Single owner, no locking; lookups do not allocate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/peer_index.hpp"
#include "wgnet/ip.hpp"

namespace wgnet::core {

namespace allowed_ips_internal {
// A 128-bit key as two big-endian halves, so prefix tests are a mask and an xor. IPv4
// addresses occupy the top 32 bits.
struct Key {
  uint64_t hi = 0;
  uint64_t lo = 0;
};
struct Node;  // defined in allowed_ips.cpp
}  // namespace allowed_ips_internal

class AllowedIps {
 public:
  AllowedIps();
  ~AllowedIps();
  AllowedIps(AllowedIps&&) noexcept;
  AllowedIps& operator=(AllowedIps&&) noexcept;
  AllowedIps(const AllowedIps&) = delete;
  AllowedIps& operator=(const AllowedIps&) = delete;

  // Host bits are masked off. An identical prefix already present changes owner to `peer`.
  // A length beyond the family's width (> 32 / > 128) is ignored (IpPrefix::parse never makes one).
  void insert(const IpPrefix& prefix, PeerIndex peer);
  // Removes the exact prefix (after masking), and only if `peer` owns it; otherwise no effect.
  void remove(const IpPrefix& prefix, PeerIndex peer);
  void remove_by_peer(PeerIndex peer);

  // Longest-prefix match, v4 and v6 in separate tries.
  std::optional<PeerIndex> lookup(const IpAddress& ip) const;
  // Hot path for the data plane: address bytes straight out of a packet header.
  std::optional<PeerIndex> lookup_v4(const uint8_t* addr4) const;
  std::optional<PeerIndex> lookup_v6(const uint8_t* addr16) const;

  // The prefixes `peer` owns (masked), v4 first, each family in address order.
  std::vector<IpPrefix> list(PeerIndex peer) const;
  size_t size() const { return size_; }  // number of prefixes
  // Trie nodes including branch nodes; 0 once empty, < 2 * size() when compact (for tests).
  size_t node_count() const;
  void clear();

 private:
  using Key = allowed_ips_internal::Key;
  using Node = allowed_ips_internal::Node;
  using Slot = std::unique_ptr<Node>;

  void insert_key(Slot& root, Key key, unsigned cidr, PeerIndex peer);
  void remove_key(Slot& root, Key key, unsigned cidr, PeerIndex peer);
  void remove_peer_under(Slot& slot, PeerIndex peer);

  Slot root4_;
  Slot root6_;
  size_t size_ = 0;
};

}  // namespace wgnet::core
