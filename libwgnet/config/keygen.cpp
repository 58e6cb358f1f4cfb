// Key generation for tools that make their own configs (the demo peer, tests).
#include "core/crypto.hpp"
#include "wgnet/config.hpp"

namespace wgnet {

void wipe_key(Key32& key) { crypto::secure_zero(key); }

Key32 generate_private_key() {
  Key32 key;
  crypto::generate_private_key(key);
  return key;
}

Key32 public_key_of(const Key32& private_key) {
  Key32 pub;
  crypto::x25519_public(pub, private_key);
  return pub;
}

}  // namespace wgnet
