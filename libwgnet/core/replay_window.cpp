#include "core/replay_window.hpp"

#include <algorithm>

namespace wgnet::core {

bool ReplayWindow::validate(uint64_t counter) {
  if (top_ >= REJECT_AFTER_MESSAGES + 1 || counter >= REJECT_AFTER_MESSAGES) return false;

  // Shift by one so that 0 in top_ can mean "nothing received" while counter 0 stays valid.
  const uint64_t n = counter + 1;
  if (n + kWindowSize < top_) return false;  // too old: left of the window

  const uint64_t word = n / kWordBits;
  if (n > top_) {
    // Sliding forward: zero every word between the old top word and the new one (at most the
    // whole ring), so the bits they carried from one lap ago cannot look like replays.
    const uint64_t top_word = top_ / kWordBits;
    const uint64_t to_clear = std::min<uint64_t>(word - top_word, kWords);
    for (uint64_t i = 1; i <= to_clear; ++i) ring_[(top_word + i) & (kWords - 1)] = 0;
    top_ = n;
  }

  uint64_t& slot = ring_[word & (kWords - 1)];
  const uint64_t bit = uint64_t{1} << (n & (kWordBits - 1));
  const bool seen = (slot & bit) != 0;
  slot |= bit;
  return !seen;
}

void ReplayWindow::reset() {
  top_ = 0;
  ring_.fill(0);
}

}  // namespace wgnet::core
