// The SOCKS5 wire format (RFC 1928, RFC 1929), sans I/O: parsers take the bytes received so far
// and say whether they hold a whole message, need more, or can never be valid; builders return
// the bytes to send. The session code (socks5_session.cpp) owns every socket; this owns every
// byte layout, so unit tests reach each malformed input without a socket.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/socks5.hpp"

namespace wgnet::io::socks5 {

inline constexpr uint8_t kVersion = 0x05;
inline constexpr uint8_t kUserPassVersion = 0x01;  // RFC 1929's own version byte

inline constexpr uint8_t kMethodNoAuth = 0x00;
inline constexpr uint8_t kMethodUserPass = 0x02;
inline constexpr uint8_t kMethodNoAcceptable = 0xFF;

inline constexpr uint8_t kCommandConnect = 0x01;
inline constexpr uint8_t kCommandBind = 0x02;
inline constexpr uint8_t kCommandUdpAssociate = 0x03;

inline constexpr uint8_t kAtypIpv4 = 0x01;
inline constexpr uint8_t kAtypDomain = 0x03;
inline constexpr uint8_t kAtypIpv6 = 0x04;

enum class Reply : uint8_t {
  kSucceeded = 0x00,
  kGeneralFailure = 0x01,
  kNotAllowed = 0x02,
  kNetworkUnreachable = 0x03,
  kHostUnreachable = 0x04,
  kConnectionRefused = 0x05,
  kTtlExpired = 0x06,
  kCommandNotSupported = 0x07,
  kAddressTypeNotSupported = 0x08,
};

enum class ParseStatus {
  kOk,              // a whole message; `consumed` bytes of the input are it
  kNeedMore,        // a valid prefix: read more (for a datagram: truncated, drop it)
  kMalformed,       // can never become valid (wrong version, empty name, ...)
  kBadAddressType,  // ATYP is none of 1, 3, 4: the rest cannot even be delimited
};

template <class T>
struct Parsed {
  ParseStatus status = ParseStatus::kNeedMore;
  T value{};
  size_t consumed = 0;
};

// DST.ADDR/DST.PORT: an IP address, or a name for the tunnel's DNS.
struct Address {
  std::optional<IpAddress> ip;  // ATYP 1 or 4
  std::string host;             // ATYP 3
  uint16_t port = 0;

  // "10.0.0.1:80", "[fd00::1]:80", "example.com:80": for log lines.
  std::string to_string() const;
  // The host as dial_tcp / resolve take it: the name, or the address's text.
  std::string host_text() const;
};

// ---- method negotiation ----
struct Greeting {
  std::vector<uint8_t> methods;
};
Parsed<Greeting> parse_greeting(std::span<const uint8_t> in);
// The method we use: user/password when credentials are required, else no-auth; never
// falls back from one to the other (a proxy with a password must not be open). 0xFF if the
// client did not offer it.
uint8_t choose_method(const Greeting& greeting, bool credentials_required);
std::array<uint8_t, 2> build_method_reply(uint8_t method);

// ---- RFC 1929 username/password ----
Parsed<Socks5Credentials> parse_user_pass(std::span<const uint8_t> in);
std::array<uint8_t, 2> build_user_pass_reply(bool accepted);
// Both fields compared in time independent of where they differ (only the lengths of the
// expected values show), so timing cannot guess a password byte by byte.
bool credentials_match(const Socks5Credentials& offered, const Socks5Credentials& expected);

// ---- request and reply ----
struct Request {
  uint8_t command = 0;  // any value: the session answers unknown ones with 0x07
  Address destination;
};
Parsed<Request> parse_request(std::span<const uint8_t> in);
// VER REP RSV ATYP BND.ADDR BND.PORT; ATYP from bound's family.
std::vector<uint8_t> build_reply(Reply reply, const Endpoint& bound);
// The reply code that tells the client why a dial failed.
Reply reply_for(ErrorCode code);

// ---- UDP ASSOCIATE datagrams: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA ----
struct UdpHeader {
  uint8_t fragment = 0;
  Address destination;
};
// `consumed` is the header's length; the payload is the rest of the datagram.
Parsed<UdpHeader> parse_udp_header(std::span<const uint8_t> datagram);
std::vector<uint8_t> build_udp_header(const Endpoint& source);

}  // namespace wgnet::io::socks5
