// "Under load" for the cookie mechanism: more than HANDSHAKE_LOAD_THRESHOLD handshake messages
// received within the last second, and for UNDER_LOAD_HOLD after that stops being true (so an
// attacker pausing briefly does not get cheap handshakes again, as the driver's last_under_load).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>

namespace wgnet::core {

constexpr size_t HANDSHAKE_LOAD_THRESHOLD = 16;
constexpr std::chrono::nanoseconds UNDER_LOAD_HOLD = std::chrono::seconds(1);

class HandshakeLoad {
 public:
  // Called for every handshake message (initiation or response) that arrives.
  void record(std::chrono::nanoseconds now) {
    arrivals_[next_] = now;
    next_ = (next_ + 1) % arrivals_.size();
    if (count_ < arrivals_.size()) ++count_;
    // arrivals_[next_] is now the oldest of the last THRESHOLD + 1 arrivals.
    if (count_ == arrivals_.size() && now - arrivals_[next_] < std::chrono::seconds(1)) {
      last_over_ = now;
    }
  }
  bool under_load(std::chrono::nanoseconds now) const {
    return forced_ || (last_over_ && now < *last_over_ + UNDER_LOAD_HOLD);
  }
  void force(bool on) { forced_ = on; }  // test hook

 private:
  std::array<std::chrono::nanoseconds, HANDSHAKE_LOAD_THRESHOLD + 1> arrivals_{};
  size_t next_ = 0;
  size_t count_ = 0;
  std::optional<std::chrono::nanoseconds> last_over_;
  bool forced_ = false;
};

}  // namespace wgnet::core
