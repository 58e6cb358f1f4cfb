// libFuzzer harness for the DNS reply parser and validator (TESTPLAN I9): every input is a
// reply as it could arrive from a DNS server through the tunnel. Its first two bytes become the
// query ID so that the fuzzer gets past the ID check into ldns's parser, the question match and
// the CNAME walk. Besides crashes, sanitizer reports and hangs (compression pointer loops must
// end) it checks what an accepted reply promises and that addresses come back in the asked family.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dns/message.hpp"

namespace {

using namespace wgnet::dns;

QueryMessage make_query(uint16_t qtype) {
  QuerySpec spec;
  spec.qtype = qtype;
  // The ID is overwritten per input below: a fixed one is as good as a random one here.
  auto q = build_query("www.example.com", spec, [](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = 0;
  });
  if (!q) std::abort();
  return std::move(*q);
}

void check_addresses(const ldns_pkt& pkt, const ldns_rdf& name, uint16_t qtype) {
  auto addrs = answer_addresses(pkt, name, qtype);
  if (addrs.size() > ldns_pkt_ancount(&pkt)) std::abort();
  for (const auto& a : addrs) {
    if (a.is_v4() != (qtype == TYPE_A)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static QueryMessage queries[] = {make_query(TYPE_A), make_query(TYPE_AAAA)};
  std::span<const uint8_t> wire(data, size);
  for (QueryMessage& q : queries) {
    if (size >= 2) q.id = static_cast<uint16_t>(data[0] << 8 | data[1]);
    CheckedReply r = check_reply(q, wire);
    if (r.verdict == ReplyVerdict::kAccepted) {
      if (!r.packet || ldns_pkt_id(r.packet.get()) != q.id || !ldns_pkt_qr(r.packet.get()) ||
          ldns_pkt_qdcount(r.packet.get()) != 1) {
        std::abort();
      }
      check_addresses(*r.packet, *q.qname, q.qtype);
      (void)rcode_name(ldns_pkt_get_rcode(r.packet.get()));
    } else if (r.packet) {
      std::abort();  // a rejected reply must not hand out a packet
    }
  }
  // The CNAME walk on whatever ldns parses, starting from the reply's own question name.
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK) return 0;
  PktPtr pkt(raw);
  const ldns_rr_list* questions = ldns_pkt_question(pkt.get());
  if (questions && ldns_rr_list_rr_count(questions) > 0) {
    const ldns_rdf* owner = ldns_rr_owner(ldns_rr_list_rr(questions, 0));
    if (owner) {
      (void)dname_to_string(*owner);
      check_addresses(*pkt, *owner, TYPE_A);
      check_addresses(*pkt, *owner, TYPE_AAAA);
    }
  }
  return 0;
}
