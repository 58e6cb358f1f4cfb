// wg-nc's command line: nc's option shapes, and one-line errors quoting the bad input.
#include "nc_options.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace wgnet::nc {
namespace {

using std::chrono::milliseconds;

Result<NcCommand> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"wg-nc"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_nc_command_line(static_cast<int>(argv.size()), argv.data());
}

NcOptions parse_ok(std::initializer_list<const char*> args) {
  auto r = parse(args);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok() || !r->options) return {};
  return *r->options;
}

std::string parse_error(std::initializer_list<const char*> args) {
  auto r = parse(args);
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  return test::one_line_error(r);
}

TEST(NcOptions, NoShareAsksForTheProcesssOwnTunnel) {
  EXPECT_FALSE(parse_ok({"-c", "wg.conf", "10.0.0.2", "22"}).no_share);
  EXPECT_TRUE(parse_ok({"--no-share", "-c", "wg.conf", "10.0.0.2", "22"}).no_share);
}

TEST(NcOptions, ClientHostAndPort) {
  auto o = parse_ok({"-c", "wg.conf", "10.0.0.2", "22"});
  EXPECT_EQ(o.config_path, "wg.conf");
  EXPECT_EQ(o.host, "10.0.0.2");
  EXPECT_EQ(o.ports, std::vector<uint16_t>{22});
  EXPECT_FALSE(o.listen);
  EXPECT_FALSE(o.timeout);
  EXPECT_FALSE(o.quit_after_eof);
  EXPECT_EQ(parse_ok({"--wg-config", "x.conf", "h", "1"}).config_path, "x.conf");
}

TEST(NcOptions, CombinedFlagsAndValues) {
  auto o = parse_ok({"-zvn", "-w", "1.5", "10.0.0.2", "20-22", "25"});
  EXPECT_TRUE(o.scan);
  EXPECT_TRUE(o.numeric);
  EXPECT_EQ(o.verbosity, 1);
  EXPECT_EQ(o.timeout, milliseconds(1500));
  EXPECT_EQ(o.ports, (std::vector<uint16_t>{20, 21, 22, 25}));
  EXPECT_EQ(parse_ok({"-vv", "h", "1"}).verbosity, 2);
  EXPECT_EQ(parse_ok({"-6", "h", "1"}).family, AddressFamily::kV6);
  EXPECT_EQ(parse_ok({"-4", "h", "1"}).family, AddressFamily::kV4);
  EXPECT_TRUE(parse_ok({"-uN", "h", "1"}).udp);
}

TEST(NcOptions, QuitSeconds) {
  EXPECT_EQ(parse_ok({"-q", "0", "h", "1"}).quit_after_eof, milliseconds(0));
  EXPECT_EQ(parse_ok({"-q", "2", "h", "1"}).quit_after_eof, milliseconds(2000));
  EXPECT_FALSE(parse_ok({"-q", "-1", "h", "1"}).quit_after_eof);  // negative: nc's "forever"
}

TEST(NcOptions, RoutingTableTakesAnArgumentAndIsRefusedAsDebianNcOnLinux) {
  const std::string refused = "no alternate routing table support available";
  EXPECT_EQ(parse_error({"-V", "1", "h", "7"}), refused);
  EXPECT_EQ(parse_error({"-V", "", "h", "7"}), refused);
  // -V takes the next word as its argument, as getopt's "V:" does in nc.
  EXPECT_EQ(parse_error({"-V", "h", "7"}), refused);
}

TEST(NcOptions, ListenShapes) {
  auto a = parse_ok({"-l", "4000"});
  EXPECT_TRUE(a.listen);
  EXPECT_EQ(a.host, "");
  EXPECT_EQ(a.ports, std::vector<uint16_t>{4000});
  auto b = parse_ok({"-lk", "10.0.0.1", "4000"});
  EXPECT_TRUE(b.keep_listening);
  EXPECT_EQ(b.host, "10.0.0.1");
  auto c = parse_ok({"-l", "-p", "4000"});
  EXPECT_EQ(c.host, "");
  EXPECT_EQ(c.ports, std::vector<uint16_t>{4000});
}

TEST(NcOptions, ServiceNamesFromEtcServicesOrRanges) {
  auto reversed = parse_port_spec("30-28");
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(*reversed, (std::vector<uint16_t>{28, 29, 30}));
  EXPECT_FALSE(parse_port_spec("0").ok());
  EXPECT_FALSE(parse_port_spec("65536").ok());
  EXPECT_FALSE(parse_port_spec("1-70000").ok());
  EXPECT_FALSE(parse_port_spec("no-such-service-xyz").ok());
}

TEST(NcOptions, HelpIsNotAnError) {
  auto r = parse({"-h"});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->options);
  EXPECT_NE(r->help.find("--wg-config"), std::string::npos);
  EXPECT_NE(r->help.find("-w"), std::string::npos);
}

TEST(NcOptions, BadInputIsOneLineQuotingIt) {
  EXPECT_NE(parse_error({"--bogus", "h", "1"}).find("--bogus"), std::string::npos);
  EXPECT_EQ(parse_error({"h", "99999"}), "invalid port `99999' (1-65535)");
  EXPECT_EQ(parse_error({"-w", "soon", "h", "1"}), "-w wants seconds, not `soon'");
  EXPECT_EQ(parse_error({"-w", "0", "h", "1"}), "-w wants a positive number of seconds, not `0'");
  EXPECT_EQ(parse_error({"-k", "h", "1"}), "-k needs -l");
  EXPECT_EQ(parse_error({"-zl", "1"}), "-z and -l cannot be used together");
  EXPECT_EQ(parse_error({"-zu", "h", "1"}), "-z scans TCP ports only; -u -z is not supported");
  EXPECT_EQ(parse_error({"-4", "-6", "h", "1"}), "-4 and -6 cannot be used together");
  EXPECT_EQ(parse_error({"h"}), "need a host and a port: wg-nc [options] host port");
  EXPECT_EQ(parse_error({"-l"}), "-l needs a port: wg-nc -l [host] port");
  EXPECT_EQ(parse_error({"-l", "1-3"}), "-l listens on one port, not a range");
  EXPECT_EQ(parse_error({"h", "1-3"}),
            "several ports are only for -z (scan); give one port to connect to");
  EXPECT_EQ(parse_error({"h", "1", "2"}),
            "too many arguments from `2': wg-nc [options] host port (several ports only with -z)");
  EXPECT_EQ(parse_error({"-p", "5", "h", "1"}),
            "-p only sets the port to listen on; use it with -l");
}

}  // namespace

TEST(NcOptions, SharesTheAgentsTunnelUnlessToldNoShare) {
  EXPECT_FALSE(parse_ok({"10.0.0.2", "22"}).no_share);
  EXPECT_TRUE(parse_ok({"--no-share", "10.0.0.2", "22"}).no_share);
}

}  // namespace wgnet::nc
