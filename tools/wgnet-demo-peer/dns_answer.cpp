// The demo peer's DNS: a tiny authoritative zone, demo.wgnet, answered with ldns.
#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "demo_configs.hpp"
#include "services.hpp"

// ldns's C headers define bool-related macros that break <optional>'s operator<=> when they
// come first: include them after every C++ header.
#include <ldns/ldns.h>

namespace demo {

namespace {

struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktDeleter>;

struct Record {
  const char* name;  // relative to the zone
  ldns_rr_type type;
  std::string data;
};

const std::vector<Record>& zone() {
  static const std::vector<Record> records = {
      {"echo", LDNS_RR_TYPE_A, kPeerV4},   {"echo", LDNS_RR_TYPE_AAAA, kPeerV6},
      {"www", LDNS_RR_TYPE_A, kPeerV4},    {"www", LDNS_RR_TYPE_AAAA, kPeerV6},
      {"ssh", LDNS_RR_TYPE_A, kPeerV4},    {"ssh", LDNS_RR_TYPE_AAAA, kPeerV6},
      {"peer", LDNS_RR_TYPE_A, kPeerV4},   {"client", LDNS_RR_TYPE_A, kClientV4},
      {"hello", LDNS_RR_TYPE_TXT, "\"hello from inside the tunnel\""},
  };
  return records;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<uint8_t> answer_dns_query(std::span<const uint8_t> query) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, query.data(), query.size()) != LDNS_STATUS_OK) return {};
  Pkt q(raw);
  if (ldns_pkt_qr(q.get()) || ldns_pkt_qdcount(q.get()) != 1) return {};
  ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q.get()), 0);

  Pkt reply(ldns_pkt_new());
  ldns_pkt_set_id(reply.get(), ldns_pkt_id(q.get()));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_rd(reply.get(), ldns_pkt_rd(q.get()));
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(question));

  char* owner_text = ldns_rdf2str(ldns_rr_owner(question));
  std::string owner = lower(owner_text ? owner_text : "");
  std::free(owner_text);
  std::string suffix = std::string(".") + kZone + ".";
  ldns_rr_type type = ldns_rr_get_type(question);

  if (owner.size() <= suffix.size() || owner.compare(owner.size() - suffix.size(), suffix.size(),
                                                     suffix) != 0) {
    ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_REFUSED);  // not our zone: we recurse for nobody
  } else {
    std::string label = owner.substr(0, owner.size() - suffix.size());
    bool exists = false;
    ldns_pkt_set_aa(reply.get(), true);
    for (const auto& r : zone()) {
      if (label != r.name) continue;
      exists = true;
      if (r.type != type && type != LDNS_RR_TYPE_ANY) continue;
      ldns_rr* rr = nullptr;
      char* type_name = ldns_rr_type2str(r.type);
      std::string text = owner + " 60 IN " + type_name + " " + r.data;
      std::free(type_name);
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 60, nullptr, nullptr) == LDNS_STATUS_OK)
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr);
    }
    if (!exists) ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NXDOMAIN);
  }

  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, reply.get(), &size) != LDNS_STATUS_OK) return {};
  std::vector<uint8_t> out(wire, wire + size);
  std::free(wire);
  return out;
}

}  // namespace demo
