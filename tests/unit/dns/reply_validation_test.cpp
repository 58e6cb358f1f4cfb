// TESTPLAN I7 dig_response_validation: replies that do not answer our query are ignored (each
// carries a poisoned address that would show if accepted) and the real reply after them is
// taken; a case-changed qname is accepted; TC=1 sends the query again over TCP.
#include <gtest/gtest.h>

#include "dns/dns_lab.hpp"
#include "dns/message.hpp"

namespace wgnet::dns::test {
namespace {

using std::chrono::milliseconds;

const char* name_of(BadReply kind) {
  switch (kind) {
    case BadReply::kWrongId:
      return "WrongId";
    case BadReply::kNotAResponse:
      return "NotAResponse";
    case BadReply::kTwoQuestions:
      return "TwoQuestions";
    case BadReply::kWrongQname:
      return "WrongQname";
    case BadReply::kWrongQtype:
      return "WrongQtype";
    case BadReply::kWrongQclass:
      return "WrongQclass";
    case BadReply::kFromOtherPort:
      return "FromOtherPort";
    case BadReply::kGarbage:
      return "Garbage";
  }
  return "?";
}

const std::vector<BadReply> kAllBad = {
    BadReply::kWrongId,    BadReply::kNotAResponse, BadReply::kTwoQuestions,  BadReply::kWrongQname,
    BadReply::kWrongQtype, BadReply::kWrongQclass,  BadReply::kFromOtherPort, BadReply::kGarbage};

class BadReplyTest : public DnsLab, public ::testing::WithParamInterface<BadReply> {};

TEST_P(BadReplyTest, IsIgnoredAndTheRealReplyTaken) {
  dns1_.add("www.example. 60 IN A 192.0.2.70");
  dns1_.add("www.example. 60 IN AAAA 2001:db8::70");
  dns1_.set_bad_replies_first({GetParam()});
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("www.example", AddressFamily::kAny);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"2001:db8::70", "192.0.2.70"}));
  EXPECT_EQ(dns1_.seen().size(), 2u);  // no retry was needed: the good reply was waited for
}

TEST_P(BadReplyTest, AloneIsNeverAccepted) {
  dns1_.add("www.example. 60 IN A 192.0.2.70");
  dns1_.set_bad_replies_first({GetParam()});
  dns1_.set_real_reply(false);
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_A;
  opt.timeout = milliseconds(150);
  opt.tries = 1;
  auto got = r.query(server1_, "www.example", opt);
  ASSERT_FALSE(got) << "accepted a bad reply";
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(dns1_.seen().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(I7, BadReplyTest, ::testing::ValuesIn(kAllBad),
                         [](const auto& info) { return std::string(name_of(info.param)); });

class ReplyValidationTest : public DnsLab {};

TEST_F(ReplyValidationTest, AllBadRepliesInARowThenTheGoodOne) {
  dns1_.add("www.example. 60 IN A 192.0.2.71");
  dns1_.set_bad_replies_first(kAllBad);
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("www.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.71"}));
}

TEST_F(ReplyValidationTest, CaseChangedQnameIsAccepted) {
  dns1_.add("MiXeD.example. 60 IN A 192.0.2.72");
  dns1_.set_case_flip(true);
  LoopbackResolver r(config(), transport_);
  auto got = r.resolve("MiXeD.example", AddressFamily::kV4);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, ips({"192.0.2.72"}));
  EXPECT_EQ(dns1_.seen().size(), 1u);
}

TEST_F(ReplyValidationTest, TruncatedUdpReplyIsRetriedOverTcp) {
  // A TXT set of 8 x 100 bytes: over 512, so the UDP reply comes back with TC=1 and no answer.
  for (int i = 0; i < 8; ++i) {
    dns1_.add("txt.example. 60 IN TXT \"" + std::to_string(i) + std::string(99, 'x') + "\"");
  }
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_TXT;
  auto got = r.query(server1_, "txt.example", opt);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->via_tcp);
  EXPECT_GT(got->wire.size(), 512u);
  ldns_pkt* raw = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&raw, got->wire.data(), got->wire.size()), LDNS_STATUS_OK);
  PktPtr pkt(raw);
  EXPECT_FALSE(ldns_pkt_tc(pkt.get()));
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 8);
  auto seen = dns1_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].tcp);
  EXPECT_TRUE(seen[1].tcp);
  EXPECT_EQ(transport_.tcp_opened(), 1);
}

TEST_F(ReplyValidationTest, TruncatedReplyKeptWhenFallbackIsOff) {
  for (int i = 0; i < 8; ++i) {
    dns1_.add("txt.example. 60 IN TXT \"" + std::to_string(i) + std::string(99, 'x') + "\"");
  }
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_TXT;
  opt.tcp_fallback = false;
  auto got = r.query(server1_, "txt.example", opt);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(got->via_tcp);
  EXPECT_TRUE(got->wire[2] & 0x02);  // TC
  EXPECT_EQ(transport_.tcp_opened(), 0);
}

TEST_F(ReplyValidationTest, EdnsBufferSizeAvoidsTruncation) {
  for (int i = 0; i < 8; ++i) {
    dns1_.add("txt.example. 60 IN TXT \"" + std::to_string(i) + std::string(99, 'x') + "\"");
  }
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_TXT;
  opt.edns_bufsize = 4096;
  auto got = r.query(server1_, "txt.example", opt);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(got->via_tcp);
  EXPECT_GT(got->wire.size(), 512u);
  ASSERT_EQ(dns1_.seen().size(), 1u);
  EXPECT_EQ(dns1_.seen()[0].edns_size, 4096);
}

TEST_F(ReplyValidationTest, TcpOnlyQuery) {
  dns1_.add("www.example. 60 IN A 192.0.2.73");
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_A;
  opt.tcp = true;
  auto got = r.query(server1_, "www.example", opt);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->via_tcp);
  EXPECT_EQ(got->server.ip, server1_);
  EXPECT_EQ(transport_.udp_opened(), 0);
}

TEST_F(ReplyValidationTest, QueryReturnsErrorRcodesAsReplies) {
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_A;
  auto got = r.query(server1_, "missing.example", opt);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->wire[3] & 0x0f, LDNS_RCODE_NXDOMAIN);
  EXPECT_FALSE(got->via_tcp);
}

TEST_F(ReplyValidationTest, QueryTimesOutWithinItsTries) {
  dns1_.set_silent(true);
  LoopbackResolver r(config(), transport_);
  LoopbackResolver::QueryOptions opt;
  opt.qtype = TYPE_A;
  opt.timeout = milliseconds(100);
  opt.tries = 3;
  auto start = std::chrono::steady_clock::now();
  auto got = r.query(server1_, "www.example", opt);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(got.error().message, "no reply from DNS server 10.64.0.53 (3 tries, 100 ms each)");
  EXPECT_LT(elapsed, milliseconds(1000));
  auto seen = dns1_.seen();
  ASSERT_EQ(seen.size(), 3u);
  // Every try: its own ID and its own source port.
  EXPECT_NE(seen[0].id, seen[1].id);
  EXPECT_NE(seen[1].id, seen[2].id);
  auto ports = transport_.udp_local_ports();
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_NE(ports[0], ports[1]);
}

}  // namespace
}  // namespace wgnet::dns::test
