// wg-dig's command line: dig's grammar of @server, +options, -x/-t/-q/-p, and bare words that
// are a type, a class or else a new query; global options before the first name.
#include <gtest/gtest.h>

#include "dig_names.hpp"
#include "dig_options.hpp"
#include "dig_run.hpp"

namespace wgnet::dig {
namespace {

Command parse_ok(std::vector<std::string> args) {
  auto c = parse_command_line(args);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return c ? *c : Command{};
}

std::string parse_error(std::vector<std::string> args) {
  auto c = parse_command_line(args);
  EXPECT_FALSE(c);
  return c ? "" : c.error().message;
}

TEST(DigOptions, ServerNameTypeClassInAnyOrderAfterTheName) {
  auto c = parse_ok({"-c", "wg.conf", "@10.77.0.1", "lab.wgnet", "mx", "ch"});
  ASSERT_EQ(c.queries.size(), 1u);
  EXPECT_EQ(c.config_path, "wg.conf");
  EXPECT_EQ(c.queries[0].name, "lab.wgnet");
  EXPECT_EQ(c.queries[0].qtype, 15);
  EXPECT_EQ(c.queries[0].qclass, 3);
  EXPECT_EQ(c.queries[0].server, "10.77.0.1");
  EXPECT_EQ(c.args_text, "-c wg.conf @10.77.0.1 lab.wgnet mx ch");
}

TEST(DigOptions, TypeBeforeTheNameAppliesToIt) {
  auto c = parse_ok({"MX", "lab.wgnet"});
  ASSERT_EQ(c.queries.size(), 1u);
  EXPECT_EQ(c.queries[0].qtype, 15);
}

TEST(DigOptions, NoNameAsksForTheRootNs) {
  auto c = parse_ok({});
  ASSERT_EQ(c.queries.size(), 1u);
  EXPECT_EQ(c.queries[0].name, ".");
  EXPECT_EQ(c.queries[0].qtype, 2);
  EXPECT_EQ(parse_ok({"+short"}).queries.at(0).qtype, 2);
}

TEST(DigOptions, SeveralQueriesWithLocalOptions) {
  auto c =
      parse_ok({"+tcp", "a.example", "AAAA", "+notcp", "+norec", "b.example", "@10.0.0.9", "TXT"});
  ASSERT_EQ(c.queries.size(), 2u);
  EXPECT_EQ(c.queries[0].qtype, 28);
  EXPECT_FALSE(c.queries[0].settings.tcp);
  EXPECT_FALSE(c.queries[0].settings.recurse);
  EXPECT_FALSE(c.queries[0].server);
  // The second starts from the global options again: +tcp, not the first query's +norec.
  EXPECT_TRUE(c.queries[1].settings.tcp);
  EXPECT_TRUE(c.queries[1].settings.recurse);
  EXPECT_EQ(c.queries[1].qtype, 16);
  EXPECT_EQ(c.queries[1].server, "10.0.0.9");
}

TEST(DigOptions, ShortIsGlobalWhereverGivenAsInDig) {
  auto c = parse_ok({"one", "two", "+short"});
  ASSERT_EQ(c.queries.size(), 2u);
  EXPECT_TRUE(c.queries[0].settings.short_form);
  EXPECT_TRUE(c.queries[1].settings.short_form);
  auto last_wins = parse_ok({"+short", "one", "+noshort", "two"});
  EXPECT_FALSE(last_wins.queries.at(0).settings.short_form);
  EXPECT_FALSE(last_wins.queries.at(1).settings.short_form);
}

TEST(DigOptions, CmdIsGlobalToo) {
  auto c = parse_ok({"one", "two", "+noall", "+answer"});
  EXPECT_FALSE(c.queries.at(0).settings.cmd);
  EXPECT_TRUE(c.queries.at(0).settings.comments);  // the rest stays local
  EXPECT_FALSE(c.queries.at(1).settings.comments);
  EXPECT_TRUE(parse_ok({"+nocmd", "one", "+cmd"}).queries.at(0).settings.cmd);
}

TEST(DigOptions, GlobalServerIsEveryQuerysDefault) {
  auto c = parse_ok({"@ns.lab.wgnet", "one", "two"});
  ASSERT_EQ(c.queries.size(), 2u);
  EXPECT_EQ(c.queries[1].server, "ns.lab.wgnet");
}

TEST(DigOptions, DashOptionsWithSeparateOrAttachedValues) {
  auto c = parse_ok({"-p", "5353", "-tAAAA", "-q", "mx", "-6", "-x", "10.77.0.1", "-t", "A"});
  ASSERT_EQ(c.queries.size(), 2u);
  EXPECT_EQ(c.queries[0].name, "mx");  // -q: a name even when it spells a type
  EXPECT_EQ(c.queries[0].qtype, 28);
  EXPECT_EQ(c.queries[0].settings.port, 5353);
  EXPECT_EQ(c.queries[0].settings.family, AddressFamily::kV6);
  EXPECT_EQ(c.queries[1].name, "1.0.77.10.in-addr.arpa.");
  EXPECT_TRUE(c.queries[1].reverse);
  EXPECT_EQ(c.queries[1].qtype, 1);  // -t after -x changes the reverse query's type
}

TEST(DigOptions, ReverseDefaultsToPtr) {
  auto c = parse_ok({"-x", "fd77::1"});
  EXPECT_EQ(c.queries.at(0).qtype, 12);
  EXPECT_EQ(c.queries.at(0).name,
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.7.d.f.ip6.arpa.");
}

TEST(DigOptions, PlusOptionsAndTheirValues) {
  auto s = parse_ok({"+time=1", "+retry=2", "+norec", "+dnssec", "+bufsize=512", "+search",
                     "+noall", "+answer", "+ignore", "+vc", "x"})
               .queries.at(0)
               .settings;
  EXPECT_EQ(s.time_s, 1);
  EXPECT_EQ(s.tries, 3);
  EXPECT_FALSE(s.recurse);
  EXPECT_TRUE(s.dnssec);
  EXPECT_EQ(s.bufsize, 512);
  EXPECT_TRUE(s.search);
  EXPECT_TRUE(s.answer);
  EXPECT_FALSE(s.question || s.comments || s.stats || s.cmd || s.authority || s.additional);
  EXPECT_TRUE(s.ignore_tc);
  EXPECT_TRUE(s.tcp);
  auto t = parse_ok({"+tries=5", "+time=0", "+noedns", "+nostats", "+noquestion", "+nocmd",
                     "+nocomments", "x"})
               .queries.at(0)
               .settings;
  EXPECT_EQ(t.tries, 5);
  EXPECT_EQ(t.time_s, 1);  // dig treats 0 as 1
  EXPECT_FALSE(t.edns || t.stats || t.question || t.cmd || t.comments);
  EXPECT_TRUE(t.answer);
}

TEST(DigOptions, VerbosityAndWgdebug) {
  EXPECT_EQ(parse_ok({"-v", "x"}).verbosity, 1);
  EXPECT_EQ(parse_ok({"-vv", "x"}).verbosity, 2);
  EXPECT_EQ(parse_ok({"+wgdebug", "x"}).verbosity, 1);
  EXPECT_EQ(parse_ok({"--wg-config=a.conf", "x"}).config_path, "a.conf");
  EXPECT_EQ(parse_ok({"--wg-config", "b.conf", "x"}).config_path, "b.conf");
}

TEST(DigOptions, BatchFileNeedsNoNameOnTheCommandLine) {
  auto c = parse_ok({"-f", "queries.txt", "+short"});
  EXPECT_EQ(c.batch_file, "queries.txt");
  EXPECT_TRUE(c.queries.empty());
  auto lines = parse_batch_line("echo.lab.wgnet AAAA +noshort", c);
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines->at(0).qtype, 28);
  EXPECT_FALSE(lines->at(0).settings.short_form);
  auto inherits = parse_batch_line("one two", c);
  ASSERT_TRUE(inherits);
  ASSERT_EQ(inherits->size(), 2u);
  EXPECT_TRUE(inherits->at(1).settings.short_form);
  EXPECT_TRUE(parse_batch_line("   ", c)->empty());
  EXPECT_TRUE(parse_batch_line("; comment", c)->empty());
  EXPECT_FALSE(parse_batch_line("-c other.conf x", c));
  EXPECT_FALSE(parse_batch_line("MX", c));
}

TEST(DigOptions, BadArgumentsGiveOneLineQuotingThem) {
  EXPECT_EQ(parse_error({"+frobnicate", "x"}), "invalid option `+frobnicate'");
  EXPECT_EQ(parse_error({"-k", "key", "x"}), "invalid option `-k'");
  EXPECT_EQ(parse_error({"--bogus"}), "invalid option `--bogus'");
  EXPECT_EQ(parse_error({"-t", "BOGUS", "x"}), "invalid type `BOGUS'");
  EXPECT_EQ(parse_error({"-p", "99999", "x"}), "invalid port `99999'");
  EXPECT_EQ(parse_error({"+time=x", "a"}), "invalid value in `+time=x'");
  EXPECT_EQ(parse_error({"+tries=0", "a"}), "invalid value in `+tries=0'");
  EXPECT_EQ(parse_error({"+bufsize=70000", "a"}), "invalid value in `+bufsize=70000'");
  EXPECT_EQ(parse_error({"+short=3", "a"}), "option `+short=3' takes no value");
  EXPECT_EQ(parse_error({"-x", "not-an-ip"}), "invalid address `not-an-ip' for -x");
  EXPECT_EQ(parse_error({"@"}), "`@' needs a server address or name");
  EXPECT_EQ(parse_error({"-t"}), "option `-t' needs a value");
  EXPECT_EQ(parse_error({"+edns=1", "a"}), "only EDNS version 0 is supported: `+edns=1'");
  EXPECT_EQ(parse_error({"lab.wgnet", "AXFR"}),
            "zone transfers (AXFR, IXFR) are not supported: `lab.wgnet'");
  for (const auto& args : std::vector<std::vector<std::string>>{{"+a"}, {"+co"}, {""}}) {
    auto msg = parse_error(args);
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(DigNames, TypesAndClassesByNameAndNumber) {
  EXPECT_EQ(parse_type("a"), 1);
  EXPECT_EQ(parse_type("CAA"), 257);
  EXPECT_EQ(parse_type("any"), 255);
  EXPECT_EQ(parse_type("TYPE65280"), 65280);
  EXPECT_EQ(parse_type("type99"), 99);
  EXPECT_FALSE(parse_type("TYPE65536"));
  EXPECT_FALSE(parse_type("TYPEx"));
  EXPECT_FALSE(parse_type("TYPE"));
  EXPECT_FALSE(parse_type("echo.lab.wgnet"));
  EXPECT_EQ(parse_class("in"), 1);
  EXPECT_EQ(parse_class("CH"), 3);
  EXPECT_EQ(parse_class("CLASS253"), 253);
  EXPECT_FALSE(parse_class("lab"));
  EXPECT_EQ(type_name(65280), "TYPE65280");
  EXPECT_EQ(type_name(16), "TXT");
  EXPECT_EQ(class_name(1), "IN");
}

TEST(DigNames, ReverseNames) {
  EXPECT_EQ(reverse_name("192.0.2.1"), "1.2.0.192.in-addr.arpa.");
  EXPECT_EQ(reverse_name("10.77"), "77.10.in-addr.arpa.");
  EXPECT_EQ(reverse_name("2001:db8::567:89ab"),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
  EXPECT_FALSE(reverse_name("10.77.0.1.5"));
  EXPECT_FALSE(reverse_name("256.1"));
  EXPECT_FALSE(reverse_name("host"));
  EXPECT_FALSE(reverse_name(""));
}

// +search walks the library's search list (wgnet::dns_search_names), the one the tunnel's
// resolver uses: the same names in the same order.
TEST(DigSearch, CandidatesFollowNdots) {
  std::vector<std::string> search = {"lab.wgnet", "corp."};
  EXPECT_EQ(dns_search_names("echo", search),
            (std::vector<std::string>{"echo.lab.wgnet", "echo.corp", "echo"}));
  EXPECT_EQ(dns_search_names("echo.sub", search),
            (std::vector<std::string>{"echo.sub", "echo.sub.lab.wgnet", "echo.sub.corp"}));
  EXPECT_EQ(dns_search_names("echo.", search), (std::vector<std::string>{"echo."}));
  EXPECT_EQ(dns_search_names("echo", {}), (std::vector<std::string>{"echo"}));
}

TEST(DigOptions, SharesTheAgentsTunnelUnlessToldNoShare) {
  EXPECT_TRUE(parse_ok({"name.test"}).share);
  EXPECT_FALSE(parse_ok({"--no-share", "name.test"}).share);
}

}  // namespace
}  // namespace wgnet::dig
