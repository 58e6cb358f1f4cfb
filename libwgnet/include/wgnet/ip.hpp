// IP addresses, prefixes and UDP endpoints as plain values (no OS types).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wgnet/export.hpp"

namespace wgnet {

struct WGNET_API IpAddress {
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  Family family = Family::kV4;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4 bytes; the rest stay zero

  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress from_bytes(std::span<const uint8_t> raw);  // 4 or 16 bytes
  // Parses "10.0.0.1", "fd00::1" (no brackets, no zone). nullopt if malformed.
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_v4() const { return family == Family::kV4; }
  bool is_v6() const { return family == Family::kV6; }
  size_t size() const { return is_v4() ? 4 : 16; }
  std::span<const uint8_t> view() const { return {bytes.data(), size()}; }
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

// An address with a prefix length: "10.0.0.0/24", "::/0". A bare address is a host prefix.
struct WGNET_API IpPrefix {
  IpAddress addr;
  uint8_t length = 0;

  static std::optional<IpPrefix> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;
  IpPrefix masked() const;  // host bits cleared
  std::string to_string() const;

  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
};

// A UDP endpoint (the outer transport address of a WireGuard peer).
struct WGNET_API Endpoint {
  IpAddress ip;
  uint16_t port = 0;

  // "1.2.3.4:51820" or "[fd00::1]:51820". Host names are not accepted here.
  static std::optional<Endpoint> parse(std::string_view text);
  std::string to_string() const;

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

}  // namespace wgnet
