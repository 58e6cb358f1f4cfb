// RFC 6528 initial sequence numbers: ISN = M + F(localip, localport, remoteip, remoteport, key),
// M a 4-microsecond timer and F a keyed PRF (SipHash-2-4, libsodium's crypto_shorthash) with a
// secret drawn once per process from the kernel CSPRNG. Off-path attackers cannot predict ISNs;
// the clock keeps successive incarnations of one 4-tuple moving forward.
#include <sodium.h>
#include <time.h>

#include <array>
#include <cstring>

#include "netstack_glue.hpp"
#include "wgnet_lwip_hooks.h"

namespace wgnet::netstack {
namespace {

const std::array<uint8_t, crypto_shorthash_KEYBYTES>& isn_secret() {
  static const auto secret = [] {
    std::array<uint8_t, crypto_shorthash_KEYBYTES> k{};
    random_bytes(k);
    return k;
  }();
  return secret;
}

uint32_t four_microsecond_clock() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t us = static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  return static_cast<uint32_t>(us / 4);
}

// Appends an address as family byte + 16 bytes, so v4 and v6 tuples never collide.
size_t put_addr(uint8_t* out, const ip_addr_t* ip) {
  out[0] = IP_IS_V6(ip) ? 6 : 4;
  std::memset(out + 1, 0, 16);
  if (IP_IS_V6(ip)) {
    std::memcpy(out + 1, ip_2_ip6(ip)->addr, 16);
  } else {
    std::memcpy(out + 1, &ip_2_ip4(ip)->addr, 4);
  }
  return 17;
}

}  // namespace
}  // namespace wgnet::netstack

extern "C" u32_t wgnet_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port,
                                   const ip_addr_t* remote_ip, u16_t remote_port) {
  using namespace wgnet::netstack;
  uint8_t msg[2 * 17 + 4];
  size_t n = put_addr(msg, local_ip);
  n += put_addr(msg + n, remote_ip);
  std::memcpy(msg + n, &local_port, 2);
  std::memcpy(msg + n + 2, &remote_port, 2);
  n += 4;
  uint8_t hash[crypto_shorthash_BYTES];
  crypto_shorthash(hash, msg, n, isn_secret().data());
  uint32_t f = 0;
  std::memcpy(&f, hash, sizeof f);
  return four_microsecond_clock() + f;
}
