#include "wgnet/ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace wgnet {

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.family = Family::kV4;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

IpAddress IpAddress::from_bytes(std::span<const uint8_t> raw) {
  IpAddress ip;
  ip.family = raw.size() == 4 ? Family::kV4 : Family::kV6;
  std::copy_n(raw.begin(), std::min<size_t>(raw.size(), 16), ip.bytes.begin());
  return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
    ip.family = Family::kV4;
    return ip;
  }
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.family = Family::kV6;
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned max = addr->is_v4() ? 32 : 128;
  unsigned len = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || end != digits.data() + digits.size() || len > max) return std::nullopt;
  }
  return IpPrefix{*addr, static_cast<uint8_t>(len)};
}

IpPrefix IpPrefix::masked() const {
  IpPrefix out = *this;
  for (size_t i = 0; i < 16; ++i) {
    int bits = static_cast<int>(length) - static_cast<int>(i * 8);
    uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
    out.addr.bytes[i] &= mask;
  }
  return out;
}

bool IpPrefix::contains(const IpAddress& ip) const {
  if (ip.family != addr.family) return false;
  IpPrefix probe{ip, length};
  return probe.masked().addr == masked().addr;
}

std::string IpPrefix::to_string() const {
  std::string out = addr.to_string();
  out += '/';
  out += std::to_string(length);
  return out;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto host = text.substr(0, colon);
  auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // a bare IPv6 address needs brackets
  }
  auto ip = IpAddress::parse(host);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!ip || port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    return std::nullopt;
  return Endpoint{*ip, static_cast<uint16_t>(port)};
}

std::string Endpoint::to_string() const {
  return ip.is_v6() ? "[" + ip.to_string() + "]:" + std::to_string(port)
                    : ip.to_string() + ":" + std::to_string(port);
}

}  // namespace wgnet
