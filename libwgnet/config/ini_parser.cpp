// The wg-quick INI form, read a line at a time as wireguard-tools' config.c does: `#` starts a
// comment anywhere, section names and keys are case-insensitive, whitespace around them is
// ignored. Keys that only wg-quick acts on (PostUp, Table, ...) are ignored with a warning.
#include <array>
#include <map>

#include "config/parse_support.hpp"
#include "core/crypto.hpp"

namespace wgnet::config_detail {
namespace {

enum class Section { kNone, kInterface, kPeer };

constexpr std::array<std::string_view, 7> WG_QUICK_ONLY = {
    "PostUp", "PostDown", "PreUp", "PreDown", "Table", "SaveConfig", "FwMark"};

const KeyNames INI_NAMES{"PrivateKey", "PublicKey", "MTU", "[Interface]", "[Peer]"};

class IniParser {
 public:
  IniParser(std::string_view source, const WarningSink& warn) : warn_(warn) {
    config_.source = std::string(source);
  }
  ~IniParser() { wipe_secrets(config_); }

  Result<Config> run(std::string_view text) {
    int number = 0;
    for (auto raw : split_lines(text)) {
      ++number;
      auto line = trim(raw.substr(0, raw.find('#')));
      if (line.empty()) continue;
      auto done = line.front() == '[' ? section(line, number) : assignment(line, number);
      if (!done) return done.error();
    }
    if (auto ok = validate(config_, lines_, INI_NAMES); !ok) return ok.error();
    return finish(config_);
  }

 private:
  Where at(int line, std::string_view key) const { return {config_.source, line, key}; }

  Result<void> section(std::string_view line, int number) {
    if (line.back() != ']')
      return config_error(at(number, {}), "unterminated section header");
    const std::string name = lowercase(trim(line.substr(1, line.size() - 2)));
    seen_.clear();
    if (name == "interface") {
      if (lines_.interface_section != 0)
        return config_error(at(number, "[Interface]"),
                            "second [Interface] section (the first is on line " +
                                std::to_string(lines_.interface_section) + ")");
      lines_.interface_section = number;
      section_ = Section::kInterface;
    } else if (name == "peer") {
      PeerConfig peer;
      peer.line = number;
      config_.peers.push_back(std::move(peer));
      lines_.peers.push_back({});
      section_ = Section::kPeer;
    } else if (is_key_name(trim(line.substr(1, line.size() - 2)))) {
      return config_error(at(number, line), "unknown section (expected [Interface] or [Peer])");
    } else {
      return config_error(at(number, {}), "unknown section (expected [Interface] or [Peer])");
    }
    return {};
  }

  Result<void> assignment(std::string_view line, int number) {
    const auto eq = line.find('=');
    // The line is not quoted back: it may well be a key someone forgot the `=` for.
    if (eq == std::string_view::npos)
      return config_error(at(number, {}), "line unrecognized (expected `Key = Value' or a "
                                          "[Section] header)");
    const auto key = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    if (key.empty()) return config_error(at(number, {}), "missing key before `='");
    if (!is_key_name(key))
      return config_error(at(number, {}), "line unrecognized (expected `Key = Value' or a "
                                          "[Section] header)");
    if (section_ == Section::kNone)
      return config_error(at(number, key), "key outside a section (put it under [Interface] or "
                                           "[Peer])");
    return section_ == Section::kInterface ? interface_key(key, value, number)
                                           : peer_key(key, value, number);
  }

  // Single-valued keys may appear once per section.
  Result<void> once(std::string_view name, int number) {
    auto [it, inserted] = seen_.emplace(std::string(name), number);
    if (inserted) return {};
    return config_error(at(number, name), "set twice in this section (first on line " +
                                              std::to_string(it->second) + ")");
  }

