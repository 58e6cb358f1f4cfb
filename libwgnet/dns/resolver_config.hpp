// How the tunnel's resolver asks: its servers, search list, and the timing of its tries.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "wgnet/ip.hpp"

namespace wgnet::dns {

struct ResolverConfig {
  std::vector<IpAddress> servers;   // DNS= of the config, in order
  std::vector<std::string> search;  // search domains from DNS=
  uint16_t port = 53;
  std::chrono::milliseconds timeout{2000};  // per try
  // Rounds over all servers. Three, so that one lost datagram or a loop thread starved for a
  // moment (a loaded machine) costs a retry, not the lookup: 6 s before a silent server is
  // reported (glibc: 2 x 5 s).
  int attempts = 3;
  int ndots = 1;
};

}  // namespace wgnet::dns
