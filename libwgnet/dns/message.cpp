#include "dns/message.hpp"

#include <array>

#include "dns/query_id.hpp"

namespace wgnet::dns {
namespace {

constexpr size_t HEADER_LEN = 12;
constexpr size_t MAX_NAME_TEXT = 1024;  // far above any valid name, even fully escaped

RdfPtr parse_name(std::string_view name) {
  if (name.empty() || name.size() > MAX_NAME_TEXT) return nullptr;
  // ldns wants a C string; a name with an embedded NUL is not one we could have meant.
  std::string text(name);
  if (text.find('\0') != std::string::npos) return nullptr;
  return RdfPtr(ldns_dname_new_frm_str(text.c_str()));
}

}  // namespace

Result<QueryMessage> build_query(std::string_view name, const QuerySpec& spec,
                                 const RandomBytes& random) {
  RdfPtr qname = parse_name(name);
  if (!qname) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid DNS name '" + std::string(name) +
                          "' (labels of 1-63 characters, 253 characters in all)");
  }
  RdfPtr owner(ldns_rdf_clone(qname.get()));
  if (!owner) return make_error(ErrorCode::kInternal, "out of memory building a DNS query");
  uint16_t flags = spec.recursion_desired ? LDNS_RD : 0;
  // ldns_pkt_query_new takes ownership of the owner name, also when it fails.
  PktPtr pkt(ldns_pkt_query_new(owner.release(), static_cast<ldns_rr_type>(spec.qtype),
                                static_cast<ldns_rr_class>(spec.qclass), flags));
  if (!pkt) return make_error(ErrorCode::kInternal, "out of memory building a DNS query");
  uint16_t id = random_query_id(random);
  ldns_pkt_set_id(pkt.get(), id);
  if (spec.edns_bufsize || spec.dnssec_ok) {
    // RFC 6891: a requestor advertises at least 512; 1232 is the DNS Flag Day 2020 default.
    ldns_pkt_set_edns_udp_size(pkt.get(), spec.edns_bufsize.value_or(1232));
    ldns_pkt_set_edns_do(pkt.get(), spec.dnssec_ok);
  }
  uint8_t* raw = nullptr;
  size_t size = 0;
  ldns_status status = ldns_pkt2wire(&raw, pkt.get(), &size);
  WirePtr wire(raw);
  if (status != LDNS_STATUS_OK || !wire) {
    return make_error(ErrorCode::kInvalidArgument, "cannot encode a DNS query for '" +
                                                       std::string(name) +
                                                       "': " + ldns_get_errorstr_by_id(status));
  }
  QueryMessage query;
  query.wire.assign(wire.get(), wire.get() + size);
  query.id = id;
  query.qname = std::move(qname);
  query.qtype = spec.qtype;
  query.qclass = spec.qclass;
  return query;
}

Result<QueryMessage> parse_query(std::span<const uint8_t> wire) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK || raw == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "not a DNS message");
  }
  PktPtr pkt(raw);
  if (ldns_pkt_qr(pkt.get()) || ldns_pkt_qdcount(pkt.get()) != 1) {
    return make_error(ErrorCode::kInvalidArgument, "not a DNS query with one question");
  }
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  QueryMessage query;
  query.wire.assign(wire.begin(), wire.end());
  query.id = ldns_pkt_id(pkt.get());
  query.qname = RdfPtr(ldns_rdf_clone(ldns_rr_owner(question)));
  query.qtype = static_cast<uint16_t>(ldns_rr_get_type(question));
  query.qclass = static_cast<uint16_t>(ldns_rr_get_class(question));
  if (!query.qname) return make_error(ErrorCode::kInternal, "out of memory reading a DNS query");
  return query;
}

void renew_id(QueryMessage& query, const RandomBytes& random) {
  query.id = random_query_id(random);
  query.wire[0] = static_cast<uint8_t>(query.id >> 8);
  query.wire[1] = static_cast<uint8_t>(query.id & 0xff);
}

const char* to_string(ReplyVerdict verdict) {
  switch (verdict) {
    case ReplyVerdict::kAccepted:
      return "accepted";
    case ReplyVerdict::kMalformed:
      return "malformed";
    case ReplyVerdict::kWrongId:
      return "wrong query ID";
    case ReplyVerdict::kNotAResponse:
      return "not a response (QR=0)";
    case ReplyVerdict::kWrongOpcode:
      return "wrong opcode";
    case ReplyVerdict::kWrongQuestionCount:
      return "not exactly one question";
    case ReplyVerdict::kWrongQuestion:
      return "question does not match the query";
  }
  return "unknown";
}

