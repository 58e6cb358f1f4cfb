// Config parser tests: key encoding (TESTPLAN G2), permission warning (G3), the wg-quick INI and
// UAPI forms, and one test per error with the exact message it must give.
#include "wgnet/config.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/crypto.hpp"

namespace wgnet {
namespace {

// RFC 7748 §6.1 keys, base64-encoded: Alice's private key, Alice's and Bob's public keys.
constexpr const char* kPriv = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
constexpr const char* kPrivHex = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr const char* kOwnPub = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";
constexpr const char* kPeer1 = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=";
constexpr const char* kPeer1Hex = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr const char* kPeer2 = "5ttoZ1gwMNs1lMGkJLFffHJmJOwmszU7EKkDptCrHEw=";
constexpr const char* kPeer2Hex = "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c";
constexpr const char* kPsk = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
constexpr const char* kPskHex = "0101010101010101010101010101010101010101010101010101010101010101";
constexpr const char* kZeroKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

Key32 key(const char* b64) {
  auto k = parse_key_base64(b64);
  EXPECT_TRUE(k.has_value()) << b64;
  return k.value_or(Key32{});
}

std::string interface_block() { return std::string("[Interface]\nPrivateKey = ") + kPriv + "\n"; }

// Parses `text` expecting failure; returns the message (and checks it holds no key material).
std::string error_of(const std::string& text) {
  auto r = parse_config(text, "wg.conf");
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  const std::string& m = r.error().message;
  EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
  for (const char* secret : {kPriv, kPrivHex, kPsk, kPskHex})
    EXPECT_EQ(m.find(secret), std::string::npos) << "key material in: " << m;
  return m;
}

Config parse_ok(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  auto r = parse_config(text, "wg.conf", [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  });
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << text;
  return r.ok() ? r.value() : Config{};
}

// ---- G2: key parsing -----------------------------------------------------------------------

TEST(ConfigKeys, RoundTripAgainstOpenSslBase64) {
  EXPECT_EQ(key_to_base64(key(kPriv)), kPriv);
  // OpenSSL's EVP_EncodeBlock is an independent base64 encoder (table-driven, not constant-time).
  for (int i = 0; i < 200; ++i) {
    Key32 k;
    crypto::random_bytes(k);
    unsigned char expected[45];
    ASSERT_EQ(EVP_EncodeBlock(expected, k.data(), 32), 44);
    const std::string b64 = key_to_base64(k);
    ASSERT_EQ(b64, reinterpret_cast<const char*>(expected));
    auto back = parse_key_base64(b64);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, k);
  }
}

TEST(ConfigKeys, OnlyExact44CharacterBase64) {
  const std::string good = kPriv;
  EXPECT_TRUE(parse_key_base64(good));
  EXPECT_FALSE(parse_key_base64(good.substr(0, 43))) << "43 characters";
  EXPECT_FALSE(parse_key_base64(good + "=")) << "45 characters";
  EXPECT_FALSE(parse_key_base64(good.substr(0, 43) + "A")) << "missing '='";
  EXPECT_FALSE(parse_key_base64("")) << "empty";
  EXPECT_FALSE(parse_key_base64(" " + good.substr(0, 43))) << "leading space";
  for (char bad : {'-', '_', ' ', '*', '=', '\0', '\xc3'}) {
    for (size_t pos : {size_t{0}, size_t{17}, size_t{42}}) {
      std::string s = good;
      s[pos] = bad;
      EXPECT_FALSE(parse_key_base64(s)) << "char " << int(bad) << " at " << pos;
    }
  }
}

TEST(ConfigKeys, NonCanonicalLastCharacterRejected) {
  // kPriv ends "LCo=": 'o' (40) has its two low bits clear, as the last 16 bits require. 'p' (41)
  // and 'r' (43) decode to the same 32 bytes plus stray bits: refused.
  const std::string good = kPriv;
  ASSERT_EQ(good.substr(40), "LCo=");
  for (char c : {'p', 'q', 'r'}) {
    std::string s = good;
    s[42] = c;
    EXPECT_FALSE(parse_key_base64(s)) << c;
  }
  std::string s = good;
  s[42] = 's';  // 44 = 0b101100: low bits clear, a different (valid) key
  EXPECT_TRUE(parse_key_base64(s));
}

TEST(ConfigKeys, ZeroPresharedKeyMeansNone) {
  auto c = parse_ok(interface_block() + "[Peer]\nPublicKey = " + kPeer1 + "\nPresharedKey = " +
                    kZeroKey + "\n");
  ASSERT_EQ(c.peers.size(), 1u);
  EXPECT_FALSE(c.peers[0].preshared_key.has_value());

  c = parse_ok(interface_block() + "[Peer]\nPublicKey = " + kPeer1 + "\nPresharedKey = " + kPsk +
               "\n");
  ASSERT_TRUE(c.peers[0].preshared_key.has_value());
  EXPECT_EQ(*c.peers[0].preshared_key, key(kPsk));
}

// ---- wg-quick INI ----------------------------------------------------------------------------

TEST(ConfigIni, FullConfigTwoPeersV4AndV6) {
  const std::string text = std::string(
                               "# wg0 for the test lab\n"
                               "[Interface]\n"
                               "PrivateKey = ") + kPriv + "\n"
                           "Address = 10.99.0.2/24, fd00:99::2/64\n"
                           "Address = 10.99.1.2\n"
                           "DNS = 10.99.0.1, fd00:99::1, lab.example\n"
                           "MTU = 1380\n"
                           "ListenPort = 51820\n"
                           "\n"
                           "[Peer]\n"
                           "PublicKey = " + kPeer1 + "\n"
                           "PresharedKey = " + kPsk + "\n"
                           "Endpoint = 198.18.0.1:51820\n"
                           "AllowedIPs = 10.99.0.0/24, fd00:99::/64\n"
                           "AllowedIPs = 10.1.2.3/16\n"
                           "PersistentKeepalive = 25\n"
                           "\n"
                           "[Peer]\n"
                           "PublicKey = " + kPeer2 + "\n"
                           "Endpoint = [fd00:18::1]:4500\n"
                           "AllowedIPs = 0.0.0.0/0, ::/0\n"
                           "PersistentKeepalive = off\n";
  const Config c = parse_ok(text);
  EXPECT_EQ(c.source, "wg.conf");
  EXPECT_EQ(c.interface.private_key, key(kPriv));
  ASSERT_EQ(c.interface.addresses.size(), 3u);
  EXPECT_EQ(c.interface.addresses[0].to_string(), "10.99.0.2/24");  // host bits kept
  EXPECT_EQ(c.interface.addresses[1].to_string(), "fd00:99::2/64");
  EXPECT_EQ(c.interface.addresses[2].to_string(), "10.99.1.2/32");
  ASSERT_EQ(c.interface.dns_servers.size(), 2u);
  EXPECT_EQ(c.interface.dns_servers[0].to_string(), "10.99.0.1");
  EXPECT_EQ(c.interface.dns_servers[1].to_string(), "fd00:99::1");
  EXPECT_EQ(c.interface.dns_search, std::vector<std::string>{"lab.example"});
  EXPECT_EQ(c.interface.mtu, 1380);
  EXPECT_EQ(c.interface.listen_port, std::optional<uint16_t>(51820));

  ASSERT_EQ(c.peers.size(), 2u);
  const PeerConfig& p1 = c.peers[0];
  EXPECT_EQ(p1.line, 10);
  EXPECT_EQ(p1.public_key, key(kPeer1));
  EXPECT_EQ(p1.preshared_key, std::optional<Key32>(key(kPsk)));
  ASSERT_TRUE(p1.endpoint.has_value());
  EXPECT_EQ(p1.endpoint->host, "198.18.0.1");
  EXPECT_EQ(p1.endpoint->port, 51820);
  ASSERT_EQ(p1.allowed_ips.size(), 3u);
  EXPECT_EQ(p1.allowed_ips[0].to_string(), "10.99.0.0/24");
  EXPECT_EQ(p1.allowed_ips[1].to_string(), "fd00:99::/64");
  EXPECT_EQ(p1.allowed_ips[2].to_string(), "10.1.0.0/16") << "allowed IPs are masked";
  EXPECT_EQ(p1.persistent_keepalive, 25);

  const PeerConfig& p2 = c.peers[1];
  EXPECT_EQ(p2.line, 18);
  EXPECT_EQ(p2.public_key, key(kPeer2));
  EXPECT_FALSE(p2.preshared_key.has_value());
  EXPECT_EQ(p2.endpoint->host, "fd00:18::1");
  EXPECT_EQ(p2.endpoint->to_string(), "[fd00:18::1]:4500");
  ASSERT_EQ(p2.allowed_ips.size(), 2u);
  EXPECT_EQ(p2.allowed_ips[1].to_string(), "::/0");
  EXPECT_EQ(p2.persistent_keepalive, 0);
}

TEST(ConfigIni, DefaultsWhenOmitted) {
  const Config c = parse_ok(interface_block());
  EXPECT_EQ(c.interface.mtu, 1420);
  EXPECT_FALSE(c.interface.listen_port.has_value());
  EXPECT_TRUE(c.peers.empty());
}

TEST(ConfigIni, CaseCommentsWhitespaceAndCrlf) {
  const std::string text = std::string("  [interface]  # the interface\r\n") +
                           "privatekey=" + kPriv + "\r\n" +
                           "\t# a full-line comment\r\n" +
                           "LISTENPORT =   51820   # trailing comment\r\n" +
                           "[ PEER ]\r\n" +
                           "publicKEY\t=\t" + kPeer1 + "\r\n" +
                           "allowedips=10.0.0.0/8,fd00::/8";  // no final newline
  const Config c = parse_ok(text);
  EXPECT_EQ(c.interface.listen_port, std::optional<uint16_t>(51820));
  ASSERT_EQ(c.peers.size(), 1u);
  EXPECT_EQ(c.peers[0].public_key, key(kPeer1));
  EXPECT_EQ(c.peers[0].allowed_ips.size(), 2u);
}

TEST(ConfigIni, WgQuickOnlyKeysWarnAndAreIgnored) {
  std::vector<std::string> warnings;
  const Config c = parse_ok(interface_block() +
                                "PostUp = iptables -A FORWARD -i %i -j ACCEPT\n"
                                "postdown = true\n"
                                "PreUp = x\nPreDown = y\nTable = off\nSaveConfig = true\n"
                                "FwMark = 0x1234\n",
                            &warnings);
  EXPECT_EQ(c.interface.private_key, key(kPriv));
  const std::vector<std::string> expected = {
      "wg.conf:3: PostUp: ignored (used by wg-quick only)",
      "wg.conf:4: PostDown: ignored (used by wg-quick only)",
      "wg.conf:5: PreUp: ignored (used by wg-quick only)",
      "wg.conf:6: PreDown: ignored (used by wg-quick only)",
      "wg.conf:7: Table: ignored (used by wg-quick only)",
      "wg.conf:8: SaveConfig: ignored (used by wg-quick only)",
      "wg.conf:9: FwMark: ignored (used by wg-quick only)",
  };
  EXPECT_EQ(warnings, expected);
}

TEST(ConfigIni, EndpointForms) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    const char* printed;
  } cases[] = {
      {"198.18.0.1:51820", "198.18.0.1", 51820, "198.18.0.1:51820"},
      {"[fd00::1]:51820", "fd00::1", 51820, "[fd00::1]:51820"},
      {"vpn.example.com:443", "vpn.example.com", 443, "vpn.example.com:443"},
      {"gw-1_a.lab.example:1", "gw-1_a.lab.example", 1, "gw-1_a.lab.example:1"},
      {"localhost:65535", "localhost", 65535, "localhost:65535"},
  };
  for (const auto& c : cases) {
    const Config cfg = parse_ok(interface_block() + "[Peer]\nPublicKey = " + kPeer1 +
                                "\nEndpoint = " + c.text + "\n");
    ASSERT_EQ(cfg.peers.size(), 1u);
    ASSERT_TRUE(cfg.peers[0].endpoint.has_value()) << c.text;
    EXPECT_EQ(cfg.peers[0].endpoint->host, c.host);
    EXPECT_EQ(cfg.peers[0].endpoint->port, c.port);
    EXPECT_EQ(cfg.peers[0].endpoint->to_string(), c.printed);
  }
}

