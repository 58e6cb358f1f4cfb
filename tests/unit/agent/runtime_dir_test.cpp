// The agent's private directory and per-identity names: created 0700, refused (with the fix in
// the message) when open to others, owned by someone else or a symlink.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/identity.hpp"
#include "agent_test_support.hpp"
#include "wgnet/agent.hpp"

namespace {

using agent_test::ScopedEnv;
using agent_test::TempDir;

wgnet::Config config_with(const wgnet::Key32& key) {
  std::string text = "[Interface]\nPrivateKey = " + wgnet::key_to_base64(key) +
                     "\nAddress = 10.98.0.2/32\n[Peer]\nPublicKey = " +
                     wgnet::key_to_base64(wgnet::public_key_of(wgnet::generate_private_key())) +
                     "\nAllowedIPs = 10.98.0.0/24\n";
  auto c = wgnet::parse_config(text, "t.conf");
  EXPECT_TRUE(c) << c.error().message;
  return *c;
}

TEST(AgentRuntimeDir, CreatesXdgWgnetWithMode0700) {
  TempDir tmp;
  ScopedEnv xdg("XDG_RUNTIME_DIR", tmp.path() + "/run/user");
  auto dir = wgnet::agent_runtime_dir();
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(*dir, tmp.path() + "/run/user/wgnet");
  struct stat st {};
  ASSERT_EQ(::stat(dir->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(AgentRuntimeDir, FallsBackToHomeCacheWithoutXdg) {
  TempDir tmp;
  ScopedEnv xdg("XDG_RUNTIME_DIR", "");
  ScopedEnv home("HOME", tmp.path());
  auto dir = wgnet::agent_runtime_dir();
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(*dir, tmp.path() + "/.cache/wgnet");
}

TEST(AgentRuntimeDir, Mode0777IsRefusedNamingDirModeAndFix) {
  TempDir tmp;
  std::string dir = tmp.path() + "/wgnet";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0777), 0);
  ScopedEnv xdg("XDG_RUNTIME_DIR", tmp.path());
  auto got = wgnet::agent_runtime_dir();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, wgnet::ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find(dir), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("0777"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("chmod 700"), std::string::npos) << got.error().message;
}

TEST(AgentRuntimeDir, SymlinkIsRefused) {
  TempDir tmp;
  std::string real = tmp.path() + "/elsewhere";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), (tmp.path() + "/wgnet").c_str()), 0);
  ScopedEnv xdg("XDG_RUNTIME_DIR", tmp.path());
  auto got = wgnet::agent_runtime_dir();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("symbolic link"), std::string::npos) << got.error().message;
}

TEST(AgentRuntimeDir, OtherOwnerIsRefusedNamingTheUid) {
  if (::getuid() != 0) GTEST_SKIP() << "needs root to chown the directory";
  TempDir tmp;
  std::string dir = tmp.path() + "/wgnet";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(::chown(dir.c_str(), 65534, 65534), 0);
  ScopedEnv xdg("XDG_RUNTIME_DIR", tmp.path());
  auto got = wgnet::agent_runtime_dir();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, wgnet::ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find("owned by uid 65534"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find(dir), std::string::npos);
}

TEST(AgentIdentity, SocketFollowsThePublicKeyOnly) {
  auto key = wgnet::generate_private_key();
  auto a = config_with(key);
  auto b = config_with(key);  // another peer, same identity
  auto c = config_with(wgnet::generate_private_key());
  EXPECT_EQ(wgnet::agent_socket_path("/d", a), wgnet::agent_socket_path("/d", b));
  EXPECT_NE(wgnet::agent_socket_path("/d", a), wgnet::agent_socket_path("/d", c));
  auto paths = wgnet::agent::agent_paths("/d", a);
  EXPECT_EQ(paths.id.size(), 24u);  // 12 bytes in hex
  EXPECT_EQ(paths.socket, "/d/" + paths.id + ".sock");
  EXPECT_EQ(paths.lock, "/d/" + paths.id + ".lock");
}

TEST(AgentIdentity, FingerprintIgnoresFormattingButNotContent) {
  auto key = wgnet::generate_private_key();
  auto peer = wgnet::key_to_base64(wgnet::public_key_of(wgnet::generate_private_key()));
  std::string base = "[Interface]\nPrivateKey = " + wgnet::key_to_base64(key) +
                     "\nAddress = 10.98.0.2/32\n[Peer]\nPublicKey = " + peer +
                     "\nAllowedIPs = 10.98.0.0/24\n";
  auto one = wgnet::parse_config(base, "a.conf");
  auto same = wgnet::parse_config("# a comment\n" + base, "b.conf");
  auto more = wgnet::parse_config(base + "PersistentKeepalive = 25\n", "a.conf");
  ASSERT_TRUE(one && same && more);
  EXPECT_EQ(wgnet::config_fingerprint(*one), wgnet::config_fingerprint(*same));
  EXPECT_NE(wgnet::config_fingerprint(*one), wgnet::config_fingerprint(*more));
}

}  // namespace
