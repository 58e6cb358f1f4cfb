// Effective settings: command line > -o > user config > system config > defaults, %-tokens, and
// the whole merge compared with the real `ssh -G` for a table of configs and command lines.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "ssh_options.hpp"
#include "ssh_settings_dump.hpp"
#include "ssh_test_util.hpp"

namespace wgnet::ssh {
namespace {

using testing::TempDir;
using testing::write_file;
using V = std::vector<std::string>;

SshOptions options(std::vector<const char*> args) {
  args.insert(args.begin(), "wg-ssh");
  auto r = parse_ssh_command_line(static_cast<int>(args.size()), args.data());
  EXPECT_TRUE(r.ok() && r->options) << (r.ok() ? r->text : r.error().message);
  return r.ok() && r->options ? *r->options : SshOptions{};
}

SshConfigFile config(const std::string& text, const std::string& path = "/u/.ssh/config") {
  auto r = SshConfigFile::parse(text, path, ConfigLoadContext{"/u/.ssh", "/u"});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(*r) : SshConfigFile{};
}

SshEnvironment test_env() {
  SshEnvironment env;
  env.home = "/u";
  env.local_user = "me";
  env.local_host = "box.example";
  env.auth_sock = "/run/agent.sock";
  env.vars = {{"LANG", "C.UTF-8"}, {"LC_ALL", "C"}, {"KEYDIR", "/keys"}, {"TERM", "xterm"}};
  return env;
}

SshSettings resolve_ok(const SshOptions& o, const SshConfigFile* user = nullptr,
                       const SshConfigFile* system = nullptr) {
  auto r = resolve_settings(o, user, test_env(), system);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : SshSettings{};
}

TEST(SshSettings, Defaults) {
  auto s = resolve_ok(options({"Web.Lab"}));
  EXPECT_EQ(s.host, "Web.Lab");
  EXPECT_EQ(s.host_name, "web.lab");
  EXPECT_EQ(s.user, "me");
  EXPECT_EQ(s.port, 22);
  EXPECT_EQ(s.identity_files, (V{"/u/.ssh/id_rsa", "/u/.ssh/id_ecdsa", "/u/.ssh/id_ed25519"}));
  EXPECT_TRUE(s.identity_files_default);
  EXPECT_EQ(s.strict_host_key_checking, StrictHostKeyChecking::kAsk);
  EXPECT_EQ(s.user_known_hosts_files, (V{"/u/.ssh/known_hosts", "/u/.ssh/known_hosts2"}));
  EXPECT_EQ(s.global_known_hosts_files, (V{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}));
  EXPECT_EQ(s.identity_agent, "/run/agent.sock");
  EXPECT_EQ(s.escape_char, std::optional<char>('~'));
  EXPECT_EQ(s.request_tty, RequestTty::kAuto);
  EXPECT_EQ(s.log_level, LogLevel::kInfo);
  EXPECT_FALSE(s.connect_timeout);
  EXPECT_EQ(s.server_alive_interval.count(), 0);
  EXPECT_EQ(s.server_alive_count_max, 3);
  EXPECT_TRUE(s.password_authentication && s.pubkey_authentication && s.kbd_interactive_authentication);
  EXPECT_FALSE(s.batch_mode || s.hash_known_hosts || s.identities_only || s.no_command);
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_EQ(host_key_lookup_name(s), "web.lab");
}

TEST(SshSettings, PrecedenceCommandLineDashOUserSystem) {
  auto user = config(
      "Host web\n  Port 2200\n  User fromuser\n  StrictHostKeyChecking yes\n  ConnectTimeout 5\n"
      "Host *\n  Port 2300\n  BatchMode yes\n");
  auto system = config("Host *\n  Port 2400\n  HashKnownHosts yes\n  User fromsystem\n  ConnectTimeout 9\n",
                       "/etc/ssh/ssh_config");
  auto s = resolve_ok(options({"-o", "StrictHostKeyChecking=accept-new", "web"}), &user, &system);
  EXPECT_EQ(s.port, 2200);                // first obtained value: the user's Host web block
  EXPECT_EQ(s.user, "fromuser");
  EXPECT_EQ(s.strict_host_key_checking, StrictHostKeyChecking::kAcceptNew);  // -o beats config
  EXPECT_EQ(s.connect_timeout, std::chrono::seconds(5));
  EXPECT_TRUE(s.batch_mode);
  EXPECT_TRUE(s.hash_known_hosts);        // only the system config says so
  EXPECT_EQ(s.server_alive_interval.count(), 300);  // BatchMode's keepalive default
  EXPECT_EQ(resolve_ok(options({"-p", "1", "-l", "cli", "web"}), &user, &system).port, 1);
  EXPECT_EQ(resolve_ok(options({"-p", "1", "-l", "cli", "web"}), &user, &system).user, "cli");
  EXPECT_EQ(resolve_ok(options({"at@web"}), &user, &system).user, "at");
  EXPECT_EQ(resolve_ok(options({"other"}), &user, &system).port, 2300);
  EXPECT_EQ(resolve_ok(options({"other"}), nullptr, &system).port, 2400);
}

TEST(SshSettings, HostNameTokensAndLowercase) {
  auto user = config("Host db*\n  HostName %h.Lab.WGNET\nHost alias\n  HostName 10.77.0.1\n  HostKeyAlias ssh.lab\n");
  EXPECT_EQ(resolve_ok(options({"db1"}), &user).host_name, "db1.lab.wgnet");
  auto a = resolve_ok(options({"alias"}), &user);
  EXPECT_EQ(a.host_name, "10.77.0.1");
  EXPECT_EQ(host_key_lookup_name(a), "ssh.lab");
  EXPECT_EQ(host_key_lookup_port(resolve_ok(options({"-p", "2222", "alias"}), &user)), 22);
  EXPECT_EQ(host_key_lookup_port(resolve_ok(options({"-p", "2222", "db1"}), &user)), 2222);
  auto bad = config("Host x\n  HostName %u.lab\n");
  auto r = resolve_settings(options({"x"}), &bad, test_env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/u/.ssh/config line 2: percent_expand: unknown key %u");
}

TEST(SshSettings, IdentityFilesAccumulateWithTokens) {
  auto user = config(
      "Host web\n  IdentityFile ~/.ssh/%h_%r_%p\n  IdentityFile ${KEYDIR}/%u@%L-%l-%n-%%\n"
      "Host *\n  IdentityFile %d/last\n  IdentitiesOnly yes\n");
  auto s = resolve_ok(options({"-i", "/dev/null", "-i", "/nonexistent/key", "-l", "root", "-p", "2222",
                               "-o", "IdentityFile=~/o", "web"}),
                      &user);
  EXPECT_EQ(s.identity_files, (V{"/dev/null", "/u/o", "/u/.ssh/web_root_2222",
                                 "/keys/me@box-box.example-web-%", "/u/last"}));
  EXPECT_FALSE(s.identity_files_default);
  EXPECT_TRUE(s.identities_only);
  // ssh.c drops a -i file it cannot stat, with its warning, and falls back to the defaults.
  EXPECT_EQ(s.warnings, V{"Identity file /nonexistent/key not accessible: No such file or directory."});
  auto only_missing = resolve_ok(options({"-i", "/nonexistent/key", "h"}));
  EXPECT_TRUE(only_missing.identity_files_default);
  EXPECT_EQ(only_missing.identity_files.size(), 3u);
  auto bad = config("IdentityFile ${NOPE}/k\n");
  EXPECT_FALSE(resolve_settings(options({"h"}), &bad, test_env()).ok());
}

TEST(SshSettings, KnownHostsFilesAndAgent) {
  auto user = config(
      "Host a\n  UserKnownHostsFile ~/.ssh/one /tmp/%h_%p\n  GlobalKnownHostsFile none\n  IdentityAgent none\n"
      "Host b\n  UserKnownHostsFile none\n  IdentityAgent $KEYDIR\n"
      "Host c\n  IdentityAgent SSH_AUTH_SOCK\n"
      "Host d\n  IdentityAgent ~/agent\n");
  auto a = resolve_ok(options({"a"}), &user);
  EXPECT_EQ(a.user_known_hosts_files, (V{"/u/.ssh/one", "/tmp/a_22"}));
  EXPECT_TRUE(a.global_known_hosts_files.empty());
  EXPECT_EQ(a.identity_agent, "");
  auto b = resolve_ok(options({"b"}), &user);
  EXPECT_TRUE(b.user_known_hosts_files.empty());
  EXPECT_EQ(b.identity_agent, "/keys");
  EXPECT_EQ(resolve_ok(options({"c"}), &user).identity_agent, "/run/agent.sock");
  EXPECT_EQ(resolve_ok(options({"d"}), &user).identity_agent, "/u/agent");
}

TEST(SshSettings, FlagsBeatDashOAndConfig) {
  auto user = config("RequestTTY no\nLogLevel ERROR\nEscapeChar ^]\nAddressFamily inet\nSessionType none\n");
  auto s = resolve_ok(options({"-t", "-vv", "-e", "%", "-6", "h"}), &user);
  EXPECT_EQ(s.request_tty, RequestTty::kYes);
  EXPECT_EQ(s.log_level, LogLevel::kDebug2);
  EXPECT_EQ(s.escape_char, std::optional<char>('%'));
  EXPECT_EQ(s.family, AddressFamily::kV6);
  EXPECT_TRUE(s.no_command);
  auto c = resolve_ok(options({"h"}), &user);
  EXPECT_EQ(c.request_tty, RequestTty::kNo);
  EXPECT_EQ(c.log_level, LogLevel::kError);
  EXPECT_EQ(c.escape_char, std::optional<char>('\x1d'));
  EXPECT_EQ(c.family, AddressFamily::kV4);
  EXPECT_EQ(resolve_ok(options({"-q", "h"}), &user).log_level, LogLevel::kQuiet);
  EXPECT_EQ(resolve_ok(options({"-o", "LogLevel=DEBUG3", "-v", "h"}), &user).log_level, LogLevel::kDebug1);
}

TEST(SshSettings, CommandsAndRemoteCommand) {
  EXPECT_EQ(resolve_ok(options({"h", "ls", "-l", "a b"})).remote_command, "ls -l a b");
  auto user = config("Host rc\n  RemoteCommand tmux new -A -s \"main x\"\n");
  EXPECT_EQ(resolve_ok(options({"rc"}), &user).remote_command, "tmux new -A -s \"main x\"");
  auto both = resolve_settings(options({"rc", "date"}), &user, test_env());
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "Cannot execute command-line and remote command.");
}

TEST(SshSettings, RemoteCommandNoneIsNoCommandAndKeepsTheConfigOnesAway) {
  // scp passes -oRemoteCommand=none along with its own command ("scp -t DIR", or -s sftp).
  auto user = config("Host rc\n  RemoteCommand tmux\n");
  auto s = resolve_ok(options({"-oRemoteCommand=none", "--", "rc", "scp -t /tmp"}), &user);
  EXPECT_EQ(s.remote_command, "scp -t /tmp");
  EXPECT_EQ(resolve_ok(options({"-o", "RemoteCommand=None", "rc"}), &user).remote_command, "");
  auto file_none = config("Host rc\n  RemoteCommand none\nHost *\n  RemoteCommand date\n");
  EXPECT_EQ(resolve_ok(options({"rc", "ls"}), &file_none).remote_command, "ls");
}

TEST(SshSettings, SubsystemFromDashSOrSessionTypeNeedsItsNameOnTheCommandLine) {
  auto s = resolve_ok(options({"-s", "h", "sftp"}));
  EXPECT_TRUE(s.subsystem);
  EXPECT_EQ(s.remote_command, "sftp");
  auto user = config("SessionType subsystem\n");
  EXPECT_TRUE(resolve_ok(options({"h", "sftp"}), &user).subsystem);
  auto named_by_file = config("SessionType subsystem\nRemoteCommand sftp\n");
  auto missing = resolve_settings(options({"h"}), &named_by_file, test_env());
  ASSERT_FALSE(missing.ok());  // ssh.c: RemoteCommand does not name a subsystem
  EXPECT_EQ(missing.error().message, "You must specify a subsystem to invoke.");
  EXPECT_FALSE(resolve_ok(options({"-N", "h"}), &user).subsystem);  // -N beats the file
}

TEST(SshSettings, ClearAllForwardingsDropsEveryLocalForwardSilently) {
  auto user = config("LocalForward 9000 db:5432\n");
  auto s = resolve_ok(options({"-L", "8000:web:80", "-oClearAllForwardings=yes", "h"}), &user);
  EXPECT_TRUE(s.clear_all_forwardings);
  EXPECT_TRUE(s.local_forwards.empty());
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
  EXPECT_EQ(resolve_ok(options({"-L", "8000:web:80", "h"}), &user).local_forwards.size(), 2u);
}

TEST(SshSettings, ProxyJumpHopsGetTheirOwnHostBlocks) {
  auto user = config(
      "Host inner\n  ProxyJump bastion.lab,ann@b2:2200\n"
      "Host bastion.lab\n  User jumper\n  Port 2022\n  IdentityFile /k/jump\n  ProxyJump loop\n"
      "Host *\n  User me\n  IdentityFile /k/all\n");
  auto s = resolve_ok(options({"-i", "/dev/null", "-o", "BatchMode=yes", "inner"}), &user);
  EXPECT_EQ(s.proxy_jump, "bastion.lab,ann@b2:2200");
  ASSERT_EQ(s.jump_hops.size(), 2u);
  const SshSettings& first = s.jump_hops[0];
  EXPECT_EQ(first.host_name, "bastion.lab");
  EXPECT_EQ(first.user, "jumper");
  EXPECT_EQ(first.port, 2022);
  // The hop's own files, not our -i or -o (ssh runs "ssh -l USER -p PORT -F FILE HOP" for it),
  // and not its own ProxyJump: the list says how it is reached.
  EXPECT_EQ(first.identity_files, (V{"/k/jump", "/k/all"}));
  EXPECT_FALSE(first.batch_mode);
  EXPECT_TRUE(first.proxy_jump.empty());
  EXPECT_EQ(s.jump_hops[1].user, "ann");  // user@ beats the file's User, as -l would
  EXPECT_EQ(s.jump_hops[1].port, 2200);
  EXPECT_EQ(s.identity_files, (V{"/dev/null", "/k/all"}));
  // -J beats the file; ProxyJump=none on the command line turns the file's off (first wins).
  auto dash_j = resolve_ok(options({"-J", "other", "inner"}), &user);
  ASSERT_EQ(dash_j.jump_hops.size(), 1u);
  EXPECT_EQ(dash_j.jump_hops[0].host_name, "other");
  EXPECT_TRUE(resolve_ok(options({"-o", "ProxyJump=none", "inner"}), &user).jump_hops.empty());
  EXPECT_TRUE(resolve_ok(options({"elsewhere"}), &user).jump_hops.empty());
  auto bad = config("ProxyJump a:b\n");
  auto r = resolve_settings(options({"h"}), &bad, test_env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/u/.ssh/config line 1: Invalid ProxyJump \"a:b\"");
}

TEST(SshSettings, ForwardsEnvAndAlgorithms) {
  auto user = config(
      "Host h\n  LocalForward 9000 db:5432\n  LocalForward [::1]:9001 [fd00::2]:22\n"
      "  SendEnv LANG LC_* X\n  SendEnv -X\n  SetEnv A=1 B=\"two words\"\n  SetEnv A=ignored\n"
      "  Ciphers aes256-gcm@openssh.com\n  KexAlgorithms +diffie-hellman-group14-sha1\n"
      "  ExitOnForwardFailure yes\n");
  auto s = resolve_ok(options({"-L", "8000:web:80", "-c", "wg.conf", "-o", "MACs=hmac-sha2-256", "h"}), &user);
  ASSERT_EQ(s.local_forwards.size(), 3u);
  EXPECT_EQ(s.local_forwards[0].listen_port, 8000);
  EXPECT_EQ(s.local_forwards[1].connect_host, "db");
  EXPECT_EQ(s.local_forwards[2].bind_address, "::1");
  EXPECT_EQ(s.local_forwards[2].connect_host, "fd00::2");
  EXPECT_TRUE(s.exit_on_forward_failure);
  EXPECT_EQ(s.send_env, (V{"LANG", "LC_*"}));
  ASSERT_EQ(s.set_env.size(), 2u);
  EXPECT_EQ(s.set_env[0].name, "A");
  EXPECT_EQ(s.set_env[0].value, "1");
  EXPECT_EQ(s.set_env[1].value, "two words");
  EXPECT_EQ(s.ciphers, "aes256-gcm@openssh.com");
  EXPECT_EQ(s.kex_algorithms, "+diffie-hellman-group14-sha1");
  EXPECT_EQ(s.macs, "hmac-sha2-256");
  auto sent = env_to_send(s, test_env());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].name, "LANG");
  EXPECT_EQ(sent[1].name, "LC_ALL");
}