TEST(ConfigIni, BadEndpoints) {
  const std::string head = interface_block() + "[Peer]\nPublicKey = " + kPeer1 + "\nEndpoint = ";
  const std::pair<const char*, const char*> cases[] = {
      {"fd00::1:51820", "wg.conf:5: Endpoint: IPv6 endpoint `fd00::1:51820' needs brackets: "
                        "[addr]:port"},
      {"[fd00::1]51820", "wg.conf:5: Endpoint: invalid endpoint `[fd00::1]51820' (expected "
                         "host:port, IPv6 as [addr]:port)"},
      {"[198.18.0.1]:5", "wg.conf:5: Endpoint: invalid IPv6 address `198.18.0.1' in endpoint"},
      {"198.18.0.1", "wg.conf:5: Endpoint: invalid endpoint `198.18.0.1' (expected host:port, "
                     "IPv6 as [addr]:port)"},
      {"198.18.0.1:", "wg.conf:5: Endpoint: port `' is not a number"},
      {"198.18.0.1:0", "wg.conf:5: Endpoint: port `0' is out of range (1..65535)"},
      {"198.18.0.1:65536", "wg.conf:5: Endpoint: port `65536' is out of range (1..65535)"},
      {"198.18.0:5", "wg.conf:5: Endpoint: invalid host `198.18.0' in endpoint (expected an IP "
                     "address or host name)"},
      {"bad host:5", "wg.conf:5: Endpoint: invalid host `bad host' in endpoint (expected an IP "
                     "address or host name)"},
  };
  for (const auto& [endpoint, message] : cases) EXPECT_EQ(error_of(head + endpoint + "\n"), message);
}