CheckedReply check_reply(const QueryMessage& query, std::span<const uint8_t> wire) {
  CheckedReply out;
  // The cheap header checks first: a flood of spoofed replies should cost no parsing.
  if (wire.size() < HEADER_LEN) return out;
  uint16_t id = static_cast<uint16_t>(wire[0] << 8 | wire[1]);
  if (id != query.id) {
    out.verdict = ReplyVerdict::kWrongId;
    return out;
  }
  if ((wire[2] & 0x80) == 0) {
    out.verdict = ReplyVerdict::kNotAResponse;
    return out;
  }
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK) return out;
  PktPtr pkt(raw);
  if (ldns_pkt_get_opcode(pkt.get()) != LDNS_PACKET_QUERY) {
    out.verdict = ReplyVerdict::kWrongOpcode;
    return out;
  }
  const ldns_rr_list* questions = ldns_pkt_question(pkt.get());
  if (ldns_pkt_qdcount(pkt.get()) != 1 || !questions || ldns_rr_list_rr_count(questions) != 1) {
    out.verdict = ReplyVerdict::kWrongQuestionCount;
    return out;
  }
  const ldns_rr* question = ldns_rr_list_rr(questions, 0);
  const ldns_rdf* owner = question ? ldns_rr_owner(question) : nullptr;
  // ldns_dname_compare folds case: resolvers may randomise it (0x20) and servers echo it.
  if (!owner || ldns_dname_compare(owner, query.qname.get()) != 0 ||
      ldns_rr_get_type(question) != query.qtype || ldns_rr_get_class(question) != query.qclass) {
    out.verdict = ReplyVerdict::kWrongQuestion;
    return out;
  }
  out.verdict = ReplyVerdict::kAccepted;
  out.packet = std::move(pkt);
  return out;
}

namespace {

bool same_name(const ldns_rdf* a, const ldns_rdf* b) {
  return a && b && ldns_rdf_get_type(a) == LDNS_RDF_TYPE_DNAME &&
         ldns_rdf_get_type(b) == LDNS_RDF_TYPE_DNAME && ldns_dname_compare(a, b) == 0;
}

std::optional<IpAddress> address_of(const ldns_rr* rr, uint16_t qtype) {
  if (ldns_rr_rd_count(rr) != 1) return std::nullopt;
  const ldns_rdf* rdata = ldns_rr_rdf(rr, 0);
  size_t want = qtype == TYPE_A ? 4 : 16;
  if (!rdata || ldns_rdf_size(rdata) != want) return std::nullopt;
  return IpAddress::from_bytes({ldns_rdf_data(rdata), want});
}

}  // namespace

std::vector<IpAddress> answer_addresses(const ldns_pkt& reply, const ldns_rdf& qname,
                                        uint16_t qtype) {
  if (qtype != TYPE_A && qtype != TYPE_AAAA) return {};
  const ldns_rr_list* answer = ldns_pkt_answer(&reply);
  if (!answer) return {};
  size_t count = ldns_rr_list_rr_count(answer);
  const ldns_rdf* current = &qname;
  for (int link = 0; link <= MAX_CNAME_CHAIN; ++link) {
    std::vector<IpAddress> found;
    const ldns_rdf* alias_target = nullptr;
    for (size_t i = 0; i < count; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (!rr || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) continue;
      if (!same_name(ldns_rr_owner(rr), current)) continue;
      if (ldns_rr_get_type(rr) == qtype) {
        if (auto ip = address_of(rr, qtype)) found.push_back(*ip);
      } else if (ldns_rr_get_type(rr) == TYPE_CNAME && ldns_rr_rd_count(rr) == 1) {
        alias_target = ldns_rr_rdf(rr, 0);
      }
    }
    if (!found.empty()) return found;
    if (!alias_target || ldns_rdf_get_type(alias_target) != LDNS_RDF_TYPE_DNAME) return {};
    current = alias_target;
  }
  return {};  // a chain this long is a loop or an attack
}

std::string dname_to_string(const ldns_rdf& name) {
  CStrPtr text(ldns_rdf2str(&name));
  return text ? std::string(text.get()) : std::string("<unprintable name>");
}

std::string rcode_name(unsigned rcode) {
  static constexpr std::array<const char*, 11> kNames = {
      "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode < kNames.size()) return kNames[rcode];
  return "RCODE" + std::to_string(rcode);
}

}  // namespace wgnet::dns
