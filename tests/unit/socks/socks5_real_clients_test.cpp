// Real SOCKS clients through serve_socks5 on the loopback tunnel double: Debian's curl (TCP proxy
// and Unix-socket proxy, with and without a password) fetching from an HTTP server on 127.0.0.1,
// and a hand-written Python UDP ASSOCIATE client to a UDP echo. A missing tool skips its test.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "curl/transfer_test_server.hpp"
#include "shell_test_support.hpp"
#include "socks/socks_test_support.hpp"

namespace {

using wgnet::test::HttpRequest;
using wgnet::test::HttpResponse;

bool have(const std::string& tool) {
  int status = 0;
  wgnet::test::run_shell("command -v " + tool + " >/dev/null 2>&1", &status);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct ClientRun {
  std::string out;
  int exit_code = -1;
};

// Bounded: `timeout` kills the client after 20 s, so a hung session fails the test.
ClientRun run_client(const std::string& command) {
  int status = 0;
  ClientRun r;
  r.out = wgnet::test::run_shell("timeout 20 " + command + " 2>&1", &status);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

// A body big enough to need many relay buffers, distinct per byte position.
std::string big_body() {
  std::string body(3 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i)
    body[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return body;
}

HttpResponse answer(const HttpRequest& request) {
  HttpResponse r;
  r.close = true;
  r.body = request.target == "/big" ? big_body() : "hello through " + request.target + "\n";
  return r;
}

// A fresh directory for a Unix socket: sun_path is short, so under /tmp.
class SocketDir {
 public:
  SocketDir() : path_("/tmp/wgnet-socks-test-" + std::to_string(::getpid())) {
    std::filesystem::create_directories(path_);
  }
  ~SocketDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class Socks5RealClients : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("curl")) GTEST_SKIP() << "curl is not installed";
  }
  std::string url(const std::string& host, const std::string& path) const {
    return "http://" + host + ":" + std::to_string(http_.port()) + path;
  }

  wgnet::test::SocksTestTunnel tunnel_;
  wgnet::test::TestHttpServer http_{answer};
};

TEST_F(Socks5RealClients, CurlSocks5HostnameOverTcpFetchesANameOnlyTheTunnelKnows) {
  wgnet::test::SocksServer socks(tunnel_, {});
  ClientRun r = run_client("curl -sS --max-time 10 --socks5-hostname 127.0.0.1:" +
                           std::to_string(socks.port()) + " " + url("tunnel-only.test", "/page"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "hello through /page\n");
  // curl passed the name on (ATYP 3); the tunnel, not the system resolver, turned it into
  // 127.0.0.1.
  EXPECT_EQ(tunnel_.last_dial_host(), "tunnel-only.test");
}

TEST_F(Socks5RealClients, CurlOverTcpDownloadsThreeMegabytesIntact) {
  wgnet::test::SocksServer socks(tunnel_, {});
  ClientRun r = run_client("curl -sS --max-time 10 --socks5-hostname 127.0.0.1:" +
                           std::to_string(socks.port()) + " " + url("localhost", "/big"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == big_body()) << "got " << r.out.size() << " bytes";
}

TEST_F(Socks5RealClients, CurlThroughAUnixSocketProxy) {
  SocketDir dir;
  wgnet::test::SocksServer socks(tunnel_, {}, dir.file("socks.sock"));
  ClientRun r = run_client("curl -sS --max-time 10 -x socks5h://localhost" + socks.path() + " " +
                           url("tunnel-only.test", "/unix"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "hello through /unix\n");
}

TEST_F(Socks5RealClients, CurlWithTheRightPasswordFetches) {
  wgnet::Socks5Options options;
  options.credentials = wgnet::Socks5Credentials{"alice", "s3cret"};
  wgnet::test::SocksServer socks(tunnel_, options);
  ClientRun r = run_client("curl -sS --max-time 10 -x socks5h://alice:s3cret@127.0.0.1:" +
                           std::to_string(socks.port()) + " " + url("localhost", "/auth"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "hello through /auth\n");
}

TEST_F(Socks5RealClients, CurlWithAWrongPasswordIsRefusedWithExit97) {
  wgnet::Socks5Options options;
  options.credentials = wgnet::Socks5Credentials{"alice", "s3cret"};
  wgnet::test::SocksServer socks(tunnel_, options);
  ClientRun r = run_client("curl -sS --max-time 10 -x socks5h://alice:guess@127.0.0.1:" +
                           std::to_string(socks.port()) + " " + url("localhost", "/auth"));
  EXPECT_EQ(r.exit_code, 97) << r.out;  // CURLE_PROXY: the proxy refused
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(Socks5RealClients, CurlWithoutAPasswordIsRefusedWhenOneIsRequired) {
  wgnet::Socks5Options options;
  options.credentials = wgnet::Socks5Credentials{"alice", "s3cret"};
  wgnet::test::SocksServer socks(tunnel_, options);
  ClientRun r = run_client("curl -sS --max-time 10 --socks5-hostname 127.0.0.1:" +
                           std::to_string(socks.port()) + " " + url("localhost", "/open"));
  EXPECT_EQ(r.exit_code, 97) << r.out;
  EXPECT_TRUE(http_.requests().empty());
}

TEST(Socks5RealUdpClient, PythonUdpAssociateRoundTripToAnEcho) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  wgnet::test::SocksTestTunnel tunnel;
  wgnet::test::SocksServer socks(tunnel, {});
  wgnet::test::UdpEcho echo;
  ClientRun r = run_client(std::string("python3 ") + WGNET_SOCKS_UDP_CLIENT + " " +
                           std::to_string(socks.port()) + " localhost " +
                           std::to_string(echo.port()) + " 'hello through the tunnel'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "127.0.0.1:" + std::to_string(echo.port()) + " hello through the tunnel\n");
}

}  // namespace
