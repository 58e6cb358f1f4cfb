// Owning handles for ldns objects, so that no ldns allocation outlives its scope by mistake.
#pragma once

#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>

namespace wgnet::dns {

struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfDeleter {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RrDeleter {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
// Buffers ldns returns from malloc (ldns_pkt2wire, ldns_rdf2str).
struct MallocDeleter {
  void operator()(void* p) const { std::free(p); }
};

using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using WirePtr = std::unique_ptr<uint8_t, MallocDeleter>;
using CStrPtr = std::unique_ptr<char, MallocDeleter>;

}  // namespace wgnet::dns
