// The DNS engine on its own: a fake clock, replies made by hand, no sockets and no threads.
// What goes out when (tries, rounds, servers, deadlines), what comes back in, and that every
// socket it asked for is closed again.
#include "dns/engine.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "dns/message.hpp"
#include "dns/tcp_stream.hpp"

namespace wgnet::dns {
namespace {

using std::chrono::milliseconds;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

// Deterministic randomness: the engine's IDs then repeat from run to run.
RandomBytes seeded(uint32_t seed) {
  auto gen = std::make_shared<std::mt19937>(seed);
  return [gen](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = static_cast<uint8_t>((*gen)());
  };
}

// A reply to `query` (wire) carrying `records` (RR text), with `rcode` and TC as given.
std::vector<uint8_t> reply_to(std::span<const uint8_t> query, std::vector<std::string> records,
                              unsigned rcode = 0, bool tc = false) {
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, query.data(), query.size()), LDNS_STATUS_OK);
  PktPtr pkt(raw);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), static_cast<uint8_t>(rcode));
  ldns_pkt_set_tc(pkt.get(), tc);
  for (const auto& text : records) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  WirePtr owned(wire);
  return {wire, wire + size};
}

uint16_t qtype_of(std::span<const uint8_t> query) {
  return parse_query(query)->qtype;
}
uint16_t id_of(std::span<const uint8_t> wire) {
  return static_cast<uint16_t>(wire[0] << 8 | wire[1]);
}

class EngineTest : public ::testing::Test {
 protected:
  std::vector<Transmit> drain() {
    std::vector<Transmit> out;
    while (auto t = engine_.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  static std::vector<Transmit> of_kind(const std::vector<Transmit>& ts, Transmit::Kind kind) {
    std::vector<Transmit> out;
    for (const auto& t : ts)
      if (t.kind == kind) out.push_back(t);
    return out;
  }
  ResolverConfig config(std::vector<IpAddress> servers) {
    ResolverConfig c;
    c.servers = std::move(servers);
    c.timeout = milliseconds(500);
    return c;
  }
  void resolve(const char* name, AddressFamily family, ResolverConfig c,
               std::optional<Clock::time_point> deadline = std::nullopt) {
    engine_.start_resolve(
        ResolveRequest{name, family, std::move(c), deadline, std::nullopt}, t0_,
        [this](Result<std::vector<IpAddress>> r) { resolved_.emplace(std::move(r)); });
  }

  Engine engine_{seeded(7)};
  const Clock::time_point t0_ = Clock::time_point{} + std::chrono::hours(1);
  const Endpoint ns1_{ip("10.64.0.53"), 53};
  const Endpoint ns2_{ip("10.64.0.54"), 53};
  std::optional<Result<std::vector<IpAddress>>> resolved_;
};

TEST_F(EngineTest, AnyAsksBothTypesFromOneSocketAndInterleavesTheAnswers) {
  resolve("www.example", AddressFamily::kAny, config({ns1_.ip}));
  auto sent = drain();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, Transmit::Kind::kUdpSend);
  EXPECT_EQ(sent[0].socket, sent[1].socket);
  EXPECT_EQ(sent[0].server, ns1_);
  EXPECT_EQ(qtype_of(sent[0].bytes), TYPE_AAAA);
  EXPECT_EQ(qtype_of(sent[1].bytes), TYPE_A);
  engine_.on_udp(sent[1].socket, ns1_, reply_to(sent[1].bytes, {"www.example. 60 IN A 192.0.2.1"}),
                 t0_ + milliseconds(5));
  EXPECT_FALSE(resolved_);  // the AAAA answer is still awaited
  engine_.on_udp(sent[0].socket, ns1_,
                 reply_to(sent[0].bytes, {"www.example. 60 IN AAAA 2001:db8::1"}),
                 t0_ + milliseconds(6));
  ASSERT_TRUE(resolved_);
  ASSERT_TRUE(*resolved_) << resolved_->error().message;
  EXPECT_EQ(**resolved_, (std::vector<IpAddress>{ip("2001:db8::1"), ip("192.0.2.1")}));
  auto after = drain();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].kind, Transmit::Kind::kClose);
  EXPECT_EQ(engine_.open_sockets(), 0u);
  EXPECT_EQ(engine_.active(), 0u);
}