// ---- errors, each with its line --------------------------------------------------------------

TEST(ConfigErrors, InvalidKeys) {
  EXPECT_EQ(error_of("[Interface]\nPrivateKey = " + std::string(kPriv).substr(0, 43) + "\n"),
            "wg.conf:2: PrivateKey: invalid key (expected 44 characters of base64)");
  EXPECT_EQ(error_of(interface_block() + "\n[Peer]\nPublicKey = not-a-key\n"),
            "wg.conf:5: PublicKey: invalid key (expected 44 characters of base64)");
  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 +
                     "\nPresharedKey = " + kPriv + "x\n"),
            "wg.conf:5: PresharedKey: invalid key (expected 44 characters of base64)");
  EXPECT_EQ(error_of(std::string("[Interface]\nPrivateKey = ") + kZeroKey + "\n"),
            "wg.conf:2: PrivateKey: all-zero key");
}

TEST(ConfigErrors, MissingPieces) {
  EXPECT_EQ(error_of("[Interface]\nListenPort = 1\n"), "wg.conf:1: [Interface]: missing PrivateKey");
  EXPECT_EQ(error_of(std::string("[Peer]\nPublicKey = ") + kPeer1 + "\n"),
            "wg.conf: missing [Interface] section with PrivateKey");
  EXPECT_EQ(error_of(""), "wg.conf: missing [Interface] section with PrivateKey");
  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 +
                     "\n\n[Peer]\nAllowedIPs = 10.0.0.0/8\n"),
            "wg.conf:6: [Peer]: missing PublicKey");
}

