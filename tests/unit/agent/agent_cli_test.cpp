// The wgnet-agent program's commands and exit statuses: 0 ok, 1 not running / failed, 2 usage,
// 3 config error. No peer is needed: an agent opens its tunnel without waiting for one.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "agent_test_support.hpp"
#include "io/self_tunnel.hpp"

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

}  // namespace
}  // namespace agent_test