TEST_F(EngineTest, SilenceMovesToTheNextServerAtEachTimeoutThenRunsOutOfRounds) {
  resolve("www.example", AddressFamily::kV4, config({ns1_.ip, ns2_.ip}));
  std::vector<Endpoint> asked;
  std::vector<SocketId> sockets;
  std::vector<uint16_t> ids;
  Clock::time_point now = t0_;
  for (int i = 0; i < 6; ++i) {
    auto sent = of_kind(drain(), Transmit::Kind::kUdpSend);
    ASSERT_EQ(sent.size(), 1u) << "try " << i;
    asked.push_back(sent[0].server);
    sockets.push_back(sent[0].socket);
    ids.push_back(id_of(sent[0].bytes));
    EXPECT_EQ(engine_.next_deadline(), now + milliseconds(500));
    engine_.on_deadline(now + milliseconds(499));  // early: nothing happens
    EXPECT_TRUE(drain().empty());
    now += milliseconds(500);
    engine_.on_deadline(now);
  }
  EXPECT_EQ(asked, (std::vector<Endpoint>{ns1_, ns2_, ns1_, ns2_, ns1_, ns2_}));
  EXPECT_EQ(std::set<SocketId>(sockets.begin(), sockets.end()).size(), 6u);  // a fresh socket each
  EXPECT_GT(std::set<uint16_t>(ids.begin(), ids.end()).size(), 4u);          // and a fresh ID
  ASSERT_TRUE(resolved_);
  ASSERT_FALSE(*resolved_);
  EXPECT_EQ(resolved_->error().code, ErrorCode::kResolve);
  EXPECT_EQ(resolved_->error().message,
            "could not resolve www.example: no reply from DNS server(s) 10.64.0.53, 10.64.0.54 "
            "(3 attempts, 500 ms each)");
  EXPECT_EQ(engine_.open_sockets(), 0u);
}

TEST_F(EngineTest, ReplyFromAnotherSourceOrWithAnotherIdIsIgnored) {
  resolve("www.example", AddressFamily::kV4, config({ns1_.ip}));
  auto sent = drain();
  ASSERT_EQ(sent.size(), 1u);
  auto good = reply_to(sent[0].bytes, {"www.example. 60 IN A 192.0.2.9"});
  engine_.on_udp(sent[0].socket, Endpoint{ns1_.ip, 5353}, good, t0_);  // wrong port
  engine_.on_udp(sent[0].socket, Endpoint{ns2_.ip, 53}, good, t0_);    // wrong server
  auto wrong_id = good;
  wrong_id[1] ^= 1;
  engine_.on_udp(sent[0].socket, ns1_, wrong_id, t0_);
  EXPECT_FALSE(resolved_);
  engine_.on_udp(sent[0].socket, ns1_, good, t0_);
  ASSERT_TRUE(resolved_ && *resolved_);
  EXPECT_EQ(**resolved_, (std::vector<IpAddress>{ip("192.0.2.9")}));
}

TEST_F(EngineTest, TruncatedReplyIsFetchedOverTcpWithAFreshId) {
  resolve("big.example", AddressFamily::kV4, config({ns1_.ip}));
  auto sent = drain();
  ASSERT_EQ(sent.size(), 1u);
  engine_.on_udp(sent[0].socket, ns1_, reply_to(sent[0].bytes, {}, 0, true),
                 t0_ + milliseconds(10));
  auto next = drain();
  auto opens = of_kind(next, Transmit::Kind::kTcpOpen);
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0].server, ns1_);
  EXPECT_EQ(opens[0].connect_timeout, milliseconds(500));
  std::span<const uint8_t> stream(opens[0].bytes);
  ASSERT_EQ(static_cast<size_t>(stream[0] << 8 | stream[1]), stream.size() - 2);
  auto query = stream.subspan(2);
  EXPECT_NE(id_of(query), id_of(sent[0].bytes));
  engine_.on_tcp_connected(opens[0].socket, t0_ + milliseconds(20));
  auto framed = frame_for_tcp(reply_to(query, {"big.example. 60 IN A 192.0.2.77"}));
  // The reply arrives in pieces, the length prefix split too.
  engine_.on_tcp_data(opens[0].socket, std::span(framed).first(1), t0_ + milliseconds(30));
  EXPECT_FALSE(resolved_);
  engine_.on_tcp_data(opens[0].socket, std::span(framed).subspan(1), t0_ + milliseconds(31));
  ASSERT_TRUE(resolved_ && *resolved_);
  EXPECT_EQ(**resolved_, (std::vector<IpAddress>{ip("192.0.2.77")}));
  EXPECT_EQ(engine_.open_sockets(), 0u);
}

