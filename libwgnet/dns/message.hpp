// DNS messages through ldns: building a query, checking that a reply answers it, and reading
// the addresses out of an answer. Pure functions on bytes (no I/O), so the fuzzer and the unit
// tests drive them directly.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/ldns_handles.hpp"
#include "dns/query_id.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::dns {

constexpr uint16_t TYPE_A = 1;
constexpr uint16_t TYPE_CNAME = 5;
constexpr uint16_t TYPE_TXT = 16;
constexpr uint16_t TYPE_AAAA = 28;
constexpr uint16_t CLASS_IN = 1;
// A CNAME chain longer than this inside one answer is treated as a loop.
constexpr int MAX_CNAME_CHAIN = 16;

struct QuerySpec {
  uint16_t qtype = TYPE_A;
  uint16_t qclass = CLASS_IN;
  bool recursion_desired = true;
  bool dnssec_ok = false;                // sets DO in an OPT record (implies EDNS)
  std::optional<uint16_t> edns_bufsize;  // adds an OPT record advertising this UDP size
};

// A query ready to send, plus what a reply to it must echo.
struct QueryMessage {
  std::vector<uint8_t> wire;
  uint16_t id = 0;
  RdfPtr qname;  // for matching replies (case-insensitively)
  uint16_t qtype = 0;
  uint16_t qclass = 0;
};

// Builds a query for `name` (presentation format; a missing trailing dot is fine) with a
// random ID. kInvalidArgument when the name is not a valid domain name.
Result<QueryMessage> build_query(std::string_view name, const QuerySpec& spec,
                                 const RandomBytes& random);
// A query someone else built (wg-dig): its ID, question and class, for matching replies.
// kInvalidArgument unless it is a query (QR=0) with exactly one question.
Result<QueryMessage> parse_query(std::span<const uint8_t> wire);
// Gives the query a fresh random ID (each retransmission gets its own).
void renew_id(QueryMessage& query, const RandomBytes& random);

enum class ReplyVerdict {
  kAccepted,
  kMalformed,  // ldns could not parse it
  kWrongId,
  kNotAResponse,  // QR=0
  kWrongOpcode,
  kWrongQuestionCount,  // anything but exactly one question
  kWrongQuestion,       // qname (compared case-insensitively), qtype or qclass differ
};
const char* to_string(ReplyVerdict verdict);

struct CheckedReply {
  ReplyVerdict verdict = ReplyVerdict::kMalformed;
  PktPtr packet;  // set when accepted
};

// Decides whether `wire` is a reply to `query`. Anything else is to be ignored (not an error:
// the caller keeps waiting for the real reply until its deadline).
CheckedReply check_reply(const QueryMessage& query, std::span<const uint8_t> wire);

// The addresses of type `qtype` (A or AAAA) that answer `qname`, following the CNAME chain
// inside the answer section (at most MAX_CNAME_CHAIN links). Records for other names and
// malformed address records are skipped.
std::vector<IpAddress> answer_addresses(const ldns_pkt& reply, const ldns_rdf& qname,
                                        uint16_t qtype);

// Presentation form of a domain name ("www.example.com.").
std::string dname_to_string(const ldns_rdf& name);
// "NOERROR", "SERVFAIL", ... (numbers for codes without a name).
std::string rcode_name(unsigned rcode);

}  // namespace wgnet::dns