TEST(ConfigErrors, PeerKeyConflicts) {
  EXPECT_EQ(error_of(interface_block() + "\n[Peer]\nPublicKey = " + kOwnPub + "\n"),
            "wg.conf:5: PublicKey: peer has this interface's own public key");
  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 + "\n[Peer]\n" +
                     "PublicKey = " + kPeer2 + "\n[Peer]\n# again\nPublicKey = " + kPeer1 + "\n"),
            "wg.conf:9: PublicKey: duplicate peer (same public key as the peer on line 4)");
}

TEST(ConfigErrors, AddressesAndNumbers) {
  const std::pair<std::string, std::string> cases[] = {
      {"Address = 10.0.0.300", "wg.conf:3: Address: invalid IP address `10.0.0.300'"},
      {"Address = 10.0.0.1/24, 10.0.0.1/33",
       "wg.conf:3: Address: invalid prefix length in `10.0.0.1/33' (expected /0../32)"},
      {"Address = fd00::1/129",
       "wg.conf:3: Address: invalid prefix length in `fd00::1/129' (expected /0../128)"},
      {"Address = 10.0.0.1/", "wg.conf:3: Address: invalid prefix length in `10.0.0.1/' "
                              "(expected /0../32)"},
      {"Address = 10.0.0.1,,10.0.0.2", "wg.conf:3: Address: invalid IP address `'"},
      {"ListenPort = 65536", "wg.conf:3: ListenPort: `65536' is out of range (0..65535)"},
      {"ListenPort = -1", "wg.conf:3: ListenPort: `-1' is not a number"},
      {"MTU = 575", "wg.conf:3: MTU: `575' is out of range (576..65535)"},
      {"MTU = 65536", "wg.conf:3: MTU: `65536' is out of range (576..65535)"},
      {"MTU = 1e3", "wg.conf:3: MTU: `1e3' is not a number"},
      {"DNS = 10.0.0.1, not a domain", "wg.conf:3: DNS: invalid DNS server or search domain "
                                       "`not a domain'"},
  };
  for (const auto& [line, message] : cases)
    EXPECT_EQ(error_of(interface_block() + line + "\n"), message);

  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 +
                     "\nPersistentKeepalive = soon\n"),
            "wg.conf:5: PersistentKeepalive: `soon' is not a number (seconds, or `off')");
  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 +
                     "\nAllowedIPs = 10.0.0.0/8\nAllowedIPs = fd00::/8, ::g/0\n"),
            "wg.conf:6: AllowedIPs: invalid IP address `::g'");
}