TEST_F(EngineTest, TheCallersDeadlineCapsTheTryAndEndsWithTimeout) {
  resolve("www.example", AddressFamily::kV4, config({ns1_.ip, ns2_.ip}), t0_ + milliseconds(300));
  ASSERT_EQ(drain().size(), 1u);
  EXPECT_EQ(engine_.next_deadline(), t0_ + milliseconds(300));
  engine_.on_deadline(t0_ + milliseconds(300));
  EXPECT_TRUE(of_kind(drain(), Transmit::Kind::kUdpSend).empty());  // no try after the deadline
  ASSERT_TRUE(resolved_);
  ASSERT_FALSE(*resolved_);
  EXPECT_EQ(resolved_->error().code, ErrorCode::kTimeout);
  EXPECT_EQ(resolved_->error().message,
            "could not resolve www.example: no reply from DNS server(s) 10.64.0.53 within the "
            "300 ms allowed");
}

// The caller set its deadline 300 ms ahead, but the request reached the (busy) loop 15 ms
// later: the message still names the 300 ms the caller allowed.
TEST_F(EngineTest, TimeoutMessageNamesWhatTheCallerAllowedNotWhatWasLeftAtTheStart) {
  engine_.start_resolve(ResolveRequest{"www.example", AddressFamily::kV4, config({ns1_.ip}),
                                       t0_ + milliseconds(300), milliseconds(300)},
                        t0_ + milliseconds(15), [this](Result<std::vector<IpAddress>> r) {
                          resolved_.emplace(std::move(r));
                        });
  drain();
  engine_.on_deadline(t0_ + milliseconds(300));
  ASSERT_TRUE(resolved_ && !*resolved_);
  EXPECT_EQ(resolved_->error().message,
            "could not resolve www.example: no reply from DNS server(s) 10.64.0.53 within the "
            "300 ms allowed");
}

TEST_F(EngineTest, UnusableSocketMovesToTheNextServerAtOnce) {
  resolve("www.example", AddressFamily::kV4, config({ns1_.ip, ns2_.ip}));
  auto sent = drain();
  engine_.on_socket_error(sent[0].socket, make_error(ErrorCode::kNetwork, "no route"), t0_);
  auto next = of_kind(drain(), Transmit::Kind::kUdpSend);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].server, ns2_);
  engine_.on_udp(next[0].socket, ns2_, reply_to(next[0].bytes, {"www.example. 60 IN A 192.0.2.2"}),
                 t0_);
  ASSERT_TRUE(resolved_ && *resolved_);
}

class EngineQueryTest : public EngineTest {
 protected:
  void query(const DnsQueryOptions& options) {
    QuerySpec spec;
    spec.qtype = TYPE_TXT;
    auto built = build_query("txt.example", spec, seeded(1));
    ASSERT_TRUE(built);
    engine_.start_query(QueryRequest{ns1_, built->wire, options}, t0_,
                        [this](Result<DnsReply> r) { reply_.emplace(std::move(r)); });
  }
  std::optional<Result<DnsReply>> reply_;
};

TEST_F(EngineQueryTest, EachTryHasItsOwnSocketAndIdThenTimeout) {
  query(DnsQueryOptions{
      .tcp = false, .tcp_fallback = true, .timeout = milliseconds(100), .tries = 2});
  auto first = drain();
  ASSERT_EQ(first.size(), 1u);
  engine_.on_deadline(t0_ + milliseconds(100));
  auto second = of_kind(drain(), Transmit::Kind::kUdpSend);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].socket, first[0].socket);
  EXPECT_NE(id_of(second[0].bytes), id_of(first[0].bytes));
  engine_.on_deadline(t0_ + milliseconds(200));
  ASSERT_TRUE(reply_);
  ASSERT_FALSE(*reply_);
  EXPECT_EQ(reply_->error().code, ErrorCode::kTimeout);
  EXPECT_EQ(reply_->error().message, "no reply from DNS server 10.64.0.53 (2 tries, 100 ms each)");
}

