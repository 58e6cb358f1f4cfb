// One name, its address records, every server: the retry loop under Resolver::resolve().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"

namespace wgnet::dns {

enum class LookupStatus {
  kFound,          // at least one address
  kNxdomain,       // the name does not exist
  kNodata,         // the name exists without records of the asked types
  kServerFailure,  // only SERVFAIL/REFUSED/... replies (detail says which server)
  kNoReply,        // no usable reply from any server in any attempt
};

struct LookupOutcome {
  LookupStatus status = LookupStatus::kNoReply;
  std::vector<IpAddress> addresses;  // in answer order, the types in `qtypes` order
  std::string detail;                // the server failure or the last transport error
  std::vector<IpAddress> silent;     // servers that gave no reply at all
  bool out_of_time = false;          // the caller's deadline cut a wait short or skipped a try
};

// Asks for every type in `qtypes` (A, AAAA) about the absolute name `name`, all types at once
// over one UDP fd per try; `attempts` rounds over `servers` in order, a truncated reply retried
// over TCP. Every wait ends by `deadline` when there is one, and no try starts after it.
// kInvalidArgument when `name` is not a valid domain name.
Result<LookupOutcome> lookup_addresses(
    std::string_view name, std::span<const uint16_t> qtypes, const std::vector<IpAddress>& servers,
    const ResolverConfig& config, Transport& transport,
    std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace wgnet::dns
