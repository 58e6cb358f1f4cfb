#include "demo_configs.hpp"

namespace demo {

DemoKeys make_keys() { return {wgnet::generate_private_key(), wgnet::generate_private_key()}; }

std::string peer_config_text(const DemoKeys& keys, uint16_t port) {
  return "# wgnet demo peer (generated)\n[Interface]\nPrivateKey = " +
         wgnet::key_to_base64(keys.peer_private) + "\nAddress = " + kPeerV4 + "/24, " + kPeerV6 +
         "/64\nListenPort = " + std::to_string(port) + "\n\n[Peer]\nPublicKey = " +
         wgnet::key_to_base64(wgnet::public_key_of(keys.client_private)) +
         "\nAllowedIPs = " + kClientV4 + "/32, " + kClientV6 + "/128\n";
}

std::string client_config_text(const DemoKeys& keys, uint16_t port) {
  return "# wgnet demo client (generated): the built-in peer on 127.0.0.1:" +
         std::to_string(port) + "\n[Interface]\nPrivateKey = " +
         wgnet::key_to_base64(keys.client_private) + "\nAddress = " + kClientV4 + "/32, " +
         kClientV6 + "/128\nDNS = " + kPeerV4 + ", " + kZone + "\n\n[Peer]\nPublicKey = " +
         wgnet::key_to_base64(wgnet::public_key_of(keys.peer_private)) +
         "\nEndpoint = 127.0.0.1:" + std::to_string(port) + "\nAllowedIPs = 10.200.0.0/24, " +
         "fd00:200::/64\n";
}

}  // namespace demo
