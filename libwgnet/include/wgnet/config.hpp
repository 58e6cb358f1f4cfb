// A WireGuard configuration as read from a wg-quick style INI file or the UAPI text form.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/export.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet {

using Key32 = std::array<uint8_t, 32>;

// Overwrites a key in a way the compiler cannot elide.
WGNET_API void wipe_key(Key32& key);

// An endpoint as written: an IP literal or a host name, resolved later (by the system, at start).
struct WGNET_API EndpointSpec {
  std::string host;  // "198.18.0.1", "fd00::1" (no brackets) or "vpn.example"
  uint16_t port = 0;
  std::string to_string() const;
};

struct PeerConfig {
  Key32 public_key{};
  std::optional<Key32> preshared_key;  // an all-zero PresharedKey means none
  // Secrets are wiped when a config goes away (TESTPLAN G5). (A user-declared destructor makes
  // moves copy; configs are small and copied rarely.)
  ~PeerConfig() {
    if (preshared_key) wipe_key(*preshared_key);
  }
  std::optional<EndpointSpec> endpoint;
  std::vector<IpPrefix> allowed_ips;
  uint16_t persistent_keepalive = 0;  // seconds, 0 = off
  int line = 0;                       // where its [Peer] section starts, for messages
};

struct InterfaceConfig {
  Key32 private_key{};
  ~InterfaceConfig() { wipe_key(private_key); }
  std::vector<IpPrefix> addresses;  // Address= (v4 and v6, several)
  std::vector<IpAddress> dns_servers;
  std::vector<std::string> dns_search;  // non-IP entries of DNS=
  uint16_t mtu = 1420;                  // wg-quick's default
  std::optional<uint16_t> listen_port;
};

struct Config {
  std::string source;  // file name, for messages
  InterfaceConfig interface;
  std::vector<PeerConfig> peers;
};

// Non-fatal findings while parsing (ignored wg-quick keys, loose file permissions).
using WarningSink = std::function<void(const std::string&)>;

// Parses the text of a config. `source` names it in messages ("wg.conf"). Accepts the wg-quick INI
// form and the UAPI form (private_key=<hex> ...), detected from the content.
WGNET_API Result<Config> parse_config(std::string_view text, std::string_view source,
                                      const WarningSink& warn = {});

// Reads and parses a file; warns, as wg-quick does, when (file mode & directory mode & 0007) != 0
// (others can reach it). Never refuses because of permissions.
WGNET_API Result<Config> load_config(const std::string& path, const WarningSink& warn = {});

// Base64 WireGuard key: exactly 44 characters ending in '='; decoding is constant-time.
WGNET_API std::optional<Key32> parse_key_base64(std::string_view text);
WGNET_API std::string key_to_base64(const Key32& key);

// A fresh private key (random, clamped) and the public key that belongs to a private key.
WGNET_API Key32 generate_private_key();
WGNET_API Key32 public_key_of(const Key32& private_key);

}  // namespace wgnet
