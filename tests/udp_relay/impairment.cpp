#include "impairment.hpp"

#include <algorithm>

namespace wgnet::relay {

// splitmix64: fast, good enough spread, and the same sequence for the same --seed.
double Impairment::uniform() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

Clock::time_point Impairment::one_copy(Clock::time_point now, bool reordered) {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  int64_t us = int64_t{o_.delay_ms} * 1000;
  if (o_.jitter_ms > 0) {
    const int64_t span = int64_t{o_.jitter_ms} * 2000;  // -jitter .. +jitter
    us += static_cast<int64_t>(uniform() * static_cast<double>(span + 1)) - span / 2;
  }
  if (reordered) us += int64_t{o_.reorder_ms} * 1000;
  return now + microseconds(std::max<int64_t>(us, 0));
}

Fate Impairment::decide(Clock::time_point now, ImpairmentCounters& counters) {
  Fate fate;
  if (chance(o_.loss_pct)) {
    ++counters.lost;
    return fate;
  }
  fate.reordered = chance(o_.reorder_pct);
  if (fate.reordered) ++counters.reordered;
  fate.send_at[fate.copies++] = one_copy(now, fate.reordered);
  if (chance(o_.dup_pct)) {
    ++counters.duplicated;
    fate.send_at[fate.copies++] = one_copy(now, false);
  }
  return fate;
}

}  // namespace wgnet::relay
