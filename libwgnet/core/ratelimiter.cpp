#include "core/ratelimiter.hpp"

#include <algorithm>

namespace wgnet::core {

namespace {
constexpr int64_t kEntryIdleNs = 1'000'000'000;  // entries idle for a second are full again: drop
}

Ratelimiter::Key Ratelimiter::key_of(const IpAddress& ip) {
  uint64_t addr = 0;
  const size_t n = ip.is_v4() ? 4 : 8;  // v6: the /64
  for (size_t i = 0; i < n; ++i) addr = addr << 8 | ip.bytes[i];
  return {ip.is_v4() ? 4u : 6u, addr};
}

void Ratelimiter::gc(int64_t now_ns) {
  if (now_ns - last_gc_ns_ < kEntryIdleNs) return;
  last_gc_ns_ = now_ns;
  std::erase_if(table_, [&](const auto& kv) { return now_ns - kv.second.last_time_ns >= kEntryIdleNs; });
}

bool Ratelimiter::allow(const IpAddress& source, std::chrono::nanoseconds now) {
  const int64_t now_ns = now.count();
  gc(now_ns);
  const Key key = key_of(source);
  auto it = table_.find(key);
  if (it == table_.end()) {
    if (table_.size() >= capacity_) return false;
    table_.emplace(key, Entry{now_ns, TOKEN_MAX - PACKET_COST});
    return true;
  }
  Entry& e = it->second;
  e.tokens = std::min(TOKEN_MAX, e.tokens + std::max<int64_t>(0, now_ns - e.last_time_ns));
  e.last_time_ns = now_ns;
  if (e.tokens < PACKET_COST) return false;
  e.tokens -= PACKET_COST;
  return true;
}

}  // namespace wgnet::core
