// Receive-side replay protection for transport data counters (RFC 6479 bitmap, as the Linux
// driver's counter_validate in receive.c): a ring of 64-bit words, cleared a word at a time as
// the window slides, so sliding never shifts bits.
#pragma once

#include <array>
#include <cstdint>

namespace wgnet::core {

class ReplayWindow {
 public:
  // COUNTER_BITS_TOTAL in the driver: bits in the ring. One word of it is always being
  // recycled, so the window that is guaranteed to be tracked is kBits - kWordBits.
  static constexpr unsigned kBits = 8192;
  static constexpr unsigned kWordBits = 64;
  static constexpr unsigned kWindowSize = kBits - kWordBits;  // COUNTER_WINDOW_SIZE = 8128

  // Called only AFTER the packet authenticated (decrypted OK). Returns true if `counter` is new
  // and within the window (and records it); false for replays, too-old counters and counters
  // >= REJECT_AFTER_MESSAGES.
  bool validate(uint64_t counter);
  void reset();

 private:
  static constexpr unsigned kWords = kBits / kWordBits;
  static_assert((kWords & (kWords - 1)) == 0, "ring index is masked: word count must be 2^n");

  // Highest counter accepted so far, plus one (0 = nothing accepted yet), as in the driver.
  uint64_t top_ = 0;
  std::array<uint64_t, kWords> ring_{};
};

// Reject-After-Messages as the Linux driver defines it (messages.h):
// U64_MAX - COUNTER_WINDOW_SIZE - 1. Keeps the window from ever needing counters near 2^64.
constexpr uint64_t REJECT_AFTER_MESSAGES = UINT64_MAX - ReplayWindow::kWindowSize - 1;

// TESTPLAN D2: never the 1024/2048-bit windows of older implementations.
static_assert(ReplayWindow::kWindowSize >= 8128, "replay window must track >= 8128 counters");

}  // namespace wgnet::core
