// Value parsers and text helpers shared by the INI and UAPI readers.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "config/parse_support.hpp"

namespace wgnet {

std::string EndpointSpec::to_string() const {
  const bool bracket = host.find(':') != std::string::npos;  // an IPv6 literal
  return (bracket ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace config_detail {

std::string format_message(const Where& where, std::string_view what) {
  std::string out(where.source);
  if (where.line > 0) {
    out += ':';
    out += std::to_string(where.line);
  }
  out += ": ";
  if (!where.key.empty()) {
    out += where.key;
    out += ": ";
  }
  out += what;
  // One line, whatever a quoted value contained.
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

Error config_error(const Where& where, std::string_view what) {
  return make_error(ErrorCode::kConfig, format_message(where, what));
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_key_name(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> items;
  value = trim(value);
  if (value.empty()) return items;
  for (;;) {
    const auto comma = value.find(',');
    items.push_back(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Quotes user input the way wireguard-tools does (`value'), cut short if very long.
std::string quote(std::string_view text) {
  constexpr size_t MAX_QUOTED = 64;
  std::string out = "`";
  out += text.substr(0, MAX_QUOTED);
  if (text.size() > MAX_QUOTED) out += "...";
  return out + "'";
}

Parsed<unsigned long> parse_number(std::string_view text, unsigned long min, unsigned long max) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  unsigned long value = 0;
  if (digits) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && value >= min && value <= max)
      return value;
    return quote(text) + " is out of range (" + std::to_string(min) + ".." + std::to_string(max) +
           ")";
  }
  return quote(text) + " is not a number";
}

Parsed<IpAddress> parse_address(std::string_view text) {
  if (auto ip = IpAddress::parse(text)) return *ip;
  return "invalid IP address " + quote(text);
}

Parsed<IpPrefix> parse_prefix(std::string_view text) {
  const auto slash = text.find('/');
  const auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return "invalid IP address " + quote(text.substr(0, slash));
  if (auto prefix = IpPrefix::parse(text)) return *prefix;
  return "invalid prefix length in " + quote(text) + " (expected /0../" +
         (ip->is_v4() ? "32" : "128") + ")";
}

bool valid_hostname(std::string_view name) {
  // RFC 1123 names (letters, digits, '-', '.'), plus '_' which real zones contain. All-numeric
  // names are refused: "1.2.3" would be taken as an abbreviated IPv4 address by the resolver.
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-') return false;
  bool has_letter = false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;  // empty label ("a..b")
      label = 0;
      continue;
    }
    const bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (!alpha && !(c >= '0' && c <= '9') && c != '-' && c != '_') return false;
    has_letter |= alpha || c == '-' || c == '_';
    if (++label > 63) return false;
  }
  return has_letter;
}

Parsed<EndpointSpec> parse_endpoint(std::string_view text) {
  const std::string expected = " (expected host:port, IPv6 as [addr]:port)";
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return "invalid endpoint " + quote(text) + expected;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    const auto ip = IpAddress::parse(host);
    if (!ip || !ip->is_v6()) return "invalid IPv6 address " + quote(host) + " in endpoint";
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return "invalid endpoint " + quote(text) + expected;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return "IPv6 endpoint " + quote(text) + " needs brackets: [addr]:port";
    const auto ip = IpAddress::parse(host);
    if (!ip && !valid_hostname(host))
      return "invalid host " + quote(host) + " in endpoint (expected an IP address or host name)";
  }
  const auto number = parse_number(port, 1, 65535);
  if (const auto* why = std::get_if<std::string>(&number)) return "port " + *why;
  return EndpointSpec{std::string(host), static_cast<uint16_t>(std::get<unsigned long>(number))};
}

Parsed<uint16_t> parse_keepalive(std::string_view text) {
  if (lowercase(text) == "off") return uint16_t{0};
  const auto number = parse_number(text, 0, 65535);
  if (const auto* why = std::get_if<std::string>(&number)) return *why + " (seconds, or `off')";
  return static_cast<uint16_t>(std::get<unsigned long>(number));
}

Result<void> add_addresses(const Where& where, std::string_view value, InterfaceConfig& iface) {
  for (auto item : split_list(value)) {
    auto prefix = parse_prefix(item);
    if (auto* why = std::get_if<std::string>(&prefix)) return config_error(where, *why);
    iface.addresses.push_back(std::get<IpPrefix>(prefix));
  }
  return {};
}

Result<void> add_dns(const Where& where, std::string_view value, InterfaceConfig& iface) {
  for (auto item : split_list(value)) {
    if (auto ip = IpAddress::parse(item)) {
      iface.dns_servers.push_back(*ip);
    } else if (valid_hostname(item)) {
      iface.dns_search.emplace_back(item);
    } else {
      return config_error(where, "invalid DNS server or search domain " + quote(item));
    }
  }
  return {};
}

}  // namespace config_detail
}  // namespace wgnet
