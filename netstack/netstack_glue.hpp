// The C++ side of the lwIP port: what libwgnet/io needs from netstack/ besides lwIP itself.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace wgnet::netstack {

// Installs the predicate LWIP_ASSERT_CORE_LOCKED() checks on every lwIP raw-API call (TESTPLAN
// H1 lwip_single_owner): it must return true on the thread that owns the stack. An empty function
// removes the check (no stack alive). Call only while no other thread can be inside lwIP.
void set_owner_check(std::function<bool()> is_owner_thread);

// Kernel CSPRNG (getrandom). Aborts if the kernel cannot provide randomness (never on Linux
// >= 3.17 once booted): a predictable port or ISN is not an acceptable fallback.
void random_bytes(std::span<uint8_t> out);
uint32_t random_u32();

// Milliseconds of CLOCK_MONOTONIC, lwIP's sys_now(). Monotonic rather than boot time: after a
// suspend, lwIP's timers resume where they were instead of firing a burst of stale timeouts
// (TESTPLAN H11).
uint32_t now_ms();

}  // namespace wgnet::netstack
