#include "core/tai64n.hpp"

#include <algorithm>

namespace wgnet::core {

Tai64n tai64n_from_wall(std::chrono::nanoseconds since_epoch) {
  const int64_t ns = std::max<int64_t>(since_epoch.count(), 0);
  const uint64_t secs = TAI64_BASE + static_cast<uint64_t>(ns / 1'000'000'000);
  uint32_t nsec = static_cast<uint32_t>(ns % 1'000'000'000);
  nsec &= ~(TAI64N_NSEC_ROUNDING - 1);
  Tai64n out{};
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(secs >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(nsec >> (24 - 8 * i));
  return out;
}

bool tai64n_after(const Tai64n& a, const Tai64n& b) {
  return std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
}

Tai64n Tai64nClock::stamp(std::chrono::nanoseconds wall_now) {
  const Tai64n now = tai64n_from_wall(wall_now);
  if (tai64n_after(now, last_)) last_ = now;
  return last_;
}

}  // namespace wgnet::core
