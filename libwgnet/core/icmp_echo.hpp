// ICMP and ICMPv6 echo messages, sans I/O: what Tunnel::open_pinger sends and how it recognises
// the replies to it. The messages start at the ICMP header (the IP layer adds its own header).
//
// The first 8 data bytes carry the sender's clock (nanoseconds, big-endian) so that a reply's
// round-trip time needs no table of outstanding requests, however many are in flight and however
// late a reply comes; iputils ping does the same with a struct timeval. The rest of the data is
// the byte pattern 0x08, 0x09, ... (each byte its offset, modulo 256).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace wgnet::core {

inline constexpr size_t kIcmpEchoHeaderBytes = 8;  // type, code, checksum, identifier, sequence
inline constexpr size_t kIcmpEchoStampBytes = 8;   // the send time at the start of the data

enum class IcmpFamily { kV4, kV6 };

struct EchoRequest {
  IcmpFamily family = IcmpFamily::kV4;
  uint16_t identifier = 0;
  uint16_t sequence = 0;
  size_t data_bytes = 56;
  uint64_t stamp_ns = 0;  // written only when data_bytes >= kIcmpEchoStampBytes
};

// The ICMP message of an echo request. The ICMPv4 checksum is filled in; the ICMPv6 one is left
// zero because it covers the IPv6 pseudo-header, which only the IP layer knows.
std::vector<uint8_t> build_echo_request(const EchoRequest& request);

struct EchoReply {
  uint16_t identifier = 0;
  uint16_t sequence = 0;
  size_t bytes = 0;                  // the ICMP message's length, header included
  std::optional<uint64_t> stamp_ns;  // the request's send time, if the data was long enough
};

// An echo reply (type 0 / 129, code 0) at least 8 bytes long, else nothing. Echo requests,
// errors and anything else are not replies.
std::optional<EchoReply> parse_echo_reply(IcmpFamily family, std::span<const uint8_t> message);

}  // namespace wgnet::core
