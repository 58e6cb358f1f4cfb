// The pure parts: query building, reply checks on crafted bytes, CNAME chains, search lists,
// address interleaving.
#include "dns/message.hpp"

#include <gtest/gtest.h>

#include <set>

#include "dns/loopback_resolver.hpp"
#include "dns/resolve_op.hpp"
#include "wgnet/dns.hpp"

namespace wgnet::dns {
namespace {

using test::test_random;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

PktPtr parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return PktPtr(raw);
}

QueryMessage query_for(const char* name, uint16_t qtype = TYPE_A) {
  QuerySpec spec;
  spec.qtype = qtype;
  auto q = build_query(name, spec, test_random);
  EXPECT_TRUE(q) << q.error().message;
  return std::move(*q);
}

// The query's own bytes with QR set: a reply with an empty answer.
std::vector<uint8_t> echo_reply(const QueryMessage& q) {
  std::vector<uint8_t> wire = q.wire;
  wire[2] |= 0x80;
  return wire;
}

TEST(BuildQuery, EncodesTheQuestionAndId) {
  QueryMessage q = query_for("www.Example.com", TYPE_AAAA);
  PktPtr pkt = parse(q.wire);
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), q.id);
  EXPECT_FALSE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 0);  // no EDNS unless asked
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  EXPECT_EQ(dname_to_string(*ldns_rr_owner(question)), "www.Example.com.");
  EXPECT_EQ(ldns_rr_get_type(question), LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(ldns_rr_get_class(question), LDNS_RR_CLASS_IN);
}

TEST(BuildQuery, EdnsAndFlagsOnRequest) {
  QuerySpec spec;
  spec.qtype = TYPE_TXT;
  spec.recursion_desired = false;
  spec.dnssec_ok = true;
  auto q = build_query("example.org.", spec, test_random);
  ASSERT_TRUE(q) << q.error().message;
  PktPtr pkt = parse(q->wire);
  ASSERT_TRUE(pkt);
  EXPECT_FALSE(ldns_pkt_rd(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt.get()));

  spec.dnssec_ok = false;
  spec.edns_bufsize = 4096;
  q = build_query("example.org.", spec, test_random);
  ASSERT_TRUE(q);
  pkt = parse(q->wire);
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 4096);
  EXPECT_FALSE(ldns_pkt_edns_do(pkt.get()));
}

TEST(BuildQuery, RejectsInvalidNames) {
  for (std::string bad : {std::string(""), std::string(64, 'a') + ".example", std::string("a..b"),
                          std::string(260, 'a'), std::string("nul\0byte", 8)}) {
    auto q = build_query(bad, QuerySpec{}, test_random);
    ASSERT_FALSE(q) << bad;
    EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(build_query(std::string(63, 'a') + ".example", QuerySpec{}, test_random));
}

TEST(BuildQuery, RenewIdRewritesTheHeader) {
  QueryMessage q = query_for("www.example");
  std::set<uint16_t> ids;
  for (int i = 0; i < 8; ++i) {
    renew_id(q, test_random);
    ids.insert(q.id);
    PktPtr pkt = parse(q.wire);
    ASSERT_TRUE(pkt);
    EXPECT_EQ(ldns_pkt_id(pkt.get()), q.id);
  }
  EXPECT_GT(ids.size(), 1u);
}

TEST(CheckReply, AcceptsTheEcho) {
  QueryMessage q = query_for("www.example");
  CheckedReply r = check_reply(q, echo_reply(q));
  EXPECT_EQ(r.verdict, ReplyVerdict::kAccepted);
  EXPECT_TRUE(r.packet);
}

TEST(CheckReply, AcceptsAnyCaseOfTheQname) {
  QueryMessage q = query_for("www.example");
  std::vector<uint8_t> wire = echo_reply(q);
  wire[13] = 'W';  // first letter of the first label
  wire[18] = 'X';
  EXPECT_EQ(check_reply(q, wire).verdict, ReplyVerdict::kAccepted);
}

TEST(CheckReply, RejectsEachMismatch) {
  QueryMessage q = query_for("www.example");
  const std::vector<uint8_t> good = echo_reply(q);
  auto with = [&](auto edit) {
    std::vector<uint8_t> w = good;
    edit(w);
    return check_reply(q, w).verdict;
  };
  EXPECT_EQ(with([](auto& w) { w[1] ^= 1; }), ReplyVerdict::kWrongId);
  EXPECT_EQ(with([](auto& w) { w[2] &= 0x7f; }), ReplyVerdict::kNotAResponse);
  EXPECT_EQ(with([](auto& w) { w[2] |= 0x10; }), ReplyVerdict::kWrongOpcode);   // STATUS
  EXPECT_EQ(with([](auto& w) { w[14] = 'v'; }), ReplyVerdict::kWrongQuestion);  // qname
  EXPECT_EQ(with([](auto& w) { w[w.size() - 3] = TYPE_AAAA; }), ReplyVerdict::kWrongQuestion);
  EXPECT_EQ(with([](auto& w) { w[w.size() - 1] = 3; }), ReplyVerdict::kWrongQuestion);  // CH
  EXPECT_EQ(with([](auto& w) { w.resize(11); }), ReplyVerdict::kMalformed);
  EXPECT_EQ(with([](auto& w) { w.pop_back(); }), ReplyVerdict::kMalformed);
  EXPECT_EQ(with([&](auto& w) {
              w[5] = 2;  // QDCOUNT 2: the question twice
              w.insert(w.end(), good.begin() + 12, good.end());
            }),
            ReplyVerdict::kWrongQuestionCount);
  EXPECT_EQ(with([](auto& w) {
              w[5] = 0;  // no question at all
              w.resize(12);
            }),
            ReplyVerdict::kWrongQuestionCount);
}

TEST(CheckReply, CompressionPointerLoopIsMalformed) {
  QueryMessage q = query_for("www.example");
  std::vector<uint8_t> wire(q.wire.begin(), q.wire.begin() + 12);
  wire[2] |= 0x80;
  wire.insert(wire.end(), {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01});  // qname points at itself
  EXPECT_EQ(check_reply(q, wire).verdict, ReplyVerdict::kMalformed);
}

// A reply to `q` whose answer section holds `records` (zone-file syntax).
PktPtr reply_with(const QueryMessage& q, std::initializer_list<const char*> records) {
  PktPtr pkt = parse(echo_reply(q));
  for (const char* text : records) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  }
  return pkt;
}

