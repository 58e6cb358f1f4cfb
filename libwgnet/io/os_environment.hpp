// The real clocks and randomness behind the sans-I/O core's injected interfaces.
#pragma once

#include "core/device.hpp"

namespace wgnet::io {

// Protocol time: CLOCK_BOOTTIME, so that a suspended laptop's sessions expire as the protocol
// intends instead of resuming with stale keys.
core::Time boottime_now();

class OsEnvironment final : public core::Environment {
 public:
  void random_bytes(std::span<uint8_t> out) override;
  std::chrono::nanoseconds wall_clock() override;
};

}  // namespace wgnet::io
