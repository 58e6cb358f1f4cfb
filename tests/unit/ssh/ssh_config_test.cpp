// ssh_config reading: words and quotes, Host blocks, Match all, Include, and OpenSSH's error texts
// (compared with `ssh -G -F FILE` itself where the real ssh is installed).
#include "ssh_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ssh_test_util.hpp"

namespace wgnet::ssh {
namespace {

using testing::TempDir;
using testing::write_file;

std::vector<std::string> words(std::string_view text) {
  auto r = split_config_words(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : std::vector<std::string>{};
}

Result<SshConfigFile> parse(const std::string& text, const std::string& path = "/cfg") {
  return SshConfigFile::parse(text, path, ConfigLoadContext{"/nonexistent-base", "/nonexistent-home"});
}

SshConfigFile parse_ok(const std::string& text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(*r) : SshConfigFile{};
}

// key=first-arg of the entries applying to host, in order.
std::vector<std::string> applying(const SshConfigFile& f, std::string_view host) {
  std::vector<std::string> out;
  for (const ConfigEntry* e : f.entries_for(host)) out.push_back(e->key + "=" + e->args.at(0));
  return out;
}

using V = std::vector<std::string>;

TEST(SshConfigWords, QuotesCommentsAndBackslashes) {
  EXPECT_EQ(words("a b\tc"), (V{"a", "b", "c"}));
  EXPECT_EQ(words("\"a b\" c"), (V{"a b", "c"}));
  EXPECT_EQ(words("a\"b c\"d"), (V{"ab cd"}));
  EXPECT_EQ(words("a # comment"), (V{"a"}));
  EXPECT_EQ(words("a#b"), (V{"a#b"}));  // '#' starts a comment only at a word's start
  EXPECT_EQ(words("\"a#b\""), (V{"a#b"}));
  EXPECT_EQ(words("ab\\ c"), (V{"ab c"}));
  EXPECT_EQ(words("\"\""), (V{""}));
  EXPECT_EQ(words(""), V{});
  EXPECT_FALSE(split_config_words("\"open").ok());
}

TEST(SshConfigLine, KeyValueShapes) {
  for (const char* text : {"Port 22", "Port=22", "Port = 22", "  PORT\t=22  ", "port    22 # x"}) {
    auto e = parse_config_line(text, "f", 3);
    ASSERT_TRUE(e.ok()) << text;
    EXPECT_EQ(e->key, "port") << text;
    EXPECT_EQ(e->args, V{"22"}) << text;
    EXPECT_EQ(e->line, 3);
  }
  EXPECT_EQ(parse_config_line("  # only a comment", "f", 1)->key, "");
  EXPECT_EQ(parse_config_line("", "f", 1)->key, "");
  auto rc = parse_config_line("RemoteCommand  ls -l \"a b\"", "f", 1);
  EXPECT_EQ(rc->value_text, "ls -l \"a b\"");
  EXPECT_EQ(rc->key_text, "RemoteCommand");
}

TEST(SshConfigMatch, PatternsAndNegation) {
  EXPECT_TRUE(match_pattern("web.lab", "*.lab"));
  EXPECT_TRUE(match_pattern("web1", "web?"));
  EXPECT_FALSE(match_pattern("web12", "web?"));
  EXPECT_TRUE(match_pattern("", "*"));
  EXPECT_TRUE(match_pattern("abcabd", "*ab?"));
  EXPECT_FALSE(match_pattern("Web", "web"));
  EXPECT_TRUE(match_host_patterns("WEB.lab", {"web.*"}));  // known_hosts: case-insensitive
  EXPECT_FALSE(match_host_patterns("web.lab", {"*", "!web.lab"}));
  EXPECT_FALSE(match_host_patterns("x", {"!y"}));  // only negations: nothing matches
}

TEST(SshConfigFileTest, HostBlocksFirstMatchOrder) {
  auto f = parse_ok(
      "User global\n"
      "Host web *.lab\n"
      "  Port 2222\n"
      "Host !db *\n"
      "  Port 2200\n"
      "  User everyone\n"
      "Host db\n"
      "  HostName 10.0.0.5\n");
  EXPECT_EQ(applying(f, "web"), (V{"user=global", "port=2222", "port=2200", "user=everyone"}));
  EXPECT_EQ(applying(f, "db"), (V{"user=global", "hostname=10.0.0.5"}));
  EXPECT_EQ(applying(f, "x.lab"), (V{"user=global", "port=2222", "port=2200", "user=everyone"}));
  // Host patterns are case-sensitive (ssh 9.2 matches the name as typed).
  EXPECT_EQ(applying(f, "WEB"), (V{"user=global", "port=2200", "user=everyone"}));
}

TEST(SshConfigFileTest, MatchAllAndUnsupportedMatch) {
  auto f = parse_ok(
      "Host web\n"
      "  Port 1\n"
      "Match all\n"
      "  Port 2\n"
      "Match host web exec \"true\"\n"
      "  Port 3\n"
      "Host *\n"
      "  Port 4\n");
  EXPECT_EQ(applying(f, "web"), (V{"port=1", "port=2", "port=4"}));
  ASSERT_EQ(f.warnings().size(), 1u);
  EXPECT_EQ(f.warnings()[0], "/cfg line 5: Match host is not supported by wg-ssh; block ignored");
}

TEST(SshConfigFileTest, UnknownKeyIsAnErrorEvenInABlockThatDoesNotApply) {
  auto r = parse("Host nothing-matches\n  Port 22\n  Foo bar\n", "/home/u/.ssh/config");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  EXPECT_EQ(r.error().message, "/home/u/.ssh/config: line 3: Bad configuration option: foo");
  auto v = parse("Host nothing-matches\n  Port x\n", "/c");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "/c line 2: Bad port 'x'.");
}

TEST(SshConfigFileTest, IgnoreUnknownAndIgnoredKeys) {
  auto f = parse_ok("IgnoreUnknown UseKeychain,Foo*\nUseKeychain yes\nFooBar 1\nForwardAgent yes\n");
  EXPECT_EQ(applying(f, "h"), (V{"ignoreunknown=UseKeychain,Foo*", "forwardagent=yes"}));
  EXPECT_EQ(keyword_support("forwardagent"), KeywordSupport::kIgnored);
  EXPECT_EQ(keyword_support("hostname"), KeywordSupport::kSupported);
  EXPECT_EQ(keyword_support("usekeychain"), KeywordSupport::kUnknown);  // macOS-only key
  EXPECT_EQ(keyword_support("channeltimeout"), KeywordSupport::kUnknown);  // newer than 9.2
}

TEST(SshConfigFileTest, IncludeRelativeGlobAndConditions) {
  TempDir d;
  ::mkdir(d.file("conf.d").c_str(), 0700);
  write_file(d.file("conf.d/20-b.conf"), "Port 2020\n");
  write_file(d.file("conf.d/10-a.conf"), "User from-a\nHost other\n  Port 9\n");
  write_file(d.file("conf.d/ignored.txt"), "Port 1\n");
  write_file(d.file("top"),
             "Host web\n"
             "  Include conf.d/*.conf missing-file\n"
             "  HostName after-include\n"
             "Host *\n"
             "  User last\n");
  auto r = SshConfigFile::load(d.file("top"), ConfigLoadContext{d.path(), d.path()});
  ASSERT_TRUE(r.ok()) << r.error().message;
  // Sorted glob order; the included file's own Host line narrows, the including block still holds
  // for what follows the Include.
  EXPECT_EQ(applying(*r, "web"), (V{"user=from-a", "port=2020", "hostname=after-include", "user=last"}));
  EXPECT_EQ(applying(*r, "other"), (V{"user=last"}));  // "Host other" inside an inactive Include
  const ConfigEntry* first = r->entries_for("web")[0];
  EXPECT_EQ(first->file, d.file("conf.d/10-a.conf"));
  EXPECT_EQ(first->line, 1);
}

TEST(SshConfigFileTest, IncludeTildeAndDepthLimit) {
  TempDir d;
  write_file(d.file("inc"), "Port 3333\n");
  write_file(d.file("top"), "Include ~/inc\n");
  auto r = SshConfigFile::load(d.file("top"), ConfigLoadContext{"/nonexistent", d.path()});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(applying(*r, "h"), V{"port=3333"});
  write_file(d.file("loop"), "Include " + d.file("loop") + "\n");
  auto loop = SshConfigFile::load(d.file("loop"), ConfigLoadContext{d.path(), d.path()});
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("Include nested too deeply"), std::string::npos);
}

TEST(SshConfigFileTest, MissingFile) {
  auto r = SshConfigFile::load("/nonexistent/config", ConfigLoadContext{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Can't open user config file /nonexistent/config: No such file or directory");
}

// Each bad file through the real `ssh -G -F FILE`: our error line is ssh's first line.
TEST(SshConfigOracle, ErrorTextsMatchOpenSsh) {
  if (!testing::have_program("ssh")) GTEST_SKIP() << "ssh (openssh-client) not installed";
  TempDir d;
  const std::vector<std::string> bad = {
      "Foo bar\n",
      "Host x\n  Port x\n",
      "Port 70000\n",
      "Port 22 23\n",
      "BatchMode maybe\n",
      "StrictHostKeyChecking sometimes\n",
      "ConnectTimeout 5x\n",
      "ServerAliveCountMax -1\n",
      "LogLevel loud\n",
      "EscapeChar ab\n",
      "LocalForward 8080\n",
      "LocalForward 8080 nohostport\n",
      "SetEnv NOEQUALS\n",
      "User\n",
      "RequestTTY sometimes\n",
      "AddressFamily ipx\n",
      "User \"open\n",
      "Host a\nNumberOfPasswordPrompts 99999999999\n",
  };
  std::string path = d.file("config");
  for (const auto& text : bad) {
    write_file(path, text);
    auto ours = SshConfigFile::load(path, ConfigLoadContext{d.path(), d.path()});
    ASSERT_FALSE(ours.ok()) << text;
    auto real = testing::run_command({"ssh", "-G", "-F", path, "somehost"});
    EXPECT_EQ(real.status, 255) << text;
    std::string first = real.out.substr(0, real.out.find('\n'));
    if (!first.empty() && first.back() == '\r') first.pop_back();  // ssh writes \r\n
    EXPECT_EQ(ours.error().message, first) << "config: " << text;
  }
}

}  // namespace
}  // namespace wgnet::ssh