TEST(AnswerAddresses, TakesOnlyRecordsForTheName) {
  QueryMessage q = query_for("www.example");
  PktPtr pkt =
      reply_with(q, {"other.example. 60 IN A 192.0.2.1", "WWW.example. 60 IN A 192.0.2.2",
                     "www.example. 60 IN AAAA 2001:db8::2", "www.example. 60 IN A 192.0.2.3"});
  EXPECT_EQ(answer_addresses(*pkt, *q.qname, TYPE_A),
            (std::vector<IpAddress>{ip("192.0.2.2"), ip("192.0.2.3")}));
  EXPECT_EQ(answer_addresses(*pkt, *q.qname, TYPE_AAAA),
            (std::vector<IpAddress>{ip("2001:db8::2")}));
  EXPECT_TRUE(answer_addresses(*pkt, *q.qname, TYPE_TXT).empty());
}

TEST(AnswerAddresses, FollowsCnamesInAnyOrder) {
  QueryMessage q = query_for("a.example");
  PktPtr pkt = reply_with(q, {"c.example. 60 IN A 192.0.2.9", "b.example. 60 IN CNAME c.example.",
                              "a.example. 60 IN CNAME b.example.",
                              "a.example. 60 IN A 192.0.2.66"});  // an address wins over alias
  EXPECT_EQ(answer_addresses(*pkt, *q.qname, TYPE_A), (std::vector<IpAddress>{ip("192.0.2.66")}));
  PktPtr chain = reply_with(q, {"c.example. 60 IN A 192.0.2.9", "b.example. 60 IN CNAME c.example.",
                                "a.example. 60 IN CNAME b.example."});
  EXPECT_EQ(answer_addresses(*chain, *q.qname, TYPE_A), (std::vector<IpAddress>{ip("192.0.2.9")}));
}

TEST(AnswerAddresses, CnameLoopsAndOverlongChainsEnd) {
  QueryMessage q = query_for("a.example");
  PktPtr loop =
      reply_with(q, {"a.example. 60 IN CNAME b.example.", "b.example. 60 IN CNAME a.example."});
  EXPECT_TRUE(answer_addresses(*loop, *q.qname, TYPE_A).empty());

  QueryMessage q0 = query_for("n0.example");
  PktPtr pkt = parse(echo_reply(q0));
  auto push = [&](const std::string& text) {
    ldns_rr* rr = nullptr;
    ASSERT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  };
  for (int i = 0; i < MAX_CNAME_CHAIN + 4; ++i) {
    push("n" + std::to_string(i) + ".example. 60 IN CNAME n" + std::to_string(i + 1) + ".example.");
  }
  push("n" + std::to_string(MAX_CNAME_CHAIN + 4) + ".example. 60 IN A 192.0.2.1");
  EXPECT_TRUE(answer_addresses(*pkt, *q0.qname, TYPE_A).empty());
}

TEST(SearchCandidates, FollowsGlibcOrder) {
  std::vector<std::string> search = {"corp.example", ".lab.example."};
  using V = std::vector<std::string>;
  EXPECT_EQ(dns_search_names("host", search, 1),
            (V{"host.corp.example", "host.lab.example", "host"}));
  EXPECT_EQ(dns_search_names("a.b", search, 1), (V{"a.b", "a.b.corp.example", "a.b.lab.example"}));
  EXPECT_EQ(dns_search_names("a.b", search, 2), (V{"a.b.corp.example", "a.b.lab.example", "a.b"}));
  EXPECT_EQ(dns_search_names("a.b", search, 0), (V{"a.b", "a.b.corp.example", "a.b.lab.example"}));
  EXPECT_EQ(dns_search_names("host.", search, 5), (V{"host."}));
  EXPECT_EQ(dns_search_names("host", {}, 1), (V{"host"}));
  EXPECT_EQ(dns_search_names("host", {".", "corp.example", "corp.example"}, 1),
            (V{"host.corp.example", "host"}));
  EXPECT_TRUE(dns_search_names("", search, 1).empty());
}

TEST(InterleaveFamilies, V6FirstThenAlternatingWithoutDuplicates) {
  std::vector<IpAddress> in = {ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1"),
                               ip("192.0.2.1"), ip("192.0.2.3"), ip("2001:db8::2")};
  EXPECT_EQ(interleave_families(in),
            (std::vector<IpAddress>{ip("2001:db8::1"), ip("192.0.2.1"), ip("2001:db8::2"),
                                    ip("192.0.2.2"), ip("192.0.2.3")}));
  EXPECT_TRUE(interleave_families({}).empty());
}

TEST(RcodeName, NamesAndNumbers) {
  EXPECT_EQ(rcode_name(0), "NOERROR");
  EXPECT_EQ(rcode_name(2), "SERVFAIL");
  EXPECT_EQ(rcode_name(3), "NXDOMAIN");
  EXPECT_EQ(rcode_name(5), "REFUSED");
  EXPECT_EQ(rcode_name(23), "RCODE23");
}

}  // namespace
}  // namespace wgnet::dns
