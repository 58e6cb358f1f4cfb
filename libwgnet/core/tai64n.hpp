// TAI64N timestamps for handshake initiations (whitepaper 5.1): 8 bytes big-endian seconds with
// the 2^62 label plus 10 (TAI-UTC offset used by WireGuard), 4 bytes big-endian nanoseconds.
// The responder only accepts an initiation whose timestamp is greater than the last accepted one.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace wgnet::core {

using Tai64n = std::array<uint8_t, 12>;

constexpr uint64_t TAI64_BASE = (uint64_t{1} << 62) + 10;  // 0x400000000000000a
// Nanoseconds are rounded down to a multiple of 2^24 (~16.8 ms, the driver's "whitening") so
// the stamp does not leak a precise clock reading.
constexpr uint32_t TAI64N_NSEC_ROUNDING = uint32_t{1} << 24;

// The stamp for a wall-clock reading (nanoseconds since the Unix epoch; negative clamps to 0).
Tai64n tai64n_from_wall(std::chrono::nanoseconds since_epoch);

// Lexicographic comparison of the big-endian encoding equals time order.
bool tai64n_after(const Tai64n& a, const Tai64n& b);

// Our own stamps: never decreasing within one device even if the wall clock steps back (a
// stepped-back clock otherwise makes every peer reject us until the clock catches up; staying at
// the last value keeps us no worse than before the step).
class Tai64nClock {
 public:
  Tai64n stamp(std::chrono::nanoseconds wall_now);

 private:
  Tai64n last_{};
};

}  // namespace wgnet::core
