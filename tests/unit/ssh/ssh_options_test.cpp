// wg-ssh's command line with ssh.c's semantics: clustering, options after the destination, "--",
// first-wins for -p/-l against -o Port/User, -t twice, OpenSSH's own error texts.
#include "ssh_options.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

#include "cli_test_support.hpp"

namespace wgnet::ssh {
namespace {

Result<SshCommand> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"wg-ssh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_ssh_command_line(static_cast<int>(argv.size()), argv.data());
}

SshOptions parse_ok(std::initializer_list<const char*> args) {
  auto r = parse(args);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  EXPECT_TRUE(r->options.has_value()) << r->text;
  return r->options ? *r->options : SshOptions{};
}

std::string parse_error(std::initializer_list<const char*> args) {
  return test::one_line_error(parse(args));
}

// The usage exits: text for stderr, status 255.
std::string parse_usage(std::initializer_list<const char*> args) {
  auto r = parse(args);
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return "";
  EXPECT_FALSE(r->options.has_value());
  EXPECT_EQ(r->exit_status, kSshErrorExit);
  EXPECT_FALSE(r->text_to_stdout);
  EXPECT_NE(r->text.find("usage: wg-ssh"), std::string::npos);
  return r->text.substr(0, r->text.find('\n'));
}

using V = std::vector<std::string>;

TEST(SshOptions, DestinationCommandAndWgConfig) {
  auto o = parse_ok({"-c", "wg.conf", "bob@10.0.0.2", "uname", "-a"});
  EXPECT_EQ(o.wg_config_path, "wg.conf");
  EXPECT_EQ(o.destination, "bob@10.0.0.2");
  EXPECT_EQ(o.host, "10.0.0.2");
  EXPECT_EQ(o.user, "bob");
  EXPECT_EQ(o.command, (V{"uname", "-a"}));
  EXPECT_EQ(parse_ok({"--wg-config", "x.conf", "h"}).wg_config_path, "x.conf");
  EXPECT_EQ(parse_ok({"--wg-config=y.conf", "h"}).wg_config_path, "y.conf");
  EXPECT_EQ(parse_ok({"-cz.conf", "h"}).wg_config_path, "z.conf");
}

TEST(SshOptions, LastAtSeparatesUser) {
  auto o = parse_ok({"a@b@host"});
  EXPECT_EQ(o.user, "a@b");
  EXPECT_EQ(o.host, "host");
  EXPECT_EQ(parse_ok({"host:22"}).host, "host:22");  // no port in a plain destination
  EXPECT_EQ(parse_usage({"@host"}),
            "usage: wg-ssh [-46GNnqsTtVv] [-c wg_config] [-E log_file] [-e escape_char]");
}

TEST(SshOptions, SshUri) {
  auto o = parse_ok({"ssh://alice@web.lab:2200"});
  EXPECT_EQ(o.user, "alice");
  EXPECT_EQ(o.host, "web.lab");
  EXPECT_EQ(o.port, 2200);
  auto v6 = parse_ok({"ssh://[fd77::1]:2222"});
  EXPECT_EQ(v6.host, "fd77::1");
  EXPECT_EQ(v6.port, 2222);
  // -p given first wins over the URI's port, as ssh.c fills the port only when unset.
  EXPECT_EQ(parse_ok({"-p", "22", "ssh://h:2200"}).port, 22);
  EXPECT_FALSE(parse({"ssh://h:notaport"}).ok());
}

TEST(SshOptions, OptionsAfterTheDestinationUntilTheCommand) {
  auto o = parse_ok({"host", "-p", "2222", "-l", "bob", "ls", "-p", "1"});
  EXPECT_EQ(o.port, 2222);
  EXPECT_EQ(o.user, "bob");
  EXPECT_EQ(o.command, (V{"ls", "-p", "1"}));
  // "--" ends the options: before the destination, nothing after it is an option.
  auto a = parse_ok({"--", "host", "-p", "1"});
  EXPECT_FALSE(a.port);
  EXPECT_EQ(a.command, (V{"-p", "1"}));
  auto b = parse_ok({"host", "--", "-p", "1"});
  EXPECT_FALSE(b.port);
  EXPECT_EQ(b.command, (V{"-p", "1"}));
}

TEST(SshOptions, FirstWinsBetweenFlagsAndDashO) {
  // ssh 9.2: `ssh -G -p 2222 -o Port=3333 h` gives 2222, the other order 3333.
  EXPECT_EQ(parse_ok({"-p", "2222", "-o", "Port=3333", "h"}).port, 2222);
  EXPECT_EQ(parse_ok({"-o", "Port=3333", "-p", "2222", "h"}).port, 3333);
  EXPECT_EQ(parse_ok({"-l", "a", "-o", "User=b", "h"}).user, "a");
  EXPECT_EQ(parse_ok({"-o", "User=b", "-l", "a", "x@h"}).user, "b");
  EXPECT_EQ(parse_ok({"x@h"}).user, "x");
  EXPECT_EQ(parse_ok({"-p", "1", "-p", "2", "h"}).port, 1);
}

TEST(SshOptions, ClusteredFlagsCountsAndLastWins) {
  auto o = parse_ok({"-46Nnq", "-vvv", "h"});
  EXPECT_EQ(o.family, AddressFamily::kV6);
  EXPECT_TRUE(o.no_command);
  EXPECT_TRUE(o.stdin_null);
  EXPECT_EQ(o.verbosity, 3);
  EXPECT_FALSE(o.quiet);  // -v after -q: ssh's last one wins
  EXPECT_EQ(parse_ok({"-vvvvv", "h"}).verbosity, 3);
  EXPECT_TRUE(parse_ok({"-v", "-q", "h"}).quiet);
  EXPECT_EQ(parse_ok({"-t", "h"}).request_tty, RequestTty::kYes);
  EXPECT_EQ(parse_ok({"-tt", "h"}).request_tty, RequestTty::kForce);
  EXPECT_EQ(parse_ok({"-t", "-t", "h"}).request_tty, RequestTty::kForce);
  EXPECT_EQ(parse_ok({"-t", "-T", "h"}).request_tty, RequestTty::kNo);
  EXPECT_EQ(parse_ok({"-T", "-t", "h"}).request_tty, RequestTty::kYes);
  EXPECT_FALSE(parse_ok({"h"}).request_tty);
}

TEST(SshOptions, ValuesAttachedOrSeparate) {
  auto o = parse_ok({"-p2222", "-lroot", "-i", "k1", "-ik2", "-L8080:web:80", "-e^]", "-E", "log", "h"});
  EXPECT_EQ(o.port, 2222);
  EXPECT_EQ(o.user, "root");
  EXPECT_EQ(o.identity_files, (V{"k1", "k2"}));
  ASSERT_EQ(o.local_forwards.size(), 1u);
  EXPECT_EQ(o.local_forwards[0].listen_port, 8080);
  EXPECT_EQ(o.escape_char, std::optional<std::optional<char>>(std::optional<char>('\x1d')));
  EXPECT_EQ(o.log_file, "log");
  EXPECT_EQ(parse_ok({"-e", "none", "h"}).escape_char,
            std::optional<std::optional<char>>(std::optional<char>()));
  EXPECT_EQ(parse_ok({"-p", "ssh", "h"}).port, 22);  // a service name, as a2port
}

TEST(SshOptions, DashOShapes) {
  auto o = parse_ok({"-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode yes", "-oIdentityFile=/k",
                     "-o", "LocalForward=9000 db:5432", "-o", "ciphers = aes256-gcm@openssh.com", "h"});
  ASSERT_EQ(o.command_line_entries.size(), 5u);
  EXPECT_EQ(o.command_line_entries[0].key, "stricthostkeychecking");
  EXPECT_EQ(o.command_line_entries[0].file, "command-line");
  EXPECT_EQ(o.command_line_entries[1].args, V{"yes"});
  EXPECT_EQ(o.command_line_entries[2].key, "identityfile");
  EXPECT_EQ(o.command_line_entries[3].args, (V{"9000", "db:5432"}));
  EXPECT_EQ(o.command_line_entries[4].args, V{"aes256-gcm@openssh.com"});
  // -m sets MACs ahead of any -o MACs=.
  auto m = parse_ok({"-o", "MACs=b", "-m", "a", "h"});
  EXPECT_EQ(m.command_line_entries[0].key, "macs");
  EXPECT_EQ(m.command_line_entries[0].args, V{"a"});
}

TEST(SshOptions, OpenSshErrorTexts) {
  EXPECT_EQ(parse_error({"-o", "Foo=bar", "h"}), "command-line: line 0: Bad configuration option: foo");
  EXPECT_EQ(parse_error({"-o", "StrictHostKeyChecking=maybe", "h"}),
            "command-line line 0: unsupported option \"maybe\".");
  EXPECT_EQ(parse_error({"-o", "Port=x", "h"}), "command-line line 0: Bad port 'x'.");
  EXPECT_EQ(parse_error({"-o", "User=", "h"}), "command-line line 0: no argument after keyword \"user\"");
  EXPECT_EQ(parse_error({"-o", "Host=x", "h"}), "Host directive not supported as a command-line option");
  EXPECT_EQ(parse_error({"-o", "Include=x", "h"}),
            "Include directive not supported as a command-line option");
  EXPECT_EQ(parse_error({"-p", "0", "h"}), "Bad port '0'");
  EXPECT_EQ(parse_error({"-p", "70000", "h"}), "Bad port '70000'");
  EXPECT_EQ(parse_error({"-e", "xx", "h"}), "Bad escape character 'xx'.");
  EXPECT_EQ(parse_error({"-L", "80:h", "h"}), "Bad local forwarding specification '80:h'");
  EXPECT_EQ(parse_error({"-1", "h"}), "SSH protocol v.1 is no longer supported");
  // IgnoreUnknown on the command line applies to the -o after it.
  EXPECT_TRUE(parse({"-o", "IgnoreUnknown=UseKeychain", "-o", "UseKeychain=yes", "h"}).ok());
}

TEST(SshOptions, UsageExits) {
  EXPECT_EQ(parse_usage({}),
            "usage: wg-ssh [-46GNnqsTtVv] [-c wg_config] [-E log_file] [-e escape_char]");
  EXPECT_EQ(parse_usage({"-Z", "h"}), "wg-ssh: unknown option -- Z");
  EXPECT_EQ(parse_usage({"h", "-l"}), "wg-ssh: option requires an argument -- l");
  EXPECT_EQ(parse_usage({"-v"}),
            "usage: wg-ssh [-46GNnqsTtVv] [-c wg_config] [-E log_file] [-e escape_char]");
  auto help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->text_to_stdout);
  EXPECT_EQ(help->exit_status, 0);
  EXPECT_NE(help->text.find("-o Ciphers="), std::string::npos);
  auto version = parse({"-V", "-Z"});  // ssh exits at -V, whatever follows
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->exit_status, 0);
  EXPECT_FALSE(version->text_to_stdout);
  EXPECT_EQ(version->text.rfind("wg-ssh ", 0), 0u);
  EXPECT_NE(version->text.find("libssh2"), std::string::npos);
}