TEST(SshSettings, WarningsOncePerIgnoredKeyNotForTheSystemOrOff) {
  auto user = config(
      "ForwardAgent yes\nHost h\n  ForwardAgent yes\n  ClearAllForwardings yes\n  ForwardX11 no\n"
      "  RSAAuthentication yes\n  Protocol 2\n");
  auto system = config("Host *\n  GSSAPIAuthentication yes\n", "/etc/ssh/ssh_config");
  auto s = resolve_ok(options({"-C", "-o", "Compression=yes", "h"}), &user, &system);
  EXPECT_EQ(s.warnings, (V{"compression (-C) is not supported by wg-ssh; ignored",
                           "Compression is not supported by wg-ssh; ignored",
                           "ForwardAgent is not supported by wg-ssh; ignored",
                           "/u/.ssh/config line 6: Unsupported option \"rsaauthentication\""}));
}

TEST(SshSettings, MatchWarningsReachTheSettings) {
  auto user = config("Match exec \"true\"\n  Port 1\n");
  auto s = resolve_ok(options({"h"}), &user);
  EXPECT_EQ(s.port, 22);
  EXPECT_EQ(s.warnings, V{"/u/.ssh/config line 1: Match exec is not supported by wg-ssh; block ignored"});
}

TEST(SshSettings, TokenExpansion) {
  TokenValues v;
  v.home = "/h";
  v.host_name = "web.lab";
  v.original_host = "web";
  v.remote_user = "bob";
  v.local_user = "me";
  v.local_host = "box.example.org";
  v.port = 2222;
  EXPECT_EQ(*expand_tokens("~/.ssh/%h-%n-%r-%u-%p-%l-%L-%k-%%-%d", v),
            "/h/.ssh/web.lab-web-bob-me-2222-box.example.org-box-web-%-/h");
  EXPECT_EQ(*expand_tokens("~", v), "/h");
  EXPECT_EQ(*expand_tokens("a~b", v), "a~b");
  EXPECT_FALSE(expand_tokens("%C", v).ok());
  EXPECT_FALSE(expand_tokens("trailing%", v).ok());
  EXPECT_FALSE(expand_tokens("${UNSET}", v).ok());
}