TEST(ConfigErrors, Ipv6NeedsMtu1280) {
  // MTU 1000 is fine for IPv4 alone, wherever the Address line is.
  EXPECT_EQ(parse_ok(interface_block() + "MTU = 1000\nAddress = 10.0.0.2/24\n").interface.mtu, 1000);
  EXPECT_EQ(error_of(interface_block() + "MTU = 1000\nAddress = 10.0.0.2/24, fd00::2/64\n"),
            "wg.conf:3: MTU: 1000 is below 1280, the minimum IPv6 needs (an IPv6 Address is set)");
  EXPECT_EQ(parse_ok(interface_block() + "Address = fd00::2/64\nMTU = 1280\n").interface.mtu, 1280);
}

TEST(ConfigErrors, Structure) {
  EXPECT_EQ(error_of("[Interfaces]\n"),
            "wg.conf:1: [Interfaces]: unknown section (expected [Interface] or [Peer])");
  EXPECT_EQ(error_of("[Interface\n"), "wg.conf:1: unterminated section header");
  EXPECT_EQ(error_of(std::string("[") + kPriv + "]\n"),
            "wg.conf:1: unknown section (expected [Interface] or [Peer])");
  EXPECT_EQ(error_of(interface_block() + kPriv + "\n"),
            "wg.conf:3: line unrecognized (expected `Key = Value' or a [Section] header)");
  EXPECT_EQ(error_of(std::string("ListenPort = 1\n") + interface_block()),
            "wg.conf:1: ListenPort: key outside a section (put it under [Interface] or [Peer])");
  EXPECT_EQ(error_of(interface_block() + "PrivateKey " + kPriv + "\n"),
            "wg.conf:3: line unrecognized (expected `Key = Value' or a [Section] header)");
  EXPECT_EQ(error_of(interface_block() + "Frobnicate = 1\n"),
            "wg.conf:3: Frobnicate: unknown key in [Interface]");
  EXPECT_EQ(error_of(interface_block() + "[Peer]\nPublicKey = " + kPeer1 + "\nPostUp = x\n"),
            "wg.conf:5: PostUp: unknown key in [Peer]");
  EXPECT_EQ(error_of(interface_block() + "ListenPort = 1\nlistenport = 2\n"),
            "wg.conf:4: ListenPort: set twice in this section (first on line 3)");
  EXPECT_EQ(error_of(interface_block() + "[Interface]\n"),
            "wg.conf:3: [Interface]: second [Interface] section (the first is on line 1)");
  EXPECT_EQ(error_of(interface_block() + "= 5\n"), "wg.conf:3: missing key before `='");
}

// ---- UAPI form -------------------------------------------------------------------------------

