// The agent end-to-end fixture: a peer tunnel in a forked child (agent_peer.hpp), the real
// wgnet-agent binary started by Tunnel::attach in a private XDG_RUNTIME_DIR, the test process
// as its client. TearDown stops the agent and the peer (by PID).
#pragma once

#include <fcntl.h>
#include <sys/file.h>

#include <optional>

#include "agent/identity.hpp"
#include "agent_peer.hpp"
#include "agent_test_support.hpp"
#include "wgnet/agent.hpp"

namespace agent_test {

using namespace std::chrono_literals;

class AgentEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    xdg_.emplace("XDG_RUNTIME_DIR", tmp_.path() + "/run");
    configs_ = self_tunnel::make_configs(self_tunnel::free_udp_port());
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    peer_ = fork();
    ASSERT_GE(peer_, 0);
    if (peer_ == 0) {
      ::close(ready[0]);
      run_peer(configs_.server, 120, ready[1]);
    }
    ::close(ready[1]);
    pollfd p{ready[0], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1) << "the peer did not start";
    ::close(ready[0]);
    config_path_ = tmp_.write("client.conf", configs_.client);
    auto config = wgnet::load_config(config_path_);
    ASSERT_TRUE(config) << config.error().message;
    config_ = *config;
  }
  void TearDown() override {
    // A test may have opened the directory up (SO_PEERCRED); the check would refuse it.
    ::chmod((tmp_.path() + "/run/wgnet").c_str(), 0700);
    (void)wgnet::stop_agent(config_);
    if (peer_ > 0) {
      kill(peer_, SIGKILL);
      waitpid(peer_, nullptr, 0);
    }
  }

  // Agents started here exit on their own 20 s after their last client, should a test fail to
  // stop one.
  wgnet::AttachOptions options(std::chrono::seconds idle = 20s) const {
    wgnet::AttachOptions o;
    o.config_path = config_path_;
    o.agent_program = WGNET_AGENT_BINARY;
    o.idle_timeout = idle;
    return o;
  }
  std::unique_ptr<wgnet::Tunnel> attach(wgnet::AttachInfo* info = nullptr,
                                        std::chrono::seconds idle = 20s) {
    auto t = wgnet::Tunnel::attach(config_, options(idle), info);
    EXPECT_TRUE(t) << t.error().message;
    return t ? std::move(*t) : nullptr;
  }
  wgnet::agent::AgentPaths paths() const {
    return wgnet::agent::agent_paths(tmp_.path() + "/run/wgnet", config_);
  }
  // Whether an agent holds the identity's lock (alive; a zombie no longer holds it).
  bool agent_running() const {
    wgnet::Fd fd(::open(paths().lock.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0;
  }
  bool wait_agent_gone(std::chrono::milliseconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (agent_running()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  TempDir tmp_;
  std::optional<ScopedEnv> xdg_;
  self_tunnel::Pair configs_;
  std::string config_path_;
  wgnet::Config config_;
  pid_t peer_ = -1;
};

// Writes `text` and reads as much back (the echo service).
inline std::string echo_through(int fd, const std::string& text) {
  if (!self_tunnel::write_all(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size()))
    return "(write failed)";
  std::string got;
  char buf[4096];
  while (got.size() < text.size()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) break;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

}  // namespace agent_test
