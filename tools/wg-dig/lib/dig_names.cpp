#include "dig_names.hpp"

#include <ldns/ldns.h>
#include <strings.h>

#include <charconv>
#include <cstdio>

#include "wgnet/ip.hpp"

namespace wgnet::dig {
namespace {

// "TYPE123" / "CLASS3": ldns accepts these too but with atoi (no error for "TYPEx"), so the
// number is checked here.
std::optional<uint16_t> generic_number(std::string_view word, std::string_view prefix) {
  if (word.size() <= prefix.size() || strncasecmp(word.data(), prefix.data(), prefix.size()) != 0) {
    return std::nullopt;
  }
  auto digits = word.substr(prefix.size());
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

bool has_generic_prefix(std::string_view word, std::string_view prefix) {
  return word.size() >= prefix.size() &&
         strncasecmp(word.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

std::optional<uint16_t> parse_type(std::string_view word) {
  if (word.empty()) return std::nullopt;
  if (has_generic_prefix(word, "TYPE")) return generic_number(word, "TYPE");
  std::string text(word);
  ldns_rr_type type = ldns_get_rr_type_by_name(text.c_str());
  if (type == 0) return std::nullopt;
  return static_cast<uint16_t>(type);
}

std::optional<uint16_t> parse_class(std::string_view word) {
  if (word.empty()) return std::nullopt;
  if (has_generic_prefix(word, "CLASS")) return generic_number(word, "CLASS");
  std::string text(word);
  ldns_rr_class klass = ldns_get_rr_class_by_name(text.c_str());
  if (klass == 0) return std::nullopt;
  return static_cast<uint16_t>(klass);
}

std::string type_name(uint16_t type) {
  char* text = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string name = text ? text : "TYPE" + std::to_string(type);
  free(text);
  return name;
}

std::string class_name(uint16_t klass) {
  char* text = ldns_rr_class2str(static_cast<ldns_rr_class>(klass));
  std::string name = text ? text : "CLASS" + std::to_string(klass);
  free(text);
  return name;
}

std::optional<std::string> reverse_name(std::string_view address) {
  if (auto ip = IpAddress::parse(address)) {
    std::string name;
    if (ip->is_v4()) {
      for (int i = 3; i >= 0; --i) name += std::to_string(ip->bytes[i]) + ".";
      return name + "in-addr.arpa.";
    }
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
      name += kHex[ip->bytes[i] & 0xf];
      name += '.';
      name += kHex[ip->bytes[i] >> 4];
      name += '.';
    }
    return name + "ip6.arpa.";
  }
  // A partial IPv4 address: 1 to 3 decimal octets.
  std::string labels;
  int octets = 0;
  size_t pos = 0;
  while (pos <= address.size()) {
    size_t dot = address.find('.', pos);
    auto part = address.substr(pos, dot == std::string_view::npos ? address.npos : dot - pos);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size() || value > 255) {
      return std::nullopt;
    }
    labels = std::to_string(value) + "." + labels;
    if (++octets > 3) return std::nullopt;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return labels + "in-addr.arpa.";
}

}  // namespace wgnet::dig
