// Conversions between wgnet's plain values and lwIP's types, and the one place lwIP's err_t
// becomes a wgnet::Error.
#pragma once

#include <string>

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::io {

ip_addr_t to_lwip(const IpAddress& ip);
IpAddress from_lwip(const ip_addr_t& ip);
// 0.0.0.0 and :: both mean "every address of ours, both families" (IPADDR_TYPE_ANY).
bool is_unspecified(const IpAddress& ip);

// `what` names the operation and its target, e.g. "connect to 10.0.0.2:22".
Error lwip_error(err_t err, const std::string& what);

}  // namespace wgnet::io
