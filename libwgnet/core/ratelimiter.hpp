// Per-source token bucket for handshake messages while under load, as the Linux driver's
// ratelimiter.c: 20 packets per second with a burst of 5; IPv4 sources keyed by address, IPv6
// by their /64 (one host usually owns a whole /64). When the table is full, new sources are
// denied (fail closed): an attacker filling the table must not disable the limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "wgnet/ip.hpp"

namespace wgnet::core {

class Ratelimiter {
 public:
  static constexpr uint64_t PACKETS_PER_SECOND = 20;
  static constexpr uint64_t PACKETS_BURST = 5;
  static constexpr int64_t PACKET_COST = 1'000'000'000 / PACKETS_PER_SECOND;  // ns of tokens
  static constexpr int64_t TOKEN_MAX = PACKET_COST * PACKETS_BURST;
  static constexpr size_t DEFAULT_CAPACITY = 8192;

  explicit Ratelimiter(size_t capacity = DEFAULT_CAPACITY) : capacity_(capacity) {}

  // True if a handshake message from `source` may be processed now.
  bool allow(const IpAddress& source, std::chrono::nanoseconds now);
  size_t size() const { return table_.size(); }

 private:
  struct Entry {
    int64_t last_time_ns;
    int64_t tokens;
  };
  struct KeyHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.first * 0x9e3779b97f4a7c15ULL ^ k.second);
    }
  };
  using Key = std::pair<uint64_t, uint64_t>;  // (family, address or /64)
  static Key key_of(const IpAddress& ip);
  void gc(int64_t now_ns);

  size_t capacity_;
  int64_t last_gc_ns_ = 0;
  std::unordered_map<Key, Entry, KeyHash> table_;
};

}  // namespace wgnet::core
