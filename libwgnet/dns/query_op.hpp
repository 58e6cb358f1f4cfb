// The query request of the DNS engine (Tunnel::query_dns, wg-dig): one prepared query to one
// server, the checked reply whatever its RCODE. Over UDP `tries` tries of `timeout` each, each
// from a fresh socket with a fresh ID; a truncated reply asked again over TCP unless
// tcp_fallback is off; or TCP only. kTimeout when no try got a reply; the last try's error when
// that was not a timeout; a failed TCP retry after a truncated reply ends the request.
#pragma once

#include <memory>

#include "dns/engine.hpp"

namespace wgnet::dns {

std::unique_ptr<Operation> make_query_op(Engine& engine, QueryRequest request, QueryDone done);

}  // namespace wgnet::dns