  Result<void> interface_key(std::string_view key, std::string_view value, int number) {
    const std::string k = lowercase(key);
    auto& iface = config_.interface;
    if (k == "privatekey") {
      if (auto ok = once("PrivateKey", number); !ok) return ok;
      auto nonzero = read_key("PrivateKey", value, number, iface.private_key);
      if (!nonzero) return nonzero.error();
      if (!nonzero.value()) return config_error(at(number, "PrivateKey"), "all-zero key");
      lines_.private_key = number;
    } else if (k == "address") {
      return add_addresses(at(number, "Address"), value, iface);
    } else if (k == "dns") {
      return add_dns(at(number, "DNS"), value, iface);
    } else if (k == "mtu") {
      if (auto ok = once("MTU", number); !ok) return ok;
      auto mtu = parse_number(value, 576, 65535);
      if (auto* why = std::get_if<std::string>(&mtu)) return config_error(at(number, "MTU"), *why);
      iface.mtu = static_cast<uint16_t>(std::get<unsigned long>(mtu));
      lines_.mtu = number;
    } else if (k == "listenport") {
      if (auto ok = once("ListenPort", number); !ok) return ok;
      auto port = parse_number(value, 0, 65535);
      if (auto* why = std::get_if<std::string>(&port))
        return config_error(at(number, "ListenPort"), *why);
      iface.listen_port = static_cast<uint16_t>(std::get<unsigned long>(port));
    } else if (auto ignored = wg_quick_only(k)) {
      if (warn_) warn_(format_message(at(number, *ignored), "ignored (used by wg-quick only)"));
    } else {
      return config_error(at(number, key), "unknown key in [Interface]");
    }
    return {};
  }

  Result<void> peer_key(std::string_view key, std::string_view value, int number) {
    const std::string k = lowercase(key);
    auto& peer = config_.peers.back();
    if (k == "publickey") {
      if (auto ok = once("PublicKey", number); !ok) return ok;
      auto nonzero = read_key("PublicKey", value, number, peer.public_key);
      if (!nonzero) return nonzero.error();
      if (!nonzero.value()) return config_error(at(number, "PublicKey"), "all-zero key");
      lines_.peers.back().public_key = number;
    } else if (k == "presharedkey") {
      if (auto ok = once("PresharedKey", number); !ok) return ok;
      Key32 psk;
      auto nonzero = read_key("PresharedKey", value, number, psk);
      if (!nonzero) return nonzero.error();
      if (nonzero.value()) {
        peer.preshared_key = psk;
      } else {
        peer.preshared_key.reset();  // an all-zero preshared key means none, as in wg(8)
      }
      crypto::secure_zero(psk);
    } else if (k == "endpoint") {
      if (auto ok = once("Endpoint", number); !ok) return ok;
      auto endpoint = parse_endpoint(value);
      if (auto* why = std::get_if<std::string>(&endpoint))
        return config_error(at(number, "Endpoint"), *why);
      peer.endpoint = std::get<EndpointSpec>(endpoint);
    } else if (k == "allowedips") {
      for (auto item : split_list(value)) {
        auto prefix = parse_prefix(item);
        if (auto* why = std::get_if<std::string>(&prefix))
          return config_error(at(number, "AllowedIPs"), *why);
        peer.allowed_ips.push_back(std::get<IpPrefix>(prefix).masked());
      }
    } else if (k == "persistentkeepalive") {
      if (auto ok = once("PersistentKeepalive", number); !ok) return ok;
      auto interval = parse_keepalive(value);
      if (auto* why = std::get_if<std::string>(&interval))
        return config_error(at(number, "PersistentKeepalive"), *why);
      peer.persistent_keepalive = std::get<uint16_t>(interval);
    } else {
      return config_error(at(number, key), "unknown key in [Peer]");
    }
    return {};
  }

  // Decodes a base64 key straight into `out`; the result says whether it is non-zero. The text
  // is never quoted in messages.
  Result<bool> read_key(std::string_view name, std::string_view value, int number, Key32& out) {
    auto key = parse_key_base64(value);
    if (!key)
      return config_error(at(number, name), "invalid key (expected 44 characters of base64)");
    out = *key;
    crypto::secure_zero(*key);
    static const Key32 zero{};
    return !crypto::equal_ct(out, zero);
  }

  static std::optional<std::string_view> wg_quick_only(const std::string& lower_key) {
    for (auto name : WG_QUICK_ONLY)
      if (lowercase(name) == lower_key) return name;
    return std::nullopt;
  }

  const WarningSink& warn_;
  Config config_;
  SourceLines lines_;
  Section section_ = Section::kNone;
  std::map<std::string, int> seen_;  // single-valued keys of the current section -> line
};

}  // namespace

Result<Config> parse_ini(std::string_view text, std::string_view source, const WarningSink& warn) {
  return IniParser(source, warn).run(text);
}

}  // namespace wgnet::config_detail
