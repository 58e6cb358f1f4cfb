// TESTPLAN G5: keys held by a parsed Config are wiped when it is destroyed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>

#include "wgnet/config.hpp"

namespace {

bool contains(const unsigned char* buf, size_t n, const wgnet::Key32& key) {
  return std::search(buf, buf + n, key.begin(), key.end()) != buf + n;
}

TEST(SecretWipe, G5_config_keys_zeroed_on_destruction) {
  auto priv = wgnet::generate_private_key();
  auto peer = wgnet::generate_private_key();
  auto psk = wgnet::generate_private_key();
  std::string text = "[Interface]\nPrivateKey = " + wgnet::key_to_base64(priv) +
                     "\nAddress = 10.0.0.2/32\n[Peer]\nPublicKey = " +
                     wgnet::key_to_base64(wgnet::public_key_of(peer)) +
                     "\nPresharedKey = " + wgnet::key_to_base64(psk) +
                     "\nAllowedIPs = 10.0.0.0/24\n";
  auto parsed = wgnet::parse_config(text, "g5.conf");
  ASSERT_TRUE(parsed) << parsed.error().message;

  // The interface's key lives inside the Config object; the peer's PSK inside the peers vector's
  // heap block, which we own here through our own storage for the PeerConfig.
  alignas(wgnet::Config) unsigned char storage[sizeof(wgnet::Config)];
  auto* config = new (storage) wgnet::Config(*parsed);
  alignas(wgnet::PeerConfig) unsigned char peer_storage[sizeof(wgnet::PeerConfig)];
  auto* peer_config = new (peer_storage) wgnet::PeerConfig(parsed->peers.at(0));
  ASSERT_TRUE(contains(storage, sizeof storage, priv));
  ASSERT_TRUE(contains(peer_storage, sizeof peer_storage, psk));

  config->~Config();
  peer_config->~PeerConfig();
  EXPECT_FALSE(contains(storage, sizeof storage, priv));
  EXPECT_FALSE(contains(peer_storage, sizeof peer_storage, psk));
}

}  // namespace
