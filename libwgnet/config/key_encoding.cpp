// Base64 for WireGuard keys, in constant time: private and preshared keys pass through here, so
// neither the decoder nor the encoder branches on, or indexes a table by, key material. Each
// character is classified with arithmetic masks instead (the technique wireguard-tools'
// encoding.c uses).
#include <cstdint>

#include "core/crypto.hpp"
#include "config/parse_support.hpp"
#include "wgnet/config.hpp"

namespace wgnet {
namespace {

constexpr size_t KEY_B64_LEN = 44;  // 4 * ceil(32 / 3)

// All ones when lo <= c <= hi, else zero, without a branch: both differences are negative exactly
// inside the range, and an arithmetic right shift spreads the sign bit (C++20 defines it).
constexpr int32_t in_range(int32_t c, int32_t lo, int32_t hi) {
  return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

// The 6-bit value of a base64 character, or -1 if it is not one.
constexpr int32_t b64_value(int32_t c) {
  return -1 + (in_range(c, 'A', 'Z') & (c - 'A' + 1)) + (in_range(c, 'a', 'z') & (c - 'a' + 27)) +
         (in_range(c, '0', '9') & (c - '0' + 53)) + (in_range(c, '+', '+') & 63) +
         (in_range(c, '/', '/') & 64);
}

// The base64 character of a 6-bit value: start from 'A' + v and add the gap to each later range
// once v passes it ((limit - v) >> 8 is all ones when v > limit).
constexpr char b64_char(int32_t v) {
  return static_cast<char>('A' + v + (((25 - v) >> 8) & 6) + (((51 - v) >> 8) & -75) +
                           (((61 - v) >> 8) & -15) + (((62 - v) >> 8) & 3));
}

static_assert(b64_value('A') == 0 && b64_value('z') == 51 && b64_value('0') == 52 &&
              b64_value('+') == 62 && b64_value('/') == 63 && b64_value('=') == -1 &&
              b64_value('-') == -1);
static_assert(b64_char(0) == 'A' && b64_char(26) == 'a' && b64_char(52) == '0' &&
              b64_char(62) == '+' && b64_char(63) == '/');

// Decodes four characters into 24 bits; `bad` collects a set bit for any invalid character.
uint32_t decode_quad(const char* s, uint32_t& bad) {
  uint32_t acc = 0;
  for (int i = 0; i < 4; ++i) {
    const int32_t v = b64_value(static_cast<unsigned char>(s[i]));
    bad |= static_cast<uint32_t>(v) >> 31;
    acc |= (static_cast<uint32_t>(v) & 63) << (18 - 6 * i);
  }
  return acc;
}

// The value of a hex digit (either case), or -1.
constexpr int32_t hex_value(int32_t c) {
  return -1 + (in_range(c, '0', '9') & (c - '0' + 1)) + (in_range(c, 'a', 'f') & (c - 'a' + 11)) +
         (in_range(c, 'A', 'F') & (c - 'A' + 11));
}
static_assert(hex_value('0') == 0 && hex_value('9') == 9 && hex_value('a') == 10 &&
              hex_value('F') == 15 && hex_value('g') == -1 && hex_value(':') == -1);

}  // namespace

std::optional<Key32> config_detail::parse_key_hex(std::string_view text) {
  if (text.size() != 2 * sizeof(Key32)) return std::nullopt;
  Key32 key{};
  uint32_t bad = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    const int32_t hi = hex_value(static_cast<unsigned char>(text[2 * i]));
    const int32_t lo = hex_value(static_cast<unsigned char>(text[2 * i + 1]));
    bad |= (static_cast<uint32_t>(hi) | static_cast<uint32_t>(lo)) >> 31;
    key[i] = static_cast<uint8_t>((hi & 15) << 4 | (lo & 15));
  }
  if (bad) {
    crypto::secure_zero(key);
    return std::nullopt;
  }
  return key;
}

std::optional<Key32> parse_key_base64(std::string_view text) {
  // Length and the padding position are structure, not secret: checking them early is fine.
  if (text.size() != KEY_B64_LEN || text[KEY_B64_LEN - 1] != '=') return std::nullopt;

  Key32 key{};
  uint32_t bad = 0;
  size_t i = 0;
  for (; i < 30; i += 3) {  // ten full groups give the first 30 bytes
    const uint32_t acc = decode_quad(text.data() + i / 3 * 4, bad);
    key[i] = static_cast<uint8_t>(acc >> 16);
    key[i + 1] = static_cast<uint8_t>(acc >> 8);
    key[i + 2] = static_cast<uint8_t>(acc);
  }
  // The last group holds two bytes in three characters ("xyz="): decode it with 'A' (zero) in
  // place of '='. Its low 8 bits must then be zero, i.e. the third character must not carry bits
  // beyond the key (only one canonical spelling per key is accepted).
  const char last[4] = {text[40], text[41], text[42], 'A'};
  const uint32_t acc = decode_quad(last, bad);
  key[30] = static_cast<uint8_t>(acc >> 16);
  key[31] = static_cast<uint8_t>(acc >> 8);
  bad |= ((acc & 0xff) + 0xff) >> 8;  // 1 iff any of the low 8 bits is set

  if (bad) {
    crypto::secure_zero(key);
    return std::nullopt;
  }
  return key;
}

std::string key_to_base64(const Key32& key) {
  std::string out(KEY_B64_LEN, '=');
  size_t o = 0;
  for (size_t i = 0; i < 30; i += 3) {
    const uint32_t acc = uint32_t(key[i]) << 16 | uint32_t(key[i + 1]) << 8 | key[i + 2];
    for (int j = 0; j < 4; ++j) out[o++] = b64_char((acc >> (18 - 6 * j)) & 63);
  }
  const uint32_t acc = uint32_t(key[30]) << 16 | uint32_t(key[31]) << 8;
  for (int j = 0; j < 3; ++j) out[o++] = b64_char((acc >> (18 - 6 * j)) & 63);
  return out;  // out[43] stays '='
}

}  // namespace wgnet
