// Pieces shared by the two config syntaxes (wg-quick INI and UAPI text): value parsers that
// return a reason instead of a bool, the error/warning formatting, and the checks that need the
// whole configuration. Internal to libwgnet/config.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wgnet/config.hpp"

namespace wgnet::config_detail {

// A value parser's outcome: the value, or why the text is not one (a phrase for the message).
template <class T>
using Parsed = std::variant<T, std::string>;

// Where a message points: "wg.conf:7: PublicKey: ...".
struct Where {
  std::string_view source;
  int line = 0;  // 0 = the file as a whole
  std::string_view key;
};

std::string format_message(const Where& where, std::string_view what);
// Quotes user input as wireguard-tools does (`value'), cut short if long. Never for key material.
std::string quote(std::string_view text);
Error config_error(const Where& where, std::string_view what);

std::string_view trim(std::string_view s);
// A plausible key name ([A-Za-z0-9_], 1..32 characters). Anything else is never quoted back: a
// line missing its `=' may be key material whose base64 padding looked like one.
bool is_key_name(std::string_view s);
std::string lowercase(std::string_view s);
// Splits "a, b ,c" into trimmed items; an empty value gives no items, an empty item is kept ("").
std::vector<std::string_view> split_list(std::string_view value);
// Splits `text` into lines (LF or CRLF); the last line need not end in a newline.
std::vector<std::string_view> split_lines(std::string_view text);

Parsed<unsigned long> parse_number(std::string_view text, unsigned long min, unsigned long max);
Parsed<IpPrefix> parse_prefix(std::string_view text);
Parsed<IpAddress> parse_address(std::string_view text);
Parsed<EndpointSpec> parse_endpoint(std::string_view text);
Parsed<uint16_t> parse_keepalive(std::string_view text);  // number or "off"
bool valid_hostname(std::string_view name);

// The interface's Address and DNS values, lists in both syntaxes (UAPI: wgnet's address= and
// dns= lines, which wireguard-go's UAPI has no words for). Items are appended to `iface`.
Result<void> add_addresses(const Where& where, std::string_view value, InterfaceConfig& iface);
Result<void> add_dns(const Where& where, std::string_view value, InterfaceConfig& iface);

// Constant-time 64-digit hex key (UAPI form); nullopt if malformed.
std::optional<Key32> parse_key_hex(std::string_view text);

// Where each value of a finished Config came from, for the checks that run at the end.
struct PeerLines {
  int public_key = 0;  // 0 = no PublicKey given
};
struct SourceLines {
  int interface_section = 0;  // 0 = no [Interface] section (UAPI: the private_key line)
  int private_key = 0;
  int mtu = 0;
  std::vector<PeerLines> peers;  // parallel to Config::peers
};

// The checks that need the whole file: a private key, every peer with a public key that is
// neither ours nor another peer's, and an MTU IPv6 can use when an IPv6 address is configured.
// `form_names` spells the keys as the syntax does ("PrivateKey" or "private_key").
struct KeyNames {
  std::string_view private_key, public_key, mtu, interface_section, peer_section;
};
Result<void> validate(const Config& config, const SourceLines& lines, const KeyNames& names);

// Overwrites every key in the config (private key and preshared keys).
void wipe_secrets(Config& config);

// The two syntaxes.
Result<Config> parse_ini(std::string_view text, std::string_view source, const WarningSink& warn);
Result<Config> parse_uapi(std::string_view text, std::string_view source, const WarningSink& warn);
bool looks_like_uapi(std::string_view text);

// Moves a finished config into a Result and wipes the keys left in the moved-from object.
Result<Config> finish(Config& config);

}  // namespace wgnet::config_detail