TEST(SshOptions, MissingFeaturesAreRefusedNotIgnored) {
  for (auto args : {std::vector<const char*>{"-R", "1:h:1"},
                    {"-D", "1080"},
                    {"-A"},
                    {"-X"},
                    {"-W", "h:1"},
                    {"-f"},
                    {"-M"}}) {
    std::vector<const char*> argv{"wg-ssh"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("h");
    auto r = parse_ssh_command_line(static_cast<int>(argv.size()), argv.data());
    ASSERT_FALSE(r.ok()) << args[0];
    EXPECT_NE(r.error().message.find("not supported by wg-ssh"), std::string::npos);
    EXPECT_NE(r.error().message.find("ProxyCommand='wg-nc"), std::string::npos);
  }
  auto o = parse_ok({"-a", "-x", "-k", "-C", "-g", "h"});  // no-ops and warnings
  EXPECT_EQ(o.warnings.size(), 2u);
}

TEST(SshOptions, DashJTakesOneListOfJumpHosts) {
  EXPECT_EQ(parse_ok({"-J", "user@bastion:2222,ssh://b2", "h"}).jump_hosts,
            "user@bastion:2222,ssh://b2");
  EXPECT_EQ(parse_error({"-J", "a", "-J", "b", "h"}), "Only a single -J option is permitted");
  EXPECT_EQ(parse_error({"-J", "a:notaport", "h"}), "Invalid -J argument");
}

TEST(SshOptions, JumpHostListsAsReadconfParsesThem) {
  auto hops = parse_jump_hosts("bastion,ann@b2:2200,[fd00::1]:22,fd00::2,ssh://bob@b3:2201");
  ASSERT_TRUE(hops.ok()) << hops.error().message;
  ASSERT_EQ(hops->size(), 5u);
  EXPECT_EQ((*hops)[0].host, "bastion");
  EXPECT_FALSE((*hops)[0].user);
  EXPECT_FALSE((*hops)[0].port);
  EXPECT_EQ((*hops)[1].user, "ann");
  EXPECT_EQ((*hops)[1].host, "b2");
  EXPECT_EQ((*hops)[1].port, 2200);
  EXPECT_EQ((*hops)[2].host, "fd00::1");
  EXPECT_EQ((*hops)[2].port, 22);
  EXPECT_EQ((*hops)[3].host, "fd00::2");
  EXPECT_FALSE((*hops)[3].port);
  EXPECT_EQ((*hops)[4].user, "bob");
  EXPECT_EQ((*hops)[4].port, 2201);
  for (const char* bad : {"", "a,", "@h", "h:", "h:0", "[fd00::1", "[fd00::1]x", "a,,b"}) {
    auto r = parse_jump_hosts(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message, "Invalid ProxyJump \"" + std::string(bad) + "\"");
  }
}

TEST(SshOptions, DashSStartsASubsystemAndDashGPrintsTheConfig) {
  auto o = parse_ok({"-s", "--", "h", "sftp"});  // as scp and sftp pass it
  EXPECT_TRUE(o.subsystem);
  EXPECT_EQ(o.command, (std::vector<std::string>{"sftp"}));
  auto g = parse_ok({"-c", "wg.conf", "-G", "-o", "SendEnv=GIT_PROTOCOL", "-p", "2222", "root@h"});
  EXPECT_TRUE(g.print_config);  // what git runs to tell an OpenSSH-like ssh from a "simple" one
  EXPECT_EQ(g.port, 2222);
  EXPECT_EQ(parse_error({"-N", "-s", "h", "sftp"}), "Cannot specify -s with -N/SessionType");
  EXPECT_EQ(parse_error({"-s", "-N", "h", "sftp"}), "Cannot specify -N with -s/SessionType");
}

TEST(SshOptions, ForwardSpecs) {
  auto f = parse_forward_spec("8080:web:80");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->bind_address, "");
  EXPECT_EQ(f->listen_port, 8080);
  EXPECT_EQ(f->connect_host, "web");
  EXPECT_EQ(f->connect_port, 80);
  auto b = parse_forward_spec("127.0.0.1:9090:[fd00::1]:22");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->bind_address, "127.0.0.1");
  EXPECT_EQ(b->connect_host, "fd00::1");
  auto v6 = parse_forward_spec("[::1]:80:h:1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->bind_address, "::1");
  EXPECT_EQ(parse_forward_spec("*:80:h:1")->bind_address, "*");
  EXPECT_EQ(parse_forward_spec(":80:h:1")->bind_address, "*");  // empty address: all interfaces
  for (const char* bad : {"x", "80", "80:h", "0:h:1", "80:h:0", "80:h:x", "80::1", "[::1:80:h:1",
                          "a:b:80:h:1", "80:h:1:"}) {
    EXPECT_FALSE(parse_forward_spec(bad).ok()) << bad;
  }
}