TEST(ConfigUapi, SameConfigAsIni) {
  const std::string ini = std::string("[Interface]\nPrivateKey = ") + kPriv +
                          "\nListenPort = 51820\n\n[Peer]\nPublicKey = " + kPeer1 +
                          "\nPresharedKey = " + kPsk +
                          "\nEndpoint = 198.18.0.1:51820\nAllowedIPs = 10.99.0.0/24, fd00::/64\n"
                          "PersistentKeepalive = 25\n\n[Peer]\nPublicKey = " + kPeer2 +
                          "\nEndpoint = [fd00:18::1]:4500\nAllowedIPs = 0.0.0.0/0\n";
  const std::string uapi = std::string("private_key=") + kPrivHex +
                           "\nlisten_port=51820\nreplace_peers=true\npublic_key=" + kPeer1Hex +
                           "\nprotocol_version=1\npreshared_key=" + kPskHex +
                           "\nendpoint=198.18.0.1:51820\nreplace_allowed_ips=true\n"
                           "allowed_ip=10.99.0.0/24\nallowed_ip=fd00::/64\n"
                           "persistent_keepalive_interval=25\npublic_key=" + kPeer2Hex +
                           "\nendpoint=[fd00:18::1]:4500\nallowed_ip=0.0.0.0/0\n";
  const Config a = parse_ok(ini);
  const Config b = parse_ok(uapi);
  EXPECT_EQ(a.interface.private_key, b.interface.private_key);
  EXPECT_EQ(a.interface.listen_port, b.interface.listen_port);
  EXPECT_EQ(a.interface.mtu, b.interface.mtu);
  ASSERT_EQ(a.peers.size(), 2u);
  ASSERT_EQ(b.peers.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(a.peers[i].public_key, b.peers[i].public_key);
    EXPECT_EQ(a.peers[i].preshared_key, b.peers[i].preshared_key);
    ASSERT_TRUE(a.peers[i].endpoint && b.peers[i].endpoint);
    EXPECT_EQ(a.peers[i].endpoint->to_string(), b.peers[i].endpoint->to_string());
    EXPECT_EQ(a.peers[i].allowed_ips, b.peers[i].allowed_ips);
    EXPECT_EQ(a.peers[i].persistent_keepalive, b.peers[i].persistent_keepalive);
  }
  EXPECT_EQ(b.peers[0].line, 4);
  EXPECT_EQ(b.peers[1].line, 12);
}

TEST(ConfigUapi, Errors) {
  const std::string priv = std::string("private_key=") + kPrivHex + "\n";
  EXPECT_EQ(error_of(std::string("private_key=") + std::string(kPrivHex).substr(1) + "g\n"),
            "wg.conf:1: private_key: invalid key (expected 64 hex digits)");
  EXPECT_EQ(error_of("listen_port=1\n"), "wg.conf: missing private_key");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\nlisten_port=2\n"),
            "wg.conf:3: listen_port: interface key after the first public_key");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\nallowed_ip=10.0.0.0/33\n"),
            "wg.conf:3: allowed_ip: invalid prefix length in `10.0.0.0/33' (expected /0../32)");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\npublic_key=" + kPeer1Hex + "\n"),
            "wg.conf:3: public_key: duplicate peer (same public key as the peer on line 2)");
  EXPECT_EQ(error_of(priv + "replace_peers=yes\n"),
            "wg.conf:2: replace_peers: expected `true', got `yes'");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\nprotocol_version=2\n"),
            "wg.conf:3: protocol_version: unsupported protocol version `2'");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\nremove=true\n"),
            "wg.conf:3: remove: unknown peer key");
  EXPECT_EQ(error_of(priv + "bogus\n"), "wg.conf:2: line unrecognized (expected key=value)");
}

// A UAPI file has no word for the tunnel's own address, DNS or MTU (a kernel interface gets them
// from `ip`); wgnet's address=/dns=/mtu= lines give them the values wg-quick's keys would.
TEST(ConfigUapi, AddressDnsAndMtuLinesMatchTheIniKeys) {
  const std::string ini = std::string("[Interface]\nPrivateKey = ") + kPriv +
                          "\nAddress = 10.99.0.2/32, fd00::2/128\nAddress = 10.98.0.2/24\n"
                          "DNS = 10.99.0.1, corp.internal\nMTU = 1280\n\n[Peer]\nPublicKey = " +
                          kPeer1 + "\nAllowedIPs = 10.99.0.0/24\n";
  const std::string uapi = std::string("private_key=") + kPrivHex +
                           "\naddress=10.99.0.2/32, fd00::2/128\naddress=10.98.0.2/24\n"
                           "dns=10.99.0.1\ndns=corp.internal\nmtu=1280\npublic_key=" +
                           kPeer1Hex + "\nallowed_ip=10.99.0.0/24\n";
  const Config a = parse_ok(ini);
  const Config b = parse_ok(uapi);
  EXPECT_EQ(b.interface.addresses, a.interface.addresses);
  ASSERT_EQ(b.interface.addresses.size(), 3u);
  EXPECT_EQ(b.interface.dns_servers, a.interface.dns_servers);
  EXPECT_EQ(b.interface.dns_search, std::vector<std::string>{"corp.internal"});
  EXPECT_EQ(b.interface.mtu, 1280);
}

