#include "io/lwip_convert.hpp"

#include <algorithm>
#include <cstring>

namespace wgnet::io {

ip_addr_t to_lwip(const IpAddress& ip) {
  ip_addr_t out{};
  if (ip.is_v4()) {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V4);
    std::memcpy(&ip_2_ip4(&out)->addr, ip.bytes.data(), 4);
  } else {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V6);
    std::memcpy(ip_2_ip6(&out)->addr, ip.bytes.data(), 16);
  }
  return out;
}

IpAddress from_lwip(const ip_addr_t& ip) {
  if (IP_IS_V6_VAL(ip)) {
    return IpAddress::from_bytes({reinterpret_cast<const uint8_t*>(ip_2_ip6(&ip)->addr), 16});
  }
  return IpAddress::from_bytes({reinterpret_cast<const uint8_t*>(&ip_2_ip4(&ip)->addr), 4});
}

bool is_unspecified(const IpAddress& ip) {
  auto v = ip.view();
  return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

Error lwip_error(err_t err, const std::string& what) {
  switch (err) {
    case ERR_MEM:
    case ERR_BUF:
      return make_error(ErrorCode::kInternal, what + ": out of memory in the TCP/IP stack");
    case ERR_TIMEOUT:
      return make_error(ErrorCode::kTimeout, what + ": timed out");
    case ERR_RTE:
      return make_error(ErrorCode::kNetwork,
                        what + ": no route (no tunnel address of that IP family)");
    case ERR_USE:
      return make_error(ErrorCode::kInvalidArgument, what + ": address already in use");
    case ERR_VAL:
    case ERR_ARG:
      return make_error(ErrorCode::kInvalidArgument, what + ": invalid address or port");
    case ERR_RST:
      return make_error(ErrorCode::kConnectRefused, what + ": connection refused");
    case ERR_ABRT:
      return make_error(ErrorCode::kNetwork, what + ": connection aborted");
    case ERR_CLSD:
      return make_error(ErrorCode::kClosed, what + ": connection closed");
    case ERR_CONN:
      return make_error(ErrorCode::kNetwork, what + ": not connected");
    case ERR_ISCONN:
      return make_error(ErrorCode::kInvalidArgument, what + ": already connected");
    default:
      return make_error(ErrorCode::kInternal,
                        what + ": TCP/IP stack error " + std::to_string(static_cast<int>(err)));
  }
}

}  // namespace wgnet::io