TEST(SshSettings, LoadAndResolveUsesTheFiles) {
  TempDir d;
  ::mkdir(d.file(".ssh").c_str(), 0700);
  write_file(d.file(".ssh/config"), "Host web\n  Port 2201\n");
  write_file(d.file("system"), "Host *\n  Port 2202\n  User sys\n");
  SshEnvironment env = test_env();
  env.home = d.path();
  env.system_config_path = d.file("system");
  auto s = load_and_resolve_settings(options({"web"}), env);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->port, 2201);
  EXPECT_EQ(s->user, "sys");
  // -F replaces both files; -F none reads none.
  write_file(d.file("alt"), "Port 2203\n");
  EXPECT_EQ(load_and_resolve_settings(options({"-F", d.file("alt").c_str(), "web"}), env)->port, 2203);
  EXPECT_EQ(load_and_resolve_settings(options({"-F", d.file("alt").c_str(), "web"}), env)->user, "me");
  EXPECT_EQ(load_and_resolve_settings(options({"-F", "none", "web"}), env)->port, 22);
  auto missing = load_and_resolve_settings(options({"-F", "/nonexistent/cfg", "web"}), env);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Can't open user config file /nonexistent/cfg: No such file or directory");
  // A user config others may write is refused, as ssh does.
  ::chmod(d.file(".ssh/config").c_str(), 0666);
  auto loose = load_and_resolve_settings(options({"web"}), env);
  ASSERT_FALSE(loose.ok());
  EXPECT_EQ(loose.error().message, "Bad owner or permissions on " + d.file(".ssh/config"));
}

