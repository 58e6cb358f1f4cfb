#include "io/socks5_codec.hpp"

#include <algorithm>

namespace wgnet::io::socks5 {
namespace {

// ATYP DST.ADDR DST.PORT starting at in[at]; on kOk `end` is the offset just past the port.
ParseStatus parse_address(std::span<const uint8_t> in, size_t at, Address& out, size_t& end) {
  if (in.size() <= at) return ParseStatus::kNeedMore;
  const uint8_t atyp = in[at++];
  size_t length = 0;
  switch (atyp) {
    case kAtypIpv4:
      length = 4;
      break;
    case kAtypIpv6:
      length = 16;
      break;
    case kAtypDomain:
      if (in.size() <= at) return ParseStatus::kNeedMore;
      length = in[at++];
      if (length == 0) return ParseStatus::kMalformed;  // no name to look up
      break;
    default:
      return ParseStatus::kBadAddressType;
  }
  if (in.size() < at + length + 2) return ParseStatus::kNeedMore;
  if (atyp == kAtypDomain) {
    out.host.assign(reinterpret_cast<const char*>(in.data() + at), length);
    // A NUL would cut the name short in any C API further down: not a name anyone can mean.
    if (out.host.find('\0') != std::string::npos) return ParseStatus::kMalformed;
  } else {
    out.ip = IpAddress::from_bytes(in.subspan(at, length));
  }
  at += length;
  out.port = static_cast<uint16_t>(in[at] << 8 | in[at + 1]);
  end = at + 2;
  return ParseStatus::kOk;
}

void append_endpoint(std::vector<uint8_t>& out, const Endpoint& ep) {
  out.push_back(ep.ip.is_v4() ? kAtypIpv4 : kAtypIpv6);
  auto bytes = ep.ip.view();
  out.insert(out.end(), bytes.begin(), bytes.end());
  out.push_back(static_cast<uint8_t>(ep.port >> 8));
  out.push_back(static_cast<uint8_t>(ep.port & 0xff));
}

// Length-prefixed field of RFC 1929 at in[at]; advances `at`.
ParseStatus parse_field(std::span<const uint8_t> in, size_t& at, std::string& out) {
  if (in.size() <= at) return ParseStatus::kNeedMore;
  const size_t length = in[at];
  if (in.size() < at + 1 + length) return ParseStatus::kNeedMore;
  out.assign(reinterpret_cast<const char*>(in.data() + at + 1), length);
  at += 1 + length;
  return ParseStatus::kOk;
}

// Every byte of `expected` is looked at whatever `offered` holds, and no branch depends on
// their contents.
bool constant_time_equal(const std::string& offered, const std::string& expected) {
  unsigned diff = offered.size() == expected.size() ? 0u : 1u;
  for (size_t i = 0; i < expected.size(); ++i) {
    const uint8_t o = i < offered.size() ? static_cast<uint8_t>(offered[i]) : 0;
    diff |= static_cast<unsigned>(o ^ static_cast<uint8_t>(expected[i]));
  }
  return diff == 0;
}

}  // namespace

std::string Address::to_string() const {
  if (ip) return Endpoint{*ip, port}.to_string();
  return host + ":" + std::to_string(port);
}

std::string Address::host_text() const {
  return ip ? ip->to_string() : host;
}

Parsed<Greeting> parse_greeting(std::span<const uint8_t> in) {
  Parsed<Greeting> out;
  if (in.empty()) return out;
  if (in[0] != kVersion) {
    out.status = ParseStatus::kMalformed;
    return out;
  }
  if (in.size() < 2 || in.size() < 2u + in[1]) return out;
  out.value.methods.assign(in.begin() + 2, in.begin() + 2 + in[1]);
  out.consumed = 2u + in[1];
  out.status = ParseStatus::kOk;
  return out;
}

uint8_t choose_method(const Greeting& greeting, bool credentials_required) {
  const uint8_t wanted = credentials_required ? kMethodUserPass : kMethodNoAuth;
  const auto& m = greeting.methods;
  return std::find(m.begin(), m.end(), wanted) != m.end() ? wanted : kMethodNoAcceptable;
}

std::array<uint8_t, 2> build_method_reply(uint8_t method) {
  return {kVersion, method};
}

Parsed<Socks5Credentials> parse_user_pass(std::span<const uint8_t> in) {
  Parsed<Socks5Credentials> out;
  if (in.empty()) return out;
  if (in[0] != kUserPassVersion) {
    out.status = ParseStatus::kMalformed;
    return out;
  }
  size_t at = 1;
  if (parse_field(in, at, out.value.user) != ParseStatus::kOk) return out;
  if (parse_field(in, at, out.value.password) != ParseStatus::kOk) return out;
  out.consumed = at;
  out.status = ParseStatus::kOk;
  return out;
}

std::array<uint8_t, 2> build_user_pass_reply(bool accepted) {
  return {kUserPassVersion, static_cast<uint8_t>(accepted ? 0x00 : 0x01)};
}

bool credentials_match(const Socks5Credentials& offered, const Socks5Credentials& expected) {
  // `&`, not `&&`: the password is compared even when the user name is wrong.
  return constant_time_equal(offered.user, expected.user) &
         constant_time_equal(offered.password, expected.password);
}

Parsed<Request> parse_request(std::span<const uint8_t> in) {
  Parsed<Request> out;
  if (in.empty()) return out;
  if (in[0] != kVersion) {
    out.status = ParseStatus::kMalformed;
    return out;
  }
  if (in.size() < 3) return out;
  // in[2] is RSV: RFC 1928 says 0x00, but nothing depends on it, so it is not checked (as
  // Dante and OpenSSH's dynamic forward do not).
  out.value.command = in[1];
  size_t end = 0;
  out.status = parse_address(in, 3, out.value.destination, end);
  if (out.status == ParseStatus::kOk) out.consumed = end;
  return out;
}

std::vector<uint8_t> build_reply(Reply reply, const Endpoint& bound) {
  std::vector<uint8_t> out{kVersion, static_cast<uint8_t>(reply), 0x00};
  append_endpoint(out, bound);
  return out;
}

Reply reply_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNetwork:  // no peer's AllowedIPs covers it, no tunnel address of its family
      return Reply::kNetworkUnreachable;
    case ErrorCode::kResolve:           // the tunnel's DNS has no such name
    case ErrorCode::kHandshakeTimeout:  // the peer in front of the host never answered
      return Reply::kHostUnreachable;
    case ErrorCode::kConnectRefused:
      return Reply::kConnectionRefused;
    case ErrorCode::kTimeout:  // the host never answered the SYN
      return Reply::kTtlExpired;
    default:
      return Reply::kGeneralFailure;
  }
}

Parsed<UdpHeader> parse_udp_header(std::span<const uint8_t> datagram) {
  Parsed<UdpHeader> out;
  if (datagram.size() < 3) return out;
  // datagram[0..1] is RSV, unchecked as in the request.
  out.value.fragment = datagram[2];
  size_t end = 0;
  out.status = parse_address(datagram, 3, out.value.destination, end);
  if (out.status == ParseStatus::kOk) out.consumed = end;
  return out;
}

std::vector<uint8_t> build_udp_header(const Endpoint& source) {
  std::vector<uint8_t> out{0x00, 0x00, 0x00};
  append_endpoint(out, source);
  return out;
}

}  // namespace wgnet::io::socks5
