// ChaCha20-Poly1305 (RFC 8439) over OpenSSL 3's EVP interface: the data path's cipher.
// An AeadContext binds the key once; each packet only sets the nonce, which is what makes OpenSSL
// faster than libsodium here (see bench/aead_bench.cpp for the numbers).
#include <openssl/evp.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/crypto.hpp"

namespace wgnet::crypto {
namespace {

using Nonce = std::array<uint8_t, NONCE_LEN>;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }  // cleanses key state
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

// Allocation or provider failures leave no way to protect traffic; like running out of memory,
// they end the process rather than silently sending plaintext.
void require(bool condition) {
  if (!condition) std::abort();
}

// Fetched once: EVP_chacha20_poly1305() would re-fetch the implementation on every init.
const EVP_CIPHER* cipher() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  require(c != nullptr);
  return c;
}

// WireGuard's nonce: 32 zero bits followed by the little-endian 64-bit counter.
Nonce wg_nonce(uint64_t counter) {
  Nonce n{};
  for (int i = 0; i < 8; ++i) n[4 + i] = static_cast<uint8_t>(counter >> (8 * i));
  return n;
}

CtxPtr new_ctx(const Key& key, int encrypt) {
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  require(ctx != nullptr);
  require(EVP_CipherInit_ex(ctx.get(), cipher(), nullptr, key.data(), nullptr, encrypt) == 1);
  return ctx;
}

bool fits_int(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

// Feeds AD then the text through an initialised context whose nonce is already set.
bool update(EVP_CIPHER_CTX* ctx, uint8_t* out, Bytes in, Bytes ad) {
  int len = 0;
  if (!ad.empty() && EVP_CipherUpdate(ctx, nullptr, &len, ad.data(), int(ad.size())) != 1)
    return false;
  if (!in.empty() && EVP_CipherUpdate(ctx, out, &len, in.data(), int(in.size())) != 1)
    return false;
  return true;
}

size_t seal_with(EVP_CIPHER_CTX* ctx, MutBytes out, const Nonce& nonce, Bytes in, Bytes ad) {
  if (out.size() < in.size() + AEAD_TAG_LEN || !fits_int(in.size()) || !fits_int(ad.size()))
    return 0;
  int len = 0;
  require(EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), 1) == 1);
  require(update(ctx, out.data(), in, ad));
  require(EVP_CipherFinal_ex(ctx, out.data() + in.size(), &len) == 1);
  require(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN,
                              out.data() + in.size()) == 1);
  return in.size() + AEAD_TAG_LEN;
}

bool open_with(EVP_CIPHER_CTX* ctx, MutBytes out, const Nonce& nonce, Bytes in, Bytes ad) {
  if (in.size() < AEAD_TAG_LEN || !fits_int(in.size()) || !fits_int(ad.size())) return false;
  const size_t text_len = in.size() - AEAD_TAG_LEN;
  if (out.size() < text_len) return false;
  // Copy the tag first: with in-place operation decrypting the text must not disturb it, and
  // OpenSSL wants the expected tag before Final.
  std::array<uint8_t, AEAD_TAG_LEN> tag;
  std::memcpy(tag.data(), in.data() + text_len, AEAD_TAG_LEN);
  int len = 0;
  require(EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), 0) == 1);
  require(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG_LEN, tag.data()) == 1);
  if (update(ctx, out.data(), in.first(text_len), ad) &&
      EVP_CipherFinal_ex(ctx, out.data() + text_len, &len) == 1)
    return true;
  // Never leave unauthenticated plaintext behind for a careless caller.
  if (text_len != 0) std::memset(out.data(), 0, text_len);
  return false;
}

}  // namespace

struct AeadContext::Impl {
  // One context per direction, so that a keypair may seal on one thread and open on another.
  CtxPtr seal;
  CtxPtr open;
};

AeadContext::AeadContext(const Key& key)
    : impl_(std::make_unique<Impl>(Impl{new_ctx(key, 1), new_ctx(key, 0)})) {}

AeadContext::~AeadContext() = default;

size_t AeadContext::seal(MutBytes out, uint64_t counter, Bytes in, Bytes ad) {
  return seal_with(impl_->seal.get(), out, wg_nonce(counter), in, ad);
}

bool AeadContext::open(MutBytes out, uint64_t counter, Bytes in, Bytes ad) {
  return open_with(impl_->open.get(), out, wg_nonce(counter), in, ad);
}

// The one-shot functions serve the handshake (a few calls per session): a fresh context each
// time keeps no key schedule alive between calls.
size_t aead_seal_nonce(MutBytes out, const Key& key, std::span<const uint8_t, NONCE_LEN> nonce,
                       Bytes in, Bytes ad) {
  Nonce n;
  std::memcpy(n.data(), nonce.data(), NONCE_LEN);
  return seal_with(new_ctx(key, 1).get(), out, n, in, ad);
}

bool aead_open_nonce(MutBytes out, const Key& key, std::span<const uint8_t, NONCE_LEN> nonce,
                     Bytes in, Bytes ad) {
  Nonce n;
  std::memcpy(n.data(), nonce.data(), NONCE_LEN);
  return open_with(new_ctx(key, 0).get(), out, n, in, ad);
}

size_t aead_seal(MutBytes out, const Key& key, uint64_t counter, Bytes in, Bytes ad) {
  return seal_with(new_ctx(key, 1).get(), out, wg_nonce(counter), in, ad);
}

bool aead_open(MutBytes out, const Key& key, uint64_t counter, Bytes in, Bytes ad) {
  return open_with(new_ctx(key, 0).get(), out, wg_nonce(counter), in, ad);
}

}  // namespace wgnet::crypto