TEST(SshOptions, EscapeAndStrictValues) {
  EXPECT_EQ(*parse_escape_char("~"), std::optional<char>('~'));
  EXPECT_EQ(*parse_escape_char("^]"), std::optional<char>('\x1d'));
  EXPECT_EQ(*parse_escape_char("^a"), std::optional<char>('\x01'));
  EXPECT_EQ(*parse_escape_char("none"), std::optional<char>());
  EXPECT_FALSE(parse_escape_char("ab").ok());
  EXPECT_FALSE(parse_escape_char("").ok());
  EXPECT_EQ(*parse_strict_host_key_checking("OFF"), StrictHostKeyChecking::kNo);
  EXPECT_EQ(*parse_strict_host_key_checking("Accept-New"), StrictHostKeyChecking::kAcceptNew);
  EXPECT_EQ(*parse_strict_host_key_checking("true"), StrictHostKeyChecking::kYes);
  EXPECT_EQ(*parse_strict_host_key_checking("ask"), StrictHostKeyChecking::kAsk);
  EXPECT_FALSE(parse_strict_host_key_checking("maybe").ok());
}

TEST(SshOptions, TtyDecisionAsSshC) {
  EXPECT_TRUE(decide_tty(RequestTty::kAuto, false, true).allocate);
  EXPECT_FALSE(decide_tty(RequestTty::kAuto, true, true).allocate);
  auto no_tty = decide_tty(RequestTty::kAuto, false, false);
  EXPECT_FALSE(no_tty.allocate);
  EXPECT_EQ(no_tty.warning, "Pseudo-terminal will not be allocated because stdin is not a terminal.");
  EXPECT_TRUE(decide_tty(RequestTty::kYes, true, true).allocate);
  EXPECT_FALSE(decide_tty(RequestTty::kYes, true, false).allocate);
  EXPECT_FALSE(decide_tty(RequestTty::kYes, true, false).warning.empty());
  EXPECT_TRUE(decide_tty(RequestTty::kForce, true, false).allocate);
  EXPECT_TRUE(decide_tty(RequestTty::kForce, true, false).warning.empty());
  EXPECT_FALSE(decide_tty(RequestTty::kNo, false, true).allocate);
  EXPECT_TRUE(decide_tty(RequestTty::kNo, false, false).warning.empty());
  EXPECT_TRUE(decide_tty(RequestTty::kAuto, true, false).warning.empty());
}

TEST(SshOptions, SharesTheAgentsTunnelUnlessToldNoShare) {
  EXPECT_TRUE(parse_ok({"host"}).share);
  EXPECT_FALSE(parse_ok({"--no-share", "host"}).share);
  EXPECT_FALSE(parse_ok({"-c", "wg.conf", "--no-share", "-p", "2222", "host"}).share);
}

}  // namespace
}  // namespace wgnet::ssh
