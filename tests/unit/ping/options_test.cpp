// wg-ping's command line: iputils ping's options, texts and statuses (tools/wg-ping/lib).
#include <gtest/gtest.h>

#include "ping_options.hpp"

namespace wgnet::ping {
namespace {

using namespace std::chrono_literals;

Options parse_ok(std::vector<std::string> args) {
  auto parsed = parse_command_line(args);
  EXPECT_FALSE(parsed.error) << (parsed.error ? parsed.error->message : "");
  return parsed.options.value_or(Options{});
}

UsageError parse_bad(std::vector<std::string> args) {
  auto parsed = parse_command_line(args);
  EXPECT_FALSE(parsed.options);
  return parsed.error.value_or(UsageError{"(parsed)", -1});
}

TEST(PingOptions, DefaultsAreIputils) {
  auto o = parse_ok({"10.0.0.1"});
  EXPECT_EQ(o.destination, "10.0.0.1");
  EXPECT_FALSE(o.count);
  EXPECT_EQ(o.interval, 1s);
  EXPECT_EQ(o.payload_size, 56u);
  EXPECT_FALSE(o.deadline);
  EXPECT_FALSE(o.linger);
  EXPECT_EQ(o.family, AddressFamily::kAny);
}

TEST(PingOptions, CIsTheCountAndTheConfigIsWgConfigOnly) {
  auto o = parse_ok({"-c", "3", "--wg-config", "wg.conf", "host"});
  EXPECT_EQ(o.count, 3u);
  EXPECT_EQ(o.config_path, "wg.conf");
  EXPECT_EQ(parse_ok({"--wg-config=x.conf", "host"}).config_path, "x.conf");
}

TEST(PingOptions, GetoptStyleClustersAndAttachedValues) {
  auto o = parse_ok({"-qn4c3", "-i0.2", "-W", "1.5", "-w5", "-s", "1000", "host"});
  EXPECT_TRUE(o.quiet);
  EXPECT_TRUE(o.numeric);
  EXPECT_EQ(o.family, AddressFamily::kV4);
  EXPECT_EQ(o.count, 3u);
  EXPECT_EQ(o.interval, 200ms);
  EXPECT_EQ(o.linger, 1500ms);
  EXPECT_EQ(o.deadline, 5s);
  EXPECT_EQ(o.payload_size, 1000u);
  EXPECT_EQ(parse_ok({"host", "-6"}).family, AddressFamily::kV6);  // options after the host too
}

TEST(PingOptions, CountOutOfRangeIsPingsTextAndStatus1) {
  auto zero = parse_bad({"-c", "0", "host"});
  EXPECT_EQ(zero.message, "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807");
  EXPECT_EQ(zero.status, 1);
  EXPECT_EQ(parse_bad({"-c", "-1", "host"}).message,
            "invalid argument: '-1': out of range: 1 <= value <= 9223372036854775807");
  auto garbage = parse_bad({"-c", "3x", "host"});
  EXPECT_EQ(garbage.message, "invalid argument: '3x'");
  EXPECT_EQ(garbage.status, 1);
}

TEST(PingOptions, SizeAndDeadlineRanges) {
  EXPECT_EQ(parse_bad({"-s", "-1", "h"}).message,
            "invalid argument: '-1': out of range: 0 <= value <= 65527");
  EXPECT_EQ(parse_ok({"-s", "65527", "h"}).payload_size, 65527u);
  EXPECT_EQ(parse_ok({"-s", "0", "h"}).payload_size, 0u);
  EXPECT_EQ(parse_bad({"-w", "abc", "h"}).message, "invalid argument: 'abc'");
  EXPECT_FALSE(parse_ok({"-w", "0", "h"}).deadline);
}

TEST(PingOptions, IntervalAndLingerErrorsAreStatus2) {
  auto interval = parse_bad({"-i", "abc", "h"});
  EXPECT_EQ(interval.message, "bad timing interval: abc");
  EXPECT_EQ(interval.status, 2);
  auto flood = parse_bad({"-i", "0.001", "h"});
  EXPECT_EQ(flood.message, "cannot flood; minimal interval allowed is 2ms");
  EXPECT_EQ(flood.status, 2);
  EXPECT_EQ(parse_ok({"-i", "0.002", "h"}).interval, 2ms);
  auto linger = parse_bad({"-W", "-1", "h"});
  EXPECT_EQ(linger.message, "bad linger time: -1");
  EXPECT_EQ(linger.status, 2);
}

TEST(PingOptions, BadOptionsAndOperands) {
  auto unknown = parse_bad({"-X", "h"});
  EXPECT_EQ(unknown.message, "invalid option -- 'X'");
  EXPECT_EQ(unknown.status, 2);
  auto missing = parse_bad({"h", "-c"});
  EXPECT_EQ(missing.message, "option requires an argument -- 'c'");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(parse_bad({"--wg-config"}).message, "option '--wg-config' requires an argument");
  EXPECT_EQ(parse_bad({"--frobnicate", "h"}).message, "unrecognized option '--frobnicate'");
  auto none = parse_bad({"-c", "1"});
  EXPECT_EQ(none.message, "usage error: Destination address required");
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(parse_bad({"a", "b"}).status, 2);
  EXPECT_TRUE(parse_ok({"-h"}).help);
  EXPECT_TRUE(parse_ok({"--version"}).version);
  EXPECT_EQ(parse_ok({"--", "-weird"}).destination, "-weird");
}

TEST(PingOptions, HelpNamesEveryOptionAndTheConfigRule) {
  auto help = usage_text();
  for (const char* option :
       {"-c <count>", "-i <interval>", "-n", "-q", "-s <size>", "-v", "-w <deadline>",
        "-W <timeout>", "-4", "-6", "--wg-config <file>", "WGNET_CONFIG"})
    EXPECT_NE(help.find(option), std::string::npos) << option;
}

TEST(PingOptions, SharesTheAgentsTunnelUnlessToldNoShare) {
  EXPECT_TRUE(parse_ok({"10.0.0.1"}).share);
  EXPECT_FALSE(parse_ok({"--no-share", "10.0.0.1"}).share);
}

}  // namespace
}  // namespace wgnet::ping
