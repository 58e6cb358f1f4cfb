// LWIP_CHKSUM (netstack/chksum.cpp) against RFC 1071's worked example and a byte-pair reference,
// for every length and start alignment a packet can have.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "arch/cc.h"

namespace {

// RFC 1071 in the plainest form: 16-bit words in host order from the first byte, the odd last
// byte padded with zero, end-around carry.
uint16_t reference(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i < n; i += 2) {
    uint8_t pair[2] = {p[i], i + 1 < n ? p[i + 1] : uint8_t{0}};
    uint16_t w;
    std::memcpy(&w, pair, sizeof w);
    sum += w;
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<uint16_t>(sum);
}

TEST(NetstackChecksum, Rfc1071Example) {
  // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2 (network byte order).
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(wgnet_lwip_chksum(bytes, sizeof bytes), htons(0xddf2));
  EXPECT_EQ(wgnet_lwip_chksum(bytes, 0), 0);
}

TEST(NetstackChecksum, MatchesReferenceForEveryLengthAndAlignment) {
  std::vector<uint8_t> buf(2100);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& b : buf) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x);
  }
  for (size_t off = 0; off < 8; ++off) {
    for (size_t len = 0; len <= 2048; ++len) {
      ASSERT_EQ(wgnet_lwip_chksum(buf.data() + off, static_cast<int>(len)),
                reference(buf.data() + off, len))
          << "offset " << off << " length " << len;
    }
  }
}

TEST(NetstackChecksum, CarriesAcrossManyAllOnesWords) {
  // All 0xFF: every addition carries; 65535 bytes (odd) is the largest an lwIP pbuf holds.
  std::vector<uint8_t> ones(65535, 0xFF);
  for (int len : {1, 2, 15, 16, 17, 1500, 65534, 65535}) {
    EXPECT_EQ(wgnet_lwip_chksum(ones.data(), len), reference(ones.data(), static_cast<size_t>(len)))
        << len;
  }
}

}  // namespace
