// The resolve request of the DNS engine: the A and/or AAAA records of a name from the tunnel's
// DNS servers (never the system resolver: names typed by the user must not leak outside the
// tunnel), through the search list.
//
// kAny asks both at once and returns IPv6 and IPv4 interleaved (v6, v4, v6, v4, ... as RFC 8305
// suggests). IP literals come back as they are. Errors: kResolve when there are no servers, the
// name does not exist (NXDOMAIN), has no address of the family (NODATA), the servers fail
// (SERVFAIL) or never answer; kInvalidArgument for a malformed name or a literal of the wrong
// family. The request's deadline (the caller's time budget, e.g. curl's -m) caps every wait: a
// try waits until min(now + timeout, deadline), and no further round or search name is asked
// once it has passed. When it ends the lookup the error is kTimeout ("... within the N ms
// allowed"), not kResolve: the name may well exist.
#pragma once

#include <memory>
#include <vector>

#include "dns/engine.hpp"

namespace wgnet::dns {

std::unique_ptr<Operation> make_resolve_op(Engine& engine, ResolveRequest request,
                                           ResolveDone done);

// Orders addresses as RFC 8305 section 4 suggests: IPv6 first, then alternating families, each
// family keeping its own order; duplicates dropped.
std::vector<IpAddress> interleave_families(const std::vector<IpAddress>& addresses);

// "no DNS server in the tunnel configuration (add DNS= to [Interface]); ..." - the error a
// resolve gives without servers, for callers that check before asking.
Error no_dns_server_error();

}  // namespace wgnet::dns
