// Hashing, key derivation, X25519, XChaCha20-Poly1305 and randomness (crypto.hpp).
// The data-path ChaCha20-Poly1305 lives in crypto_aead.cpp.
#include "core/crypto.hpp"

#include <blake2.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace wgnet::crypto {
namespace {

constexpr size_t BLAKE2S_BLOCK_LEN = 64;  // HMAC block size (RFC 2104's B) for BLAKE2s

// libsodium must be initialised once before use; a function-local static makes that thread-safe.
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no usable randomness source: nothing safe to do
}

// The size checks below guard against programming errors in our own callers (every size is a
// protocol constant), so a violation aborts rather than returning a value nobody checks.
void require(bool condition) {
  if (!condition) std::abort();
}

// RAII wipe of a BLAKE2s state: keyed states hold key-derived words.
struct Blake2sState {
  blake2s_state s;
  ~Blake2sState() { secure_zero(&s, sizeof s); }
};

}  // namespace

void blake2s(MutBytes out, Bytes in, Bytes key) {
  require(!out.empty() && out.size() <= BLAKE2S_OUTBYTES && key.size() <= BLAKE2S_KEYBYTES);
  require(::blake2s(out.data(), in.data(), key.data(), out.size(), in.size(), key.size()) == 0);
}

Hash hash2(Bytes a, Bytes b) {
  Blake2sState st;
  Hash out;
  require(blake2s_init(&st.s, HASH_LEN) == 0);
  require(blake2s_update(&st.s, a.data(), a.size()) == 0);
  require(blake2s_update(&st.s, b.data(), b.size()) == 0);
  require(blake2s_final(&st.s, out.data(), out.size()) == 0);
  return out;
}

Mac mac(Bytes key, Bytes in) {
  Mac out;
  blake2s(out, in, key);
  return out;
}

// RFC 2104: H((K' ^ opad) || H((K' ^ ipad) || text)), K' = key padded (or hashed if too long).
Hash hmac(Bytes key, Bytes in) {
  std::array<uint8_t, BLAKE2S_BLOCK_LEN> block{};
  if (key.size() > BLAKE2S_BLOCK_LEN) {
    blake2s(MutBytes(block.data(), HASH_LEN), key);
  } else if (!key.empty()) {
    std::memcpy(block.data(), key.data(), key.size());
  }

  for (auto& b : block) b ^= 0x36;
  Hash inner = hash2(block, in);
  for (auto& b : block) b ^= 0x36 ^ 0x5c;
  Hash out = hash2(block, inner);

  secure_zero(block);
  secure_zero(inner);
  return out;
}

// The whitepaper's KDF: T0 = HMAC(C, input), T1 = HMAC(T0, 0x1), Ti = HMAC(T0, T(i-1) || i).
void kdf(Hash* t1, Hash* t2, Hash* t3, Bytes chaining_key, Bytes input) {
  Hash t0 = hmac(chaining_key, input);
  std::array<uint8_t, HASH_LEN + 1> buf{};

  buf[0] = 0x1;
  Hash out1 = hmac(t0, Bytes(buf.data(), 1));
  if (t1) *t1 = out1;
  if (t2 || t3) {
    std::memcpy(buf.data(), out1.data(), HASH_LEN);
    buf[HASH_LEN] = 0x2;
    Hash out2 = hmac(t0, buf);
    if (t2) *t2 = out2;
    if (t3) {
      std::memcpy(buf.data(), out2.data(), HASH_LEN);
      buf[HASH_LEN] = 0x3;
      *t3 = hmac(t0, buf);
    }
    secure_zero(out2);
  }

  secure_zero(out1);
  secure_zero(buf);
  secure_zero(t0);
}

bool x25519(Key& out, const Key& private_key, const Key& public_key) {
  ensure_sodium();
  // libsodium reports an all-zero result (a low-order peer point) with -1; the explicit zero
  // check keeps that guarantee even if the library's behaviour changes.
  const int rc = crypto_scalarmult(out.data(), private_key.data(), public_key.data());
  if (rc != 0 || sodium_is_zero(out.data(), out.size())) {
    secure_zero(out);
    return false;
  }
  return true;
}

void x25519_public(Key& public_key, const Key& private_key) {
  ensure_sodium();
  // A clamped scalar is never zero mod the group order, so this cannot fail for real keys; an
  // unclamped all-zero key gives -1 and an all-zero public key, which peers reject.
  if (crypto_scalarmult_base(public_key.data(), private_key.data()) != 0) secure_zero(public_key);
}

void generate_private_key(Key& private_key) {
  random_bytes(private_key);
  // Curve25519 clamping, as `wg genkey` does.
  private_key[0] &= 248;
  private_key[31] &= 127;
  private_key[31] |= 64;
}

void hchacha20(Key& out, const Key& key, std::span<const uint8_t, 16> nonce) {
  ensure_sodium();
  require(crypto_core_hchacha20(out.data(), nonce.data(), key.data(), nullptr) == 0);
}

size_t xaead_seal(MutBytes out, const Key& key, std::span<const uint8_t, XNONCE_LEN> nonce,
                  Bytes in, Bytes ad) {
  ensure_sodium();
  if (out.size() < in.size() + AEAD_TAG_LEN) return 0;
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, in.data(), in.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(),
                                             key.data());
  return static_cast<size_t>(written);
}

bool xaead_open(MutBytes out, const Key& key, std::span<const uint8_t, XNONCE_LEN> nonce,
                Bytes in, Bytes ad) {
  ensure_sodium();
  if (in.size() < AEAD_TAG_LEN || out.size() < in.size() - AEAD_TAG_LEN) return false;
  unsigned long long written = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, in.data(),
                                                    in.size(), ad.data(), ad.size(),
                                                    nonce.data(), key.data()) == 0;
}

void random_bytes(MutBytes out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

void secure_zero(void* p, size_t n) {
  if (n != 0) sodium_memzero(p, n);
}

bool equal_ct(Bytes a, Bytes b) {
  // Lengths are public; only the contents are compared in constant time.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wgnet::crypto
