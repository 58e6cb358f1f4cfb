// The wgnet-agent program's commands and exit statuses: 0 ok, 1 not running / failed, 2 usage,
// 3 config error. No peer is needed: an agent opens its tunnel without waiting for one.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "agent_test_support.hpp"
#include "io/self_tunnel.hpp"
#include "shell_test_support.hpp"

namespace agent_test {
namespace {

struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

class AgentCli : public ::testing::Test {
 protected:
  CliRun run(const std::string& args) {
    std::string cmd =
        "XDG_RUNTIME_DIR=" + tmp_.path() + "/run " WGNET_AGENT_BINARY " " + args + " 2>&1";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 512> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
  }
  void TearDown() override { (void)run("stop -c " + conf_); }
  TempDir tmp_;
  std::string conf_ =
      tmp_.write("wg.conf", self_tunnel::make_configs(self_tunnel::free_udp_port()).client);
};

TEST_F(AgentCli, StatusWithoutAnAgentExitsOne) {
  auto r = run("status -c " + conf_);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("no wgnet agent runs for " + conf_), std::string::npos) << r.output;
}

TEST_F(AgentCli, StartStatusStopRoundTrip) {
  auto start = run("start -c " + conf_ + " --idle-timeout 20");
  ASSERT_EQ(start.status, 0) << start.output;
  auto socket = run("socket -c " + conf_);
  ASSERT_EQ(socket.status, 0);
  EXPECT_EQ(start.output, socket.output);
  EXPECT_NE(socket.output.find(tmp_.path() + "/run/wgnet/"), std::string::npos);
  auto status = run("status -c " + conf_);
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_NE(status.output.find("config " + conf_), std::string::npos) << status.output;
  auto stop = run("stop -c " + conf_);
  EXPECT_EQ(stop.status, 0) << stop.output;
  EXPECT_EQ(run("status -c " + conf_).status, 1);
}

TEST_F(AgentCli, MissingConfigFileExitsThree) {
  auto r = run("status -c " + tmp_.path() + "/absent.conf");
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("absent.conf"), std::string::npos) << r.output;
}

TEST_F(AgentCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").status, 2);
  EXPECT_EQ(run("frobnicate -c " + conf_).status, 2);
  EXPECT_EQ(run("run -c " + conf_ + " --idle-timeout -5").status, 2);
  auto no_config = run("status");
  EXPECT_EQ(no_config.status, 2);
  EXPECT_NE(no_config.output.find("WGNET_CONFIG"), std::string::npos) << no_config.output;
}

TEST_F(AgentCli, HelpAndVersionExitZero) {
  auto help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("status"), std::string::npos);
  auto version = run("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output.rfind("wgnet-agent ", 0), 0u) << version.output;
}

// `forward`'s usage errors come before any tunnel: exit 2 and one line naming what is wrong.
TEST_F(AgentCli, ForwardWithNothingToForwardIsAUsageError) {
  auto r = run("forward -c " + conf_);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("nothing to forward: give -L, -R or -D"), std::string::npos) << r.output;
}

TEST_F(AgentCli, ForwardNamesABadSpec) {
  auto r = run("forward -c " + conf_ + " -L 8080:host");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("-L '8080:host': expected [bind_address:]port:host:hostport"),
            std::string::npos)
      << r.output;
}

TEST_F(AgentCli, SocksOnTcpNeedsAPassword) {
  auto r = run("forward -c " + conf_ + " -D 0");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("-D 0: a SOCKS port on TCP needs --socks-auth FILE"), std::string::npos)
      << r.output;
  std::string auth = tmp_.write("auth", "no colon here\n");
  r = run("forward -c " + conf_ + " -D 0 --socks-auth " + auth);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--socks-auth " + auth + ":1: expected user:password"), std::string::npos)
      << r.output;
}

TEST_F(AgentCli, AForwardThatCannotBindIsNamedAndExitsOne) {
  // A port this test holds: the forward cannot bind it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof sin;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  std::string port = std::to_string(ntohs(sin.sin_port));
  // -R needs no handshake, so this runs without a peer; the -L after it is what fails.
  auto r = run("forward --no-share -c " + conf_ + " -R 0:localhost:1 -L 127.0.0.1:" + port +
               ":10.0.0.1:80");
  ::close(fd);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("-L 127.0.0.1:" + port + ": "), std::string::npos) << r.output;
}

// Every option `wgnet-agent forward --help` lists is in the man page and the three completions.
TEST(AgentCompletions, ForwardOptionsAreDocumentedAndCompleted) {
  std::string help = wgnet::test::run_shell(WGNET_AGENT_BINARY " forward --help 2>&1");
  std::string root = wgnet::test::repo_root().string();
  std::string man = wgnet::test::read_file(root + "/man/wgnet-agent.1");
  std::string bash = wgnet::test::read_file(root + "/completions/wgnet-agent.bash");
  std::string fish = wgnet::test::read_file(root + "/completions/wgnet-agent.fish");
  std::string zsh = wgnet::test::read_file(root + "/completions/_wgnet-agent");
  for (const char* option : {"-L", "-R", "-D", "--socks", "--socks-auth", "--no-share"}) {
    ASSERT_NE(help.find(option), std::string::npos) << option << "\n" << help;
    std::string man_form;  // man(7) escapes the dashes
    for (char c : std::string(option))
      man_form += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(man.find(man_form), std::string::npos) << option;
    EXPECT_NE(bash.find(std::string(" ") + option), std::string::npos) << option;
    std::string bare = std::string(option).substr(option[1] == '-' ? 2 : 1);
    EXPECT_NE(fish.find((option[1] == '-' ? "-l " : "-s ") + bare), std::string::npos) << option;
    EXPECT_NE(zsh.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace agent_test
