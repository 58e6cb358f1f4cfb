// lwIP's port functions for NO_SYS=1: clock, randomness, assertions, owner-thread check and the
// IPv6 route hook.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "io/os_random/os_random.hpp"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "netstack_glue.hpp"
#include "wgnet_lwip_hooks.h"

namespace wgnet::netstack {
namespace {

std::function<bool()>& owner_check() {
  static std::function<bool()> check;
  return check;
}

}  // namespace

void set_owner_check(std::function<bool()> is_owner_thread) {
  owner_check() = std::move(is_owner_thread);
}

void random_bytes(std::span<uint8_t> out) {
  io::os_random_bytes(out);
}

uint32_t random_u32() {
  uint32_t v = 0;
  random_bytes({reinterpret_cast<uint8_t*>(&v), sizeof v});
  return v;
}

uint32_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  // Wraps every 49 days; lwIP compares timestamps with wrap-safe subtraction.
  return static_cast<uint32_t>(static_cast<uint64_t>(ts.tv_sec) * 1000u +
                               static_cast<uint64_t>(ts.tv_nsec) / 1000000u);
}

}  // namespace wgnet::netstack

extern "C" {

u32_t sys_now(void) {
  return wgnet::netstack::now_ms();
}

u32_t wgnet_lwip_now_us(void) {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  // Wraps every 71 minutes; tcp_cc.c and tcp_bbr.c compare with wrap-safe subtraction.
  return static_cast<uint32_t>(static_cast<uint64_t>(ts.tv_sec) * 1000000u +
                               static_cast<uint64_t>(ts.tv_nsec) / 1000u);
}

uint32_t wgnet_lwip_rand(void) {
  return wgnet::netstack::random_u32();
}

void wgnet_lwip_assert_failed(const char* message, int line, const char* file) {
  // The one place the library writes to stderr: the process is about to abort on a bug.
  std::fprintf(stderr, "lwIP assertion failed: %s (%s:%d)\n", message, file, line);
  std::abort();
}

void wgnet_lwip_assert_core_locked(void) {
  auto& check = wgnet::netstack::owner_check();
  if (check && !check()) {
    wgnet_lwip_assert_failed("lwIP called from a thread that does not own the stack", __LINE__,
                             __FILE__);
  }
}

struct netif* wgnet_lwip_ip6_route(const ip6_addr_t* /*src*/, const ip6_addr_t* /*dest*/) {
  // One tunnel: every IPv6 destination goes into it; AllowedIPs filter on the WireGuard side.
  return netif_default;
}

}  // extern "C"