// --- The real ssh as the oracle ------------------------------------------------------------

// `ssh -G` output (ours or OpenSSH's) as key -> values in order. OpenSSH prints identity files
// as written ("~/.ssh/id_rsa", wg-ssh expanded) and lists default files for key types libssh2
// cannot use (id_*_sk, id_xmss, id_dsa), which are left out.
std::multimap<std::string, std::string> parse_dash_g(const std::string& out, const std::string& home) {
  std::multimap<std::string, std::string> m;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    std::string key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "identityfile") {
      if (value.rfind("~/", 0) == 0) value = home + value.substr(1);
      if (value.ends_with("_sk") || value.ends_with("id_xmss") || value.ends_with("id_dsa")) continue;
    }
    m.emplace(key, value);
  }
  return m;
}

TEST(SshSettingsOracle, SameAsSshDashG) {
  if (!testing::have_program("ssh")) GTEST_SKIP() << "ssh (openssh-client) not installed";
  const passwd* pw = ::getpwuid(::getuid());
  ASSERT_NE(pw, nullptr);
  SshEnvironment env = SshEnvironment::from_process();
  env.home = pw->pw_dir;  // ssh expands ~ from the passwd entry
  env.auth_sock.clear();
  TempDir d;
  std::string cfg = d.file("config");
  struct Case {
    std::string config;
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      {"", {"web"}},
      {"Host web\n  Port 2200\n  User alice\nHost *\n  Port 2300\n  User bob\n", {"web"}},
      {"Host web\n  Port 2200\n", {"-p", "2400", "-l", "carol", "web"}},
      {"Host web\n  Port 2200\n", {"-o", "Port=2500", "-p", "2400", "web"}},
      {"Host web\n  User alice\n", {"dave@web"}},
      {"Host *.lab !db.lab\n  HostName %h.example\n  StrictHostKeyChecking accept-new\n",
       {"web.lab"}},
      {"Host *.lab !db.lab\n  HostName %h.example\n  StrictHostKeyChecking accept-new\n",
       {"db.lab"}},
      {"Host WEB\n  Port 1111\n", {"web"}},
      {"Host W*\n  Port 1111\n", {"WEB"}},
      {"Match all\n  BatchMode yes\n  ConnectTimeout 1m30s\n", {"h"}},
      {"IdentityFile /k/one\nHost h\n  IdentityFile /k/two\n  IdentitiesOnly yes\n",
       {"-i", "/k/cli", "h"}},
      {"UserKnownHostsFile ~/.ssh/kh_%h_%p /tmp/x\nGlobalKnownHostsFile none\n",
       {"-p", "2222", "h"}},
      {"RequestTTY force\nLogLevel VERBOSE\nEscapeChar ^]\n", {"h"}},
      {"RequestTTY force\nLogLevel VERBOSE\nEscapeChar ^]\n", {"-T", "-vv", "-e", "none", "h"}},
      {"LocalForward 9000 db:5432\n", {"-L", "127.0.0.1:8000:[fd00::1]:80", "h"}},
      {"SendEnv LANG LC_*\nSendEnv -LC_*\nSetEnv A=1 B=2\nSetEnv A=3\n", {"h"}},
      {"ServerAliveInterval 10\nServerAliveCountMax 7\nPasswordAuthentication no\n"
       "KbdInteractiveAuthentication no\nPubkeyAuthentication no\nHashKnownHosts yes\n",
       {"h"}},
      {"AddressFamily inet6\nSessionType none\nExitOnForwardFailure yes\nNumberOfPasswordPrompts "
       "1\n",
       {"h"}},
      {"Host h\n  HostKeyAlias alias.lab\n  RemoteCommand echo hi\n", {"h"}},
      {"", {"-4", "-N", "-q", "-o", "StrictHostKeyChecking=no", "h"}},
      // What scp, sftp, rsync and git pass (their argv, recorded with a fake ssh).
      {"Host h\n  RemoteCommand echo hi\n  LocalForward 9000 db:5432\n",
       {"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes", "-oRemoteCommand=none",
        "-oRequestTTY=no", "-oForwardAgent=no", "-l", "u", "-s", "--", "h", "sftp"}},
      {"Host h\n  RemoteCommand echo hi\n",
       {"-x", "-oRemoteCommand=none", "-oRequestTTY=no", "--", "h", "scp -t /tmp"}},
      {"",
       {"-oForwardX11 no", "-oClearAllForwardings yes", "-obatchmode yes", "-oPort 2222", "-s",
        "--", "h", "sftp"}},
      {"", {"-o", "SendEnv=GIT_PROTOCOL", "-p", "2222", "root@h"}},
      {"Host h\n  ProxyJump bastion\n", {"-o", "ProxyJump=none", "h"}},
      {"Host h\n  ProxyJump a@b:1,c\n", {"h"}},
      {"", {"-J", "ssh://u@j:2,[fd00::1]:3", "h"}},
      {"SessionType subsystem\n", {"h", "sftp"}},
      {"EscapeChar ^A\nLogLevel DEBUG1\nIdentityAgent /run/a.sock\n", {"-4", "h"}},
  };
  for (const auto& c : cases) {
    write_file(cfg, c.config);
    std::vector<const char*> argv{"wg-ssh", "-F", cfg.c_str()};
    for (const auto& a : c.args) argv.push_back(a.c_str());
    auto parsed = parse_ssh_command_line(static_cast<int>(argv.size()), argv.data());
    ASSERT_TRUE(parsed.ok() && parsed->options) << c.config;
    auto ours = load_and_resolve_settings(*parsed->options, env);
    ASSERT_TRUE(ours.ok()) << ours.error().message;

    std::vector<std::string> real_argv{"ssh", "-G", "-F", cfg};
    real_argv.insert(real_argv.end(), c.args.begin(), c.args.end());
    auto real = testing::run_command(real_argv);
    ASSERT_EQ(real.status, 0) << real.out;
    auto expected = parse_dash_g(real.out, env.home);
    auto got = parse_dash_g(format_settings_as_ssh_g(*ours, *parsed->options), env.home);
    for (const char* key : {"host", "user", "hostname", "port", "identityfile", "sessiontype"}) {
      EXPECT_EQ(got.count(key), expected.count(key)) << key;  // what git and scripts read
    }
    for (auto it = got.begin(); it != got.end(); it = got.upper_bound(it->first)) {
      auto [a, b] = got.equal_range(it->first);
      auto [x, y] = expected.equal_range(it->first);
      V mine, theirs;
      for (; a != b; ++a) mine.push_back(a->second);
      for (; x != y; ++x) theirs.push_back(x->second);
      EXPECT_EQ(mine, theirs) << "key " << it->first << " for config:\n" << c.config << "args: "
                              << ::testing::PrintToString(c.args);
    }
  }
}

}  // namespace
}  // namespace wgnet::ssh
