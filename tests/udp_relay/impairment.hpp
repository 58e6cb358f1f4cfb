// What happens to one datagram on the impaired link: dropped, or sent once or twice, each copy
// at its own time. A seeded generator, so a run is repeatable for a given order of arrivals.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "relay_options.hpp"

namespace wgnet::relay {

using Clock = std::chrono::steady_clock;

struct Fate {
  std::array<Clock::time_point, 2> send_at{};
  size_t copies = 0;  // 0 = lost
  bool reordered = false;
};

struct ImpairmentCounters {
  uint64_t lost = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
};

class Impairment {
 public:
  explicit Impairment(const RelayOptions& o) : o_(o), state_(o.seed) {}
  Fate decide(Clock::time_point now, ImpairmentCounters& counters);

 private:
  double uniform();  // [0, 1)
  bool chance(double pct) { return pct > 0 && uniform() * 100 < pct; }
  Clock::time_point one_copy(Clock::time_point now, bool reordered);

  RelayOptions o_;
  uint64_t state_;
};

}  // namespace wgnet::relay
