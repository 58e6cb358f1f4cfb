// Checks that need the whole configuration, whichever syntax it was written in.
#include <algorithm>
#include <map>

#include "config/parse_support.hpp"
#include "core/crypto.hpp"

namespace wgnet::config_detail {
namespace {

constexpr uint16_t IPV6_MIN_MTU = 1280;  // RFC 8200 §5

bool any_v6(const std::vector<IpPrefix>& addresses) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [](const IpPrefix& p) { return p.addr.is_v6(); });
}

}  // namespace

Result<void> validate(const Config& config, const SourceLines& lines, const KeyNames& names) {
  const Where file{config.source, 0, {}};
  if (lines.private_key == 0) {
    if (lines.interface_section != 0)
      return config_error({config.source, lines.interface_section, names.interface_section},
                          "missing " + std::string(names.private_key));
    std::string what = "missing ";
    if (!names.interface_section.empty())
      what += std::string(names.interface_section) + " section with ";
    return config_error(file, what + std::string(names.private_key));
  }

  if (lines.mtu != 0 && config.interface.mtu < IPV6_MIN_MTU && any_v6(config.interface.addresses))
    return config_error({config.source, lines.mtu, names.mtu},
                        std::to_string(config.interface.mtu) +
                            " is below 1280, the minimum IPv6 needs (an IPv6 Address is set)");

  Key32 own_public;
  crypto::x25519_public(own_public, config.interface.private_key);

  std::map<Key32, int> seen;  // public key -> line; public keys are not secret
  for (size_t i = 0; i < config.peers.size(); ++i) {
    const auto& peer = config.peers[i];
    const int key_line = lines.peers[i].public_key;
    if (key_line == 0)
      return config_error({config.source, peer.line, names.peer_section},
                          "missing " + std::string(names.public_key));
    const Where where{config.source, key_line, names.public_key};
    if (crypto::equal_ct(peer.public_key, own_public))
      return config_error(where, "peer has this interface's own public key");
    auto [it, inserted] = seen.emplace(peer.public_key, key_line);
    if (!inserted)
      return config_error(where, "duplicate peer (same public key as the peer on line " +
                                     std::to_string(it->second) + ")");
  }
  return {};
}

void wipe_secrets(Config& config) {
  crypto::secure_zero(config.interface.private_key);
  for (auto& peer : config.peers)
    if (peer.preshared_key) crypto::secure_zero(*peer.preshared_key);
}

Result<Config> finish(Config& config) {
  Result<Config> result(std::move(config));
  wipe_secrets(config);  // moving an std::array copies it: clear the bytes left behind
  return result;
}

}  // namespace wgnet::config_detail
