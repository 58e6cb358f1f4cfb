// wg-ping's output lines and statistics in iputils ping's shapes, from made-up replies and times.
#include <gtest/gtest.h>

#include "ping_report.hpp"

namespace wgnet::ping {
namespace {

using namespace std::chrono_literals;

Destination to(const char* host, const char* address, bool show_name = false) {
  return Destination{host, *IpAddress::parse(address), show_name};
}

PingReply reply(const char* from, uint16_t sequence, std::chrono::nanoseconds rtt,
                size_t bytes = 64) {
  return PingReply{*IpAddress::parse(from), sequence, bytes, 64, rtt};
}

TEST(PingReport, HeadersForV4AndV6) {
  EXPECT_EQ(header_line(to("10.0.0.1", "10.0.0.1"), 56),
            "PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n");
  EXPECT_EQ(header_line(to("web.example", "10.0.0.1"), 1000),
            "PING web.example (10.0.0.1) 1000(1028) bytes of data.\n");
  EXPECT_EQ(header_line(to("fd00::1", "fd00::1"), 56), "PING fd00::1(fd00::1) 56 data bytes\n");
}

TEST(PingReport, RttPrecisionFollowsPing) {
  EXPECT_EQ(format_rtt(123us), "0.123");
  EXPECT_EQ(format_rtt(999us), "0.999");
  EXPECT_EQ(format_rtt(1234us), "1.23");
  EXPECT_EQ(format_rtt(9994us), "9.99");
  EXPECT_EQ(format_rtt(9995us), "10.0");
  EXPECT_EQ(format_rtt(12345us), "12.3");
  EXPECT_EQ(format_rtt(99949us), "99.9");
  EXPECT_EQ(format_rtt(99950us), "100");
  EXPECT_EQ(format_rtt(123456us), "123");
}

TEST(PingReport, ReplyLines) {
  EXPECT_EQ(reply_line(to("10.0.0.1", "10.0.0.1"), reply("10.0.0.1", 1, 177us), true, false),
            "64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.177 ms\n");
  EXPECT_EQ(reply_line(to("web", "10.0.0.1", true), reply("10.0.0.1", 2, 1500us), true, true),
            "64 bytes from web (10.0.0.1): icmp_seq=2 ttl=64 time=1.50 ms (DUP!)\n");
  EXPECT_EQ(reply_line(to("10.0.0.1", "10.0.0.1"), reply("10.0.0.1", 3, 1us, 16), false, false),
            "16 bytes from 10.0.0.1: icmp_seq=3 ttl=64\n");
}

TEST(PingReport, StatisticsWithTimes) {
  Statistics stats;
  stats.sent(1);
  EXPECT_FALSE(stats.received(1, 100us));
  stats.sent(2);
  EXPECT_FALSE(stats.received(2, 200us));
  stats.sent(3);
  EXPECT_FALSE(stats.received(3, 600us));
  EXPECT_EQ(stats.max_rtt(), 600us);
  // avg 300 us; mdev = sqrt((100^2 + 200^2 + 600^2) / 3 - 300^2) = sqrt(46666) = 216 us.
  EXPECT_EQ(stats.summary("10.0.0.1", 2003ms, true),
            "\n--- 10.0.0.1 ping statistics ---\n"
            "3 packets transmitted, 3 received, 0% packet loss, time 2003ms\n"
            "rtt min/avg/max/mdev = 0.100/0.300/0.600/0.216 ms\n");
  EXPECT_EQ(stats.exit_status(false, 3u), 0);
}

TEST(PingReport, LossDuplicatesAndNoTiming) {
  Statistics stats;
  stats.sent(1);
  stats.sent(2);
  EXPECT_FALSE(stats.received(2, std::nullopt));
  EXPECT_TRUE(stats.received(2, std::nullopt));
  stats.sent(3);
  // One reply of three: ping's %g of the loss, and a blank line where the rtt line would be.
  EXPECT_EQ(stats.summary("h", 2001ms, false),
            "\n--- h ping statistics ---\n"
            "3 packets transmitted, 1 received, +1 duplicates, 66.6667% packet loss, time 2001ms\n"
            "\n");
  EXPECT_EQ(stats.exit_status(false, 3u), 0);  // some reply
  EXPECT_EQ(stats.exit_status(true, 3u), 1);   // -w and fewer than -c replies
}

TEST(PingReport, NoReplyIsStatus1AndFullLoss) {
  Statistics stats;
  stats.sent(1);
  stats.sent(2);
  EXPECT_EQ(stats.summary("10.0.0.99", 1000ms, true),
            "\n--- 10.0.0.99 ping statistics ---\n"
            "2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n"
            "\n");
  EXPECT_EQ(stats.exit_status(false, std::nullopt), 1);
}

TEST(PingReport, RepliesBehindTheSendsShowAsPipe) {
  Statistics stats;
  stats.sent(1);
  stats.sent(2);
  stats.sent(3);
  stats.received(1, 2500ms);  // two more requests went out before the first reply
  stats.received(2, 2500ms);
  EXPECT_EQ(stats.summary("h", 3000ms, true),
            "\n--- h ping statistics ---\n"
            "3 packets transmitted, 2 received, 33.3333% packet loss, time 3000ms\n"
            "rtt min/avg/max/mdev = 2500.000/2500.000/2500.000/0.000 ms, pipe 3\n");
  // Without times the pipe has the rtt line to itself.
  EXPECT_TRUE(stats.summary("h", 3000ms, false).ends_with("time 3000ms\npipe 3\n"));
}

TEST(PingReport, ASequenceReusedAfterWrappingIsNotADuplicate) {
  Statistics stats;
  stats.sent(7);
  EXPECT_FALSE(stats.received(7, 1ms));
  stats.sent(7);
  EXPECT_FALSE(stats.received(7, 1ms));
  EXPECT_EQ(stats.replies(), 2u);
}

}  // namespace
}  // namespace wgnet::ping
