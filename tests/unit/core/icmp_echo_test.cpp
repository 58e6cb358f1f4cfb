// ICMP echo messages as Tunnel::open_pinger builds and recognises them (core/icmp_echo.hpp).
#include "core/icmp_echo.hpp"

#include <gtest/gtest.h>

namespace wgnet::core {
namespace {

TEST(IcmpEcho, V4RequestHasTypeIdSequenceStampPatternAndAValidChecksum) {
  auto m = build_echo_request({IcmpFamily::kV4, 0x1234, 0xabcd, 56, 0x0102030405060708});
  ASSERT_EQ(m.size(), 64u);
  EXPECT_EQ(m[0], 8);  // echo request
  EXPECT_EQ(m[1], 0);
  EXPECT_EQ(m[4], 0x12);
  EXPECT_EQ(m[5], 0x34);
  EXPECT_EQ(m[6], 0xab);
  EXPECT_EQ(m[7], 0xcd);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(m[8 + i], i + 1) << i;  // big-endian stamp
  for (size_t i = 8; i < 56; ++i) EXPECT_EQ(m[8 + i], i) << i;  // the pattern after it
  // Summing the whole message, checksum included, gives 0xffff (RFC 1071).
  uint32_t sum = 0;
  for (size_t i = 0; i < m.size(); i += 2) sum += static_cast<uint32_t>(m[i] << 8 | m[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST(IcmpEcho, V6RequestLeavesTheChecksumToTheIpLayer) {
  auto m = build_echo_request({IcmpFamily::kV6, 1, 2, 16, 99});
  ASSERT_EQ(m.size(), 24u);
  EXPECT_EQ(m[0], 128);
  EXPECT_EQ(m[2], 0);
  EXPECT_EQ(m[3], 0);
}

TEST(IcmpEcho, ShortDataCarriesNoStamp) {
  auto m = build_echo_request({IcmpFamily::kV4, 1, 2, 4, 0xffffffffffffffff});
  ASSERT_EQ(m.size(), 12u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(m[8 + i], i);
  m[0] = 0;  // as the reply
  auto reply = parse_echo_reply(IcmpFamily::kV4, m);
  ASSERT_TRUE(reply);
  EXPECT_FALSE(reply->stamp_ns.has_value());
  EXPECT_EQ(reply->bytes, 12u);
}

TEST(IcmpEcho, ReplyGivesBackIdentifierSequenceAndStamp) {
  auto m = build_echo_request({IcmpFamily::kV6, 0xbeef, 300, 56, 123456789});
  m[0] = 129;  // the peer turns the request into a reply
  auto reply = parse_echo_reply(IcmpFamily::kV6, m);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->identifier, 0xbeef);
  EXPECT_EQ(reply->sequence, 300);
  EXPECT_EQ(reply->bytes, 64u);
  EXPECT_EQ(reply->stamp_ns, 123456789u);
}

TEST(IcmpEcho, RequestsErrorsAndRuntsAreNotReplies) {
  auto request = build_echo_request({IcmpFamily::kV4, 1, 1, 56, 1});
  EXPECT_FALSE(parse_echo_reply(IcmpFamily::kV4, request));
  auto v6_reply_type_in_v4 = request;
  v6_reply_type_in_v4[0] = 129;
  EXPECT_FALSE(parse_echo_reply(IcmpFamily::kV4, v6_reply_type_in_v4));
  auto unreachable = request;
  unreachable[0] = 3;
  EXPECT_FALSE(parse_echo_reply(IcmpFamily::kV4, unreachable));
  auto odd_code = request;
  odd_code[0] = 0;
  odd_code[1] = 1;
  EXPECT_FALSE(parse_echo_reply(IcmpFamily::kV4, odd_code));
  std::vector<uint8_t> runt{0, 0, 0, 0, 0, 1, 0};
  EXPECT_FALSE(parse_echo_reply(IcmpFamily::kV4, runt));
}

}  // namespace
}  // namespace wgnet::core
