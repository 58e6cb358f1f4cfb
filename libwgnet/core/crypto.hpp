// The cryptographic primitives WireGuard is built from, behind one small interface.
// BLAKE2s comes from libb2, X25519 and XChaCha20-Poly1305 from libsodium, and the data-path
// ChaCha20-Poly1305 from OpenSSL's EVP (measured faster than libsodium on 1420-byte packets).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace wgnet::crypto {

constexpr size_t KEY_LEN = 32;
constexpr size_t HASH_LEN = 32;
constexpr size_t MAC_LEN = 16;
constexpr size_t AEAD_TAG_LEN = 16;
constexpr size_t XNONCE_LEN = 24;

using Key = std::array<uint8_t, KEY_LEN>;
using Hash = std::array<uint8_t, HASH_LEN>;
using Mac = std::array<uint8_t, MAC_LEN>;

using Bytes = std::span<const uint8_t>;
using MutBytes = std::span<uint8_t>;

// BLAKE2s with output length out.size() (1..32), optionally keyed (key up to 32 bytes).
void blake2s(MutBytes out, Bytes in, Bytes key = {});
// BLAKE2s-256 over the concatenation a || b (the protocol's HASH(a || b)).
Hash hash2(Bytes a, Bytes b);
// MAC(key, in) = keyed BLAKE2s with 16-byte output.
Mac mac(Bytes key, Bytes in);
// HMAC-BLAKE2s-256.
Hash hmac(Bytes key, Bytes in);
// The protocol's KDF_n(key, input) for n = 1, 2, 3; unused outputs may be null.
void kdf(Hash* t1, Hash* t2, Hash* t3, Bytes chaining_key, Bytes input);

// X25519. Returns false (and zeroes `out`) when the shared secret is all zero (low-order point).
[[nodiscard]] bool x25519(Key& out, const Key& private_key, const Key& public_key);
void x25519_public(Key& public_key, const Key& private_key);
void generate_private_key(Key& private_key);  // random, clamped

// ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: 32 zero bits || little-endian counter.
// `out` has room for in.size() + 16; returns the bytes written (0 if `out` is too small).
size_t aead_seal(MutBytes out, const Key& key, uint64_t counter, Bytes in, Bytes ad);
// Returns false if the tag does not verify (out is then unspecified). out.size() >= in.size()-16.
[[nodiscard]] bool aead_open(MutBytes out, const Key& key, uint64_t counter, Bytes in, Bytes ad);

// ChaCha20-Poly1305 with an arbitrary 96-bit nonce (RFC 8439 as written; used by the known-answer
// tests). Same contract as aead_seal / aead_open.
constexpr size_t NONCE_LEN = 12;
size_t aead_seal_nonce(MutBytes out, const Key& key, std::span<const uint8_t, NONCE_LEN> nonce,
                       Bytes in, Bytes ad);
[[nodiscard]] bool aead_open_nonce(MutBytes out, const Key& key,
                                   std::span<const uint8_t, NONCE_LEN> nonce, Bytes in, Bytes ad);

// HChaCha20 (the subkey derivation inside XChaCha20), exposed for its known-answer test.
void hchacha20(Key& out, const Key& key, std::span<const uint8_t, 16> nonce);

// XChaCha20-Poly1305 (cookie replies).
size_t xaead_seal(MutBytes out, const Key& key, std::span<const uint8_t, XNONCE_LEN> nonce,
                  Bytes in, Bytes ad);
[[nodiscard]] bool xaead_open(MutBytes out, const Key& key,
                              std::span<const uint8_t, XNONCE_LEN> nonce, Bytes in, Bytes ad);

// A ChaCha20-Poly1305 context bound to one key, reused for every packet of a keypair (the data
// path): avoids re-initialising the cipher per packet. In-place operation is allowed.
class AeadContext {
 public:
  explicit AeadContext(const Key& key);
  ~AeadContext();
  AeadContext(const AeadContext&) = delete;
  AeadContext& operator=(const AeadContext&) = delete;

  size_t seal(MutBytes out, uint64_t counter, Bytes in, Bytes ad = {});
  [[nodiscard]] bool open(MutBytes out, uint64_t counter, Bytes in, Bytes ad = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Cryptographically secure random bytes.
void random_bytes(MutBytes out);
// Wipes memory in a way the compiler cannot elide.
void secure_zero(void* p, size_t n);
template <class T, size_t N>
void secure_zero(std::array<T, N>& a) {
  secure_zero(a.data(), sizeof(T) * N);
}
// Constant-time comparison.
[[nodiscard]] bool equal_ct(Bytes a, Bytes b);

}  // namespace wgnet::crypto
