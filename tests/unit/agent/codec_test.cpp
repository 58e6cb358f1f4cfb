// The agent protocol's byte level: every value survives a round trip, short or damaged input is
// caught, and descriptors ride along with frames on both kinds of socket.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/protocol.hpp"
#include "agent/wire.hpp"

namespace wgnet::agent {
namespace {

using std::chrono::milliseconds;

TEST(AgentCodec, ScalarsStringsAndAddressesRoundTrip) {
  Writer w;
  auto v6 = *IpAddress::parse("fd98::2");
  w.u8(7).u16(0xBEEF).u32(0xDEADBEEF).u64(0x0123456789ABCDEFull).i64(-5).boolean(true);
  w.str("héllo").bytes(std::vector<uint8_t>{}).ip(v6).endpoint(*Endpoint::parse("10.0.0.1:53"));
  w.error(make_error(ErrorCode::kConnectRefused, "refused by 10.0.0.1"));
  Reader r(w.data());
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.u16(), 0xBEEF);
  EXPECT_EQ(r.u32(), 0xDEADBEEFu);
  EXPECT_EQ(r.u64(), 0x0123456789ABCDEFull);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.str(), "héllo");
  EXPECT_TRUE(r.bytes().empty());
  EXPECT_EQ(r.ip(), v6);
  EXPECT_EQ(r.endpoint().to_string(), "10.0.0.1:53");
  Error e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kConnectRefused);
  EXPECT_EQ(e.message, "refused by 10.0.0.1");
  EXPECT_TRUE(r.at_end());
}

TEST(AgentCodec, LittleEndianOnTheWire) {
  Writer w;
  w.u32(0x01020304);
  EXPECT_EQ(w.data(), (std::vector<uint8_t>{4, 3, 2, 1}));
}

TEST(AgentCodec, ShortPayloadFailsAndLaterReadsAreZero) {
  Writer w;
  w.u16(9).str("abc");
  std::vector<uint8_t> cut(w.data().begin(), w.data().end() - 1);
  Reader r(cut);
  EXPECT_EQ(r.u16(), 9);
  EXPECT_EQ(r.str(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u32(), 0u);
}

TEST(AgentCodec, UnknownAddressFamilyOrErrorCodeIsMalformed) {
  Writer w;
  w.u8(5);
  for (int i = 0; i < 16; ++i) w.u8(0);
  Reader r(w.data());
  r.ip();
  EXPECT_FALSE(r.ok());
  Writer e;
  e.u8(200).str("x");
  Reader re(e.data());
  re.error();
  EXPECT_FALSE(re.ok());
}

TEST(AgentCodec, CompoundValuesRoundTrip) {
  DialOptions d;
  d.family = AddressFamily::kV6;
  d.numeric_only = true;
  d.timeout = milliseconds(1234);
  d.attempt_timeout = milliseconds(77);
  TunnelStats s;
  s.tx_bytes = 1;
  s.rx_bytes = 2;
  s.inner_tx_bytes = 3;
  s.inner_rx_bytes = 4;
  s.handshake_time = milliseconds(12);
  s.peer_public_key = "key=";
  s.peer_endpoint = "127.0.0.1:1";
  PingReply p;
  p.from = IpAddress::v4(10, 98, 0, 1);
  p.sequence = 3;
  p.bytes = 64;
  p.ttl = 255;
  p.rtt = std::chrono::nanoseconds(999);
  DnsReply dns;
  dns.wire = {1, 2, 3};
  dns.via_tcp = true;
  dns.rtt = std::chrono::microseconds(42);
  dns.server = *Endpoint::parse("[fd00::1]:53");
  AgentStatus st;
  st.pid = 4242;
  st.socket_path = "/run/x.sock";
  st.connections = 3;
  st.uptime = std::chrono::seconds(9);
  st.rss_kib = 10000;
  Writer w;
  put_dial_options(w, d);
  put_stats(w, s);
  put_ping_reply(w, p);
  put_dns_reply(w, dns);
  put_status(w, st);
  Reader r(w.data());
  DialOptions d2 = get_dial_options(r);
  EXPECT_EQ(d2.family, AddressFamily::kV6);
  EXPECT_TRUE(d2.numeric_only);
  EXPECT_EQ(d2.timeout, milliseconds(1234));
  EXPECT_EQ(d2.attempt_timeout, milliseconds(77));
  TunnelStats s2 = get_stats(r);
  EXPECT_EQ(s2.inner_rx_bytes, 4u);
  EXPECT_EQ(s2.handshake_time, milliseconds(12));
  EXPECT_EQ(s2.peer_endpoint, "127.0.0.1:1");
  PingReply p2 = get_ping_reply(r);
  EXPECT_EQ(p2.from, p.from);
  EXPECT_EQ(p2.ttl, 255);
  EXPECT_EQ(p2.rtt, std::chrono::nanoseconds(999));
  DnsReply dns2 = get_dns_reply(r);
  EXPECT_EQ(dns2.wire, dns.wire);
  EXPECT_TRUE(dns2.via_tcp);
  EXPECT_EQ(dns2.server, dns.server);
  AgentStatus st2 = get_status(r);
  EXPECT_EQ(st2.pid, 4242);
  EXPECT_EQ(st2.connections, 3u);
  EXPECT_EQ(st2.rss_kib, 10000u);
  EXPECT_FALSE(st2.handshake_time.has_value());
  EXPECT_TRUE(r.at_end());
}

// A frame and the descriptor sent with it arrive together, on a stream and on a channel.
void frame_with_fd_round_trip(int type) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, type, 0, sv), 0);
  Fd a(sv[0]), b(sv[1]);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd pr(p[0]), pw(p[1]);
  int passed = pw.get();
  ASSERT_TRUE(send_frame(a.get(), 81, Writer().str("payload"), {&passed, 1}));
  pw.reset();
  auto f = type == SOCK_STREAM ? recv_frame(b.get()) : recv_record(b.get());
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->op, 81);
  EXPECT_EQ(f->reader().str(), "payload");
  ASSERT_EQ(f->fds.size(), 1u);
  ASSERT_EQ(::write(f->fds[0].get(), "z", 1), 1);  // the pipe's write end, passed over
  char c = 0;
  ASSERT_EQ(::read(pr.get(), &c, 1), 1);
  EXPECT_EQ(c, 'z');
}

TEST(AgentCodec, FrameCarriesADescriptorOnAStream) {
  frame_with_fd_round_trip(SOCK_STREAM);
}
TEST(AgentCodec, RecordCarriesADescriptorOnAChannel) {
  frame_with_fd_round_trip(SOCK_SEQPACKET);
}

TEST(AgentCodec, EndOfFileIsClosedAndACutFrameSaysMidMessage) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd a(sv[0]), b(sv[1]);
  const uint8_t partial[] = {10, 0, 0, 0, 1, 2};  // announces 10 bytes, sends 2
  ASSERT_EQ(::write(a.get(), partial, sizeof partial), static_cast<ssize_t>(sizeof partial));
  a.reset();
  auto f = recv_frame(b.get());
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ErrorCode::kClosed);
  EXPECT_NE(f.error().message.find("mid-message"), std::string::npos);
  auto g = recv_frame(b.get());
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, ErrorCode::kClosed);
}

TEST(AgentCodec, OversizedLengthIsRefused) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd a(sv[0]), b(sv[1]);
  const uint8_t huge[] = {0xff, 0xff, 0xff, 0x7f, 1};
  ASSERT_EQ(::write(a.get(), huge, sizeof huge), static_cast<ssize_t>(sizeof huge));
  auto f = recv_frame(b.get());
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace wgnet::agent