TEST(ConfigUapi, AddressDnsAndMtuErrorsNameTheLine) {
  const std::string priv = std::string("private_key=") + kPrivHex + "\n";
  EXPECT_EQ(error_of(priv + "address=10.99.0.2/33\n"),
            "wg.conf:2: address: invalid prefix length in `10.99.0.2/33' (expected /0../32)");
  EXPECT_EQ(error_of(priv + "dns=not_a_name!\n"),
            "wg.conf:2: dns: invalid DNS server or search domain `not_a_name!'");
  EXPECT_EQ(error_of(priv + "mtu=100\n"), "wg.conf:2: mtu: `100' is out of range (576..65535)");
  EXPECT_EQ(error_of(priv + "public_key=" + kPeer1Hex + "\naddress=10.99.0.2/32\n"),
            "wg.conf:3: address: interface key after the first public_key");
}

TEST(ConfigUapi, FwmarkWarnsAndZeroPskIsNone) {
  std::vector<std::string> warnings;
  const Config c = parse_ok(std::string("private_key=") + kPrivHex + "\nfwmark=0\npublic_key=" +
                                kPeer1Hex + "\npreshared_key=" + std::string(64, '0') + "\n",
                            &warnings);
  ASSERT_EQ(c.peers.size(), 1u);
  EXPECT_FALSE(c.peers[0].preshared_key.has_value());
  EXPECT_EQ(warnings,
            std::vector<std::string>{"wg.conf:2: fwmark: ignored (no firewall marks in userspace)"});
}

// ---- G3: load_config and the permission warning ------------------------------------------------

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wgnet-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/wg0.conf";
    std::ofstream(path_) << interface_block();
  }
  void TearDown() override {
    chmod(dir_.c_str(), 0700);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::vector<std::string> load_with_modes(mode_t file_mode, mode_t dir_mode) {
    EXPECT_EQ(chmod(path_.c_str(), file_mode), 0);
    EXPECT_EQ(chmod(dir_.c_str(), dir_mode), 0);
    std::vector<std::string> warnings;
    auto r = load_config(path_, [&](const std::string& w) { warnings.push_back(w); });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok()) {
      EXPECT_EQ(r->source, path_);
      EXPECT_EQ(r->interface.private_key, key(kPriv));
    }
    return warnings;
  }
  std::string dir_, path_;
};

TEST_F(ConfigFile, WarnsOnlyWhenFileAndDirectoryAreBothOpenToOthers) {
  const std::string warning = "warning: `" + path_ + "' is world accessible";
  EXPECT_EQ(load_with_modes(0644, 0755), std::vector<std::string>{warning});
  EXPECT_TRUE(load_with_modes(0600, 0755).empty());
  EXPECT_TRUE(load_with_modes(0644, 0700).empty()) << "others cannot reach it through the dir";
  EXPECT_TRUE(load_with_modes(0640, 0750).empty()) << "group bits do not count";
  EXPECT_TRUE(load_with_modes(0604, 0701).empty()) << "no common bit (r vs x)";
  EXPECT_EQ(load_with_modes(0601, 0701), std::vector<std::string>{warning});
}

TEST_F(ConfigFile, MissingFileIsAnError) {
  auto r = load_config(dir_ + "/absent.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  EXPECT_EQ(r.error().message,
            "cannot read " + dir_ + "/absent.conf: No such file or directory");
}

TEST_F(ConfigFile, ErrorsNameThePath) {
  std::ofstream(path_, std::ios::app) << "MTU = 10\n";
  auto r = load_config(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, path_ + ":3: MTU: `10' is out of range (576..65535)");
}

}  // namespace
}  // namespace wgnet