TEST_F(EngineQueryTest, ReplyCarriesRttAndServerAndAnyRcode) {
  query(DnsQueryOptions{});
  auto sent = drain();
  engine_.on_udp(sent[0].socket, ns1_, reply_to(sent[0].bytes, {}, LDNS_RCODE_SERVFAIL),
                 t0_ + milliseconds(42));
  ASSERT_TRUE(reply_ && *reply_);
  EXPECT_EQ((*reply_)->rtt, milliseconds(42));
  EXPECT_EQ((*reply_)->server, ns1_);
  EXPECT_FALSE((*reply_)->via_tcp);
  EXPECT_EQ((*reply_)->wire[3] & 0xf, LDNS_RCODE_SERVFAIL);
}

TEST_F(EngineQueryTest, TruncatedReplyKeptWithoutFallback) {
  query(DnsQueryOptions{
      .tcp = false, .tcp_fallback = false, .timeout = milliseconds(100), .tries = 1});
  auto sent = drain();
  engine_.on_udp(sent[0].socket, ns1_, reply_to(sent[0].bytes, {}, 0, true), t0_);
  ASSERT_TRUE(reply_ && *reply_);
  EXPECT_FALSE((*reply_)->via_tcp);
  EXPECT_TRUE(of_kind(drain(), Transmit::Kind::kTcpOpen).empty());
}

TEST_F(EngineQueryTest, TcpOnlyTimesTheReplyFromTheConnect) {
  query(
      DnsQueryOptions{.tcp = true, .tcp_fallback = true, .timeout = milliseconds(100), .tries = 1});
  auto opens = of_kind(drain(), Transmit::Kind::kTcpOpen);
  ASSERT_EQ(opens.size(), 1u);
  engine_.on_tcp_connected(opens[0].socket, t0_ + milliseconds(80));
  EXPECT_EQ(engine_.next_deadline(), t0_ + milliseconds(180));
  auto framed = frame_for_tcp(reply_to(std::span(opens[0].bytes).subspan(2), {}));
  engine_.on_tcp_data(opens[0].socket, framed, t0_ + milliseconds(90));
  ASSERT_TRUE(reply_ && *reply_);
  EXPECT_TRUE((*reply_)->via_tcp);
  EXPECT_EQ((*reply_)->rtt, milliseconds(10));
}

TEST_F(EngineQueryTest, AbortEndsEveryRequestAndClosesItsSockets) {
  query(DnsQueryOptions{});
  resolve("www.example", AddressFamily::kAny, config({ns1_.ip}));
  drain();
  EXPECT_EQ(engine_.open_sockets(), 2u);
  engine_.abort_all(make_error(ErrorCode::kClosed, "closing"));
  ASSERT_TRUE(reply_ && resolved_);
  EXPECT_EQ(reply_->error().code, ErrorCode::kClosed);
  EXPECT_EQ(resolved_->error().code, ErrorCode::kClosed);
  EXPECT_EQ(engine_.open_sockets(), 0u);
  EXPECT_EQ(engine_.active(), 0u);
}

// A completion that starts the next request from inside the engine (as a caller chaining
// lookups would): the finished request is freed only after it has returned (ASan checks).
TEST_F(EngineTest, CompletionMayStartAnotherRequest) {
  int done = 0;
  std::function<void(Result<std::vector<IpAddress>>)> again = [&](auto r) {
    EXPECT_TRUE(r);
    if (++done < 3) {
      engine_.start_resolve(ResolveRequest{"192.0.2.1", AddressFamily::kAny, config({}), {}, {}},
                            t0_, again);
    }
  };
  engine_.start_resolve(ResolveRequest{"192.0.2.1", AddressFamily::kAny, config({}), {}, {}}, t0_,
                        again);
  EXPECT_EQ(done, 3);
  EXPECT_EQ(engine_.active(), 0u);
}

}  // namespace
}  // namespace wgnet::dns
