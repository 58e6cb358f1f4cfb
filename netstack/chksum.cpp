// The Internet checksum (RFC 1071) for lwIP (LWIP_CHKSUM), 8 bytes per step. lwIP's generic
// routine folds 16-bit words one at a time; on the sending side of a bulk transfer every byte goes
// through it once (TCP checksum), which made it the largest lwIP cost there.
//
// Returns what lwIP's lwip_standard_chksum returns: the ones-complement sum of the buffer read as
// 16-bit words in host byte order from its first byte, not inverted. Ones-complement addition is
// byte-order independent (RFC 1071 2.B) and any folding of the same total gives the same 16 bits,
// so summing 32-bit halves of 64-bit loads into a 64-bit accumulator is exact.
#include <cstdint>
#include <cstring>

#include "arch/cc.h"

namespace {

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);  // any alignment: pbuf payloads need not be 8-byte aligned
  return v;
}

uint16_t fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

}  // namespace

extern "C" uint16_t wgnet_lwip_chksum(const void* data, int len) {
  const auto* p = static_cast<const uint8_t*>(data);
  size_t n = len > 0 ? static_cast<size_t>(len) : 0;
  // Each step adds two 32-bit values to a 64-bit accumulator: no overflow before 2^31 steps,
  // far beyond a 64 KiB packet.
  uint64_t a = 0, b = 0;  // two accumulators: independent add chains
  for (; n >= 16; p += 16, n -= 16) {
    uint64_t x = load64(p), y = load64(p + 8);
    a += (x & 0xFFFFFFFF) + (x >> 32);
    b += (y & 0xFFFFFFFF) + (y >> 32);
  }
  uint64_t sum = a + b;
  for (; n >= 2; p += 2, n -= 2) {
    uint16_t w;
    std::memcpy(&w, p, sizeof w);
    sum += w;
  }
  if (n == 1) {
    // The odd last byte is the first byte of a 16-bit word padded with zero (RFC 1071), in host
    // byte order.
    uint8_t pad[2] = {*p, 0};
    uint16_t w;
    std::memcpy(&w, pad, sizeof w);
    sum += w;
  }
  return fold(sum);
}
