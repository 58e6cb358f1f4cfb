// The UAPI text form (what `wg set` sends and wireguard-go's IpcSet reads): `key=value` lines with
// lowercase keys and hex keys; interface keys first, then one block per peer started by
// `public_key=`. Blank lines and `#` comment lines are skipped so a file can hold it.
// wgnet extensions, interface keys: `address=` and `dns=` (the values of wg-quick's Address= and
// DNS=, one or more per line, the lines repeatable) and `mtu=`. The UAPI has no words for them
// because a kernel interface gets them from `ip`; an in-process tunnel needs them from the file.
#include "config/parse_support.hpp"
#include "core/crypto.hpp"

namespace wgnet::config_detail {
namespace {

const KeyNames UAPI_NAMES{"private_key", "public_key", "mtu", "", "public_key"};

class UapiParser {
 public:
  UapiParser(std::string_view source, const WarningSink& warn) : warn_(warn) {
    config_.source = std::string(source);
  }
  ~UapiParser() { wipe_secrets(config_); }

  Result<Config> run(std::string_view text) {
    int number = 0;
    for (auto raw : split_lines(text)) {
      ++number;
      const auto line = trim(raw);
      if (line.empty() || line.front() == '#') continue;
      const auto eq = line.find('=');
      if (eq == std::string_view::npos || !is_key_name(line.substr(0, eq)))
        return config_error({config_.source, number, {}},
                            "line unrecognized (expected key=value)");
      const auto key = line.substr(0, eq);
      const auto value = line.substr(eq + 1);
      auto done = in_peer_ ? peer_key(key, value, number) : interface_key(key, value, number);
      if (!done) return done.error();
    }
    if (auto ok = validate(config_, lines_, UAPI_NAMES); !ok) return ok.error();
    return finish(config_);
  }

 private:
  Where at(int line, std::string_view key) const { return {config_.source, line, key}; }

  // Decodes a hex key straight into `out`; the result says whether it is non-zero.
  Result<bool> read_key(std::string_view key, std::string_view value, int number, Key32& out) {
    auto parsed = parse_key_hex(value);
    if (!parsed) return config_error(at(number, key), "invalid key (expected 64 hex digits)");
    out = *parsed;
    crypto::secure_zero(*parsed);
    static const Key32 zero{};
    return !crypto::equal_ct(out, zero);
  }

  Result<void> interface_key(std::string_view key, std::string_view value, int number) {
    if (key == "private_key") {
      auto nonzero = read_key(key, value, number, config_.interface.private_key);
      if (!nonzero) return nonzero.error();
      lines_.private_key = nonzero.value() ? number : 0;  // all zero removes the key (UAPI)
    } else if (key == "listen_port") {
      auto port = parse_number(value, 0, 65535);
      if (auto* why = std::get_if<std::string>(&port)) return config_error(at(number, key), *why);
      config_.interface.listen_port = static_cast<uint16_t>(std::get<unsigned long>(port));
    } else if (key == "fwmark") {
      if (warn_) warn_(format_message(at(number, key), "ignored (no firewall marks in userspace)"));
    } else if (key == "address") {
      return add_addresses(at(number, key), value, config_.interface);
    } else if (key == "dns") {
      return add_dns(at(number, key), value, config_.interface);
    } else if (key == "mtu") {
      auto mtu = parse_number(value, 576, 65535);
      if (auto* why = std::get_if<std::string>(&mtu)) return config_error(at(number, key), *why);
      config_.interface.mtu = static_cast<uint16_t>(std::get<unsigned long>(mtu));
      lines_.mtu = number;
    } else if (key == "replace_peers") {
      return require_true(key, value, number);
    } else if (key == "public_key") {
      return start_peer(key, value, number);
    } else {
      return config_error(at(number, key), "unknown interface key");
    }
    return {};
  }

  Result<void> start_peer(std::string_view key, std::string_view value, int number) {
    in_peer_ = true;
    PeerConfig peer;
    peer.line = number;
    config_.peers.push_back(std::move(peer));
    lines_.peers.push_back({});
    auto nonzero = read_key(key, value, number, config_.peers.back().public_key);
    if (!nonzero) return nonzero.error();
    if (!nonzero.value()) return config_error(at(number, key), "all-zero key");
    lines_.peers.back().public_key = number;
    return {};
  }

  Result<void> peer_key(std::string_view key, std::string_view value, int number) {
    auto& peer = config_.peers.back();
    if (key == "public_key") {
      return start_peer(key, value, number);
    } else if (key == "preshared_key") {
      Key32 psk;
      auto nonzero = read_key(key, value, number, psk);
      if (!nonzero) return nonzero.error();
      if (nonzero.value()) {
        peer.preshared_key = psk;
      } else {
        peer.preshared_key.reset();  // all zero means no preshared key
      }
      crypto::secure_zero(psk);
    } else if (key == "endpoint") {
      auto endpoint = parse_endpoint(value);
      if (auto* why = std::get_if<std::string>(&endpoint)) return config_error(at(number, key), *why);
      peer.endpoint = std::get<EndpointSpec>(endpoint);
    } else if (key == "allowed_ip") {
      auto prefix = parse_prefix(value);
      if (auto* why = std::get_if<std::string>(&prefix)) return config_error(at(number, key), *why);
      peer.allowed_ips.push_back(std::get<IpPrefix>(prefix).masked());
    } else if (key == "persistent_keepalive_interval") {
      auto interval = parse_number(value, 0, 65535);
      if (auto* why = std::get_if<std::string>(&interval))
        return config_error(at(number, key), *why);
      peer.persistent_keepalive = static_cast<uint16_t>(std::get<unsigned long>(interval));
    } else if (key == "replace_allowed_ips") {
      return require_true(key, value, number);
    } else if (key == "protocol_version") {
      if (value != "1")
        return config_error(at(number, key), "unsupported protocol version " + quote(value));
    } else if (key == "private_key" || key == "listen_port" || key == "fwmark" ||
               key == "address" || key == "dns" || key == "mtu") {
      return config_error(at(number, key), "interface key after the first public_key");
    } else {
      return config_error(at(number, key), "unknown peer key");
    }
    return {};
  }

  // replace_peers / replace_allowed_ips: a fresh configuration replaces everything anyway.
  Result<void> require_true(std::string_view key, std::string_view value, int number) {
    if (value == "true") return {};
    return config_error(at(number, key), "expected `true', got " + quote(value));
  }

  const WarningSink& warn_;
  Config config_;
  SourceLines lines_;
  bool in_peer_ = false;
};

}  // namespace

Result<Config> parse_uapi(std::string_view text, std::string_view source,
                         const WarningSink& warn) {
  return UapiParser(source, warn).run(text);
}

bool looks_like_uapi(std::string_view text) {
  bool first = true;
  bool uapi = false;
  for (auto raw : split_lines(text)) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (lowercase(line.substr(0, line.find('#'))).starts_with("[interface")) return false;
    if (first) {
      first = false;
      const auto eq = line.find('=');
      if (eq == std::string_view::npos || !is_key_name(line.substr(0, eq))) return false;
      uapi = true;
      for (char c : line.substr(0, eq)) uapi &= (c >= 'a' && c <= 'z') || c == '_';
    }
  }
  return uapi;
}

}  // namespace wgnet::config_detail
