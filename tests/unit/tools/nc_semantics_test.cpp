// TESTPLAN I10 nc_semantics: stdin EOF, remote close, timeouts, UDP mode, listen, scan, -n —
// wg-nc's logic driven over the loopback double with pipes for stdin and stdout.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "tools/nc_harness.hpp"

namespace wgnet::test {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

bool has_line(const std::vector<std::string>& lines, const std::string& want) {
  return std::find(lines.begin(), lines.end(), want) != lines.end();
}

bool has_line_containing(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

TEST(NcSemantics, StdinEofWithoutNKeepsConnectionOpenAndReadsRemote) {
  TcpServer server;
  NcRun nc(client_options(server.port()));
  nc.start();
  nc.write_stdin("hello");
  nc.close_stdin();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  EXPECT_EQ(read_bytes(peer.get(), 5, 2s), "hello");
  // Without -N our stdin EOF is not forwarded: the remote sees neither data nor EOF.
  EXPECT_TRUE(stays_quiet(peer.get(), 300ms));
  write_all(peer.get(), "late reply");
  peer.reset();
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 2s), "late reply");
  EXPECT_EQ(nc.wait(2s), 0);
}

TEST(NcSemantics, HalfCloseForwardsEofAndOutputStillArrives) {
  TcpServer server;
  auto options = client_options(server.port());
  options.half_close = true;
  NcRun nc(options);
  nc.start();
  nc.write_stdin("request");
  nc.close_stdin();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  // read_until_eof returns only on EOF (or the limit): the half-close arrived.
  auto start = Clock::now();
  EXPECT_EQ(read_until_eof(peer.get(), 2s), "request");
  EXPECT_LT(Clock::now() - start, 1500ms);
  write_all(peer.get(), "response");
  peer.reset();
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 2s), "response");
  EXPECT_EQ(nc.wait(2s), 0);
}

TEST(NcSemantics, RemoteCloseEndsSessionWithZeroWhileStdinStaysOpen) {
  TcpServer server;
  NcRun nc(client_options(server.port()));
  nc.start();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  write_all(peer.get(), "bye");
  peer.reset();
  EXPECT_EQ(nc.wait(2s), 0);  // stdin never closed
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "bye");
}

TEST(NcSemantics, ConnectionResetExitsOne) {
  TcpServer server;
  NcRun nc(client_options(server.port()));
  nc.start();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  nc.write_stdin("x");  // once it arrives, nc is past its connect and relaying
  EXPECT_EQ(read_bytes(peer.get(), 1, 2s), "x");
  linger abort_on_close{1, 0};  // close() sends RST
  ASSERT_EQ(::setsockopt(peer.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close),
            0);
  peer.reset();
  EXPECT_EQ(nc.wait(2s), 1);
  auto lines = nc.lines();
  EXPECT_TRUE(
      has_line_containing(lines, "wg-nc: error: read from the connection: Connection reset"))
      << (lines.empty() ? "(no lines)" : lines.back());
}

TEST(NcSemantics, BinaryDataBothWaysWithHalfClose) {
  std::string data;
  for (int i = 0; i < 300 * 1024; ++i) data.push_back(static_cast<char>((i * 7 + i / 256) & 0xff));
  TcpServer server;
  auto options = client_options(server.port());
  options.half_close = true;
  NcRun nc(options);
  nc.start();
  std::thread feeder([&] {
    nc.write_stdin(data);
    nc.close_stdin();
  });
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  std::string got = read_until_eof(peer.get(), 5s);
  feeder.join();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  std::thread echo([&] {
    write_all(peer.get(), got);
    peer.reset();
  });
  std::string back = read_until_eof(nc.stdout_fd(), 5s);
  echo.join();
  EXPECT_TRUE(back == data) << back.size() << " bytes back";
  EXPECT_EQ(nc.wait(2s), 0);
}

// -q follows Debian's nc (1.219, observed): -q implies -N, and its clock starts when the remote
// closes, not at stdin's EOF; -q 0 is therefore the request/response idiom.
// wg-nc -q QUIT connected to a local server; `peer` is the server's end of the connection.
class QuitClient {
  TcpServer server_;  // first: nc connects to it

 public:
  explicit QuitClient(std::chrono::milliseconds quit) : nc(options(server_.port(), quit)) {
    nc.start();
    peer = server_.accept(2s);
  }
  NcRun nc;
  Fd peer;

 private:
  static nc::NcOptions options(uint16_t port, std::chrono::milliseconds quit) {
    auto o = client_options(port);
    o.quit_after_eof = quit;
    return o;
  }
};

TEST(NcSemantics, QuitZeroHalfClosesAndShowsTheReplyBeforeTheRemoteCloses) {
  QuitClient c(0ms);
  ASSERT_TRUE(c.peer);
  c.nc.write_stdin("hi");
  c.nc.close_stdin();
  EXPECT_EQ(read_until_eof(c.peer.get(), 2s), "hi");  // returns only at EOF: -q 0 half-closed
  std::this_thread::sleep_for(300ms);                 // a server that takes its time to answer
  write_all(c.peer.get(), "reply");
  c.peer.reset();
  EXPECT_EQ(read_until_eof(c.nc.stdout_fd(), 2s), "reply");
  EXPECT_EQ(c.nc.wait(2s), 0);
}

TEST(NcSemantics, QuitZeroKeepsRunningWhileTheRemoteNeverCloses) {
  QuitClient c(0ms);
  ASSERT_TRUE(c.peer);
  c.nc.close_stdin();
  write_all(c.peer.get(), "r");
  EXPECT_EQ(read_bytes(c.nc.stdout_fd(), 1, 2s), "r");
  EXPECT_EQ(c.nc.wait(700ms), -1) << "-q 0 ended although the remote never closed";
  c.peer.reset();
  EXPECT_EQ(c.nc.wait(2s), 0);
}

TEST(NcSemantics, QuitSecondsCountFromTheRemoteCloseNotFromStdinEof) {
  QuitClient c(600ms);
  ASSERT_TRUE(c.peer);
  c.nc.close_stdin();
  EXPECT_EQ(read_until_eof(c.peer.get(), 2s), "");  // the half-close -q implies
  std::this_thread::sleep_for(900ms);               // answers later than -q's 600 ms
  write_all(c.peer.get(), "late reply");
  c.peer.reset();
  auto closed_at = Clock::now();
  EXPECT_EQ(read_bytes(c.nc.stdout_fd(), 10, 2s), "late reply");
  EXPECT_EQ(c.nc.wait(3s), 0);
  auto took = Clock::now() - closed_at;
  EXPECT_GE(took, 550ms);  // Debian nc's alarm(): the wait after the close
  EXPECT_LT(took, 2s);
}

TEST(NcSemantics, QuitOnUdpStopsReadingAtStdinEofThenWaits) {
  Fd server = udp_socket();
  auto options = client_options(local_port(server.get()));
  options.udp = true;
  options.quit_after_eof = 500ms;
  NcRun nc(options);
  nc.start();
  nc.write_stdin("ping");
  ASSERT_FALSE(stays_quiet(server.get(), 2s));
  char buf[64];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  ASSERT_EQ(::recvfrom(server.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len),
            4);
  auto eof_at = Clock::now();
  nc.close_stdin();
  std::this_thread::sleep_for(150ms);
  // Debian nc no longer reads a datagram socket after stdin's EOF under -q: this is not shown.
  ASSERT_EQ(::sendto(server.get(), "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), len), 4);
  EXPECT_EQ(nc.wait(3s), 0);
  auto took = Clock::now() - eof_at;
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "");
}

TEST(NcSemantics, ConnectTimeoutOnConnectionThatNeverCompletes) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so a connect to it
  // neither succeeds nor fails until the SYN retries run out (minutes).
  TcpServer server(0);
  std::vector<Fd> fillers;
  for (int i = 0; i < 4; ++i) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(server.port());
    (void)::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    fillers.push_back(std::move(fd));
  }
  std::this_thread::sleep_for(50ms);
  auto options = client_options(server.port());
  options.timeout = 1000ms;
  NcRun nc(options);
  auto start = Clock::now();
  nc.start();
  EXPECT_EQ(nc.wait(4s), 1);
  auto took = Clock::now() - start;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 3s);
  auto port = std::to_string(server.port());
  EXPECT_TRUE(
      has_line(nc.lines(), "wg-nc: error: connect to 127.0.0.1 port " + port + " (tcp) timed out"))
      << (nc.lines().empty() ? "(no lines)" : nc.lines().front());
}

TEST(NcSemantics, IdleTimeoutClosesQuietConnectionLikeOpenBsd) {
  TcpServer server;
  auto options = client_options(server.port());
  options.timeout = 700ms;
  NcRun nc(options);
  auto start = Clock::now();
  nc.start();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  // Nothing moves either way: OpenBSD nc closes silently after -w and exits 0.
  EXPECT_EQ(nc.wait(3s), 0);
  auto took = Clock::now() - start;
  EXPECT_GE(took, 650ms);
  EXPECT_LT(took, 2500ms);
  EXPECT_EQ(read_until_eof(peer.get(), 1s), "");  // and the remote saw the close
}

TEST(NcSemantics, IdleTimeoutRestartsOnTraffic) {
  TcpServer server;
  auto options = client_options(server.port());
  options.timeout = 600ms;
  NcRun nc(options);
  auto start = Clock::now();
  nc.start();
  Fd peer = server.accept(2s);
  ASSERT_TRUE(peer);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(300ms);
    write_all(peer.get(), "t");
  }
  EXPECT_EQ(nc.wait(3s), 0);
  EXPECT_GE(Clock::now() - start, 1400ms);  // 3 x 300 ms of traffic, then 600 ms quiet
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "ttt");
}

TEST(NcSemantics, ScanReportsOpenAndClosedPortsLikeOpenBsd) {
  TcpServer open_server;
  uint16_t open = open_server.port(), closed = closed_port();
  nc::NcOptions options;
  options.host = "127.0.0.1";
  options.scan = true;
  options.verbosity = 1;
  options.ports = {open, closed};
  NcRun nc(options);
  nc.start();
  EXPECT_EQ(nc.wait(3s), 0);  // at least one port open
  auto lines = nc.lines();
  EXPECT_TRUE(has_line(
      lines, "Connection to 127.0.0.1 " + std::to_string(open) + " port [tcp/*] succeeded!"));
  EXPECT_TRUE(has_line(lines, "wg-nc: connect to 127.0.0.1 port " + std::to_string(closed) +
                                  " (tcp) failed: Connection refused"));
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "");  // -z sends and prints no data
}

TEST(NcSemantics, ScanOfClosedPortOnlyExitsOneAndIsSilentWithoutV) {
  nc::NcOptions options;
  options.host = "127.0.0.1";
  options.scan = true;
  options.ports = {closed_port()};
  NcRun nc(options);
  nc.start();
  EXPECT_EQ(nc.wait(3s), 1);
  EXPECT_TRUE(nc.lines().empty());
}

TEST(NcSemantics, ScanByNameShowsTheAddress) {
  TcpServer open_server;
  nc::NcOptions options;
  options.host = "localhost";
  options.scan = true;
  options.verbosity = 1;
  options.ports = {open_server.port()};
  NcRun nc(options);
  nc.start();
  EXPECT_EQ(nc.wait(3s), 0);
  EXPECT_TRUE(has_line(nc.lines(), "Connection to localhost (127.0.0.1) " +
                                       std::to_string(open_server.port()) +
                                       " port [tcp/*] succeeded!"));
}

TEST(NcSemantics, UdpEchoEachStdinReadIsOneDatagram) {
  Fd server = udp_socket();
  auto options = client_options(local_port(server.get()));
  options.udp = true;
  options.timeout = 500ms;  // UDP has no EOF: -w ends it once the echoes are in
  NcRun nc(options);
  nc.start();
  std::vector<std::string> seen;
  char buf[2048];
  for (const std::string msg : {"ping\n", "second datagram\n"}) {
    nc.write_stdin(msg);
    ASSERT_FALSE(stays_quiet(server.get(), 2s));
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n =
        ::recvfrom(server.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    ASSERT_GT(n, 0);
    seen.emplace_back(buf, static_cast<size_t>(n));
    ASSERT_EQ(::sendto(server.get(), buf, static_cast<size_t>(n), 0,
                       reinterpret_cast<sockaddr*>(&from), len),
              n);
  }
  nc.close_stdin();
  EXPECT_EQ(seen, (std::vector<std::string>{"ping\n", "second datagram\n"}));
  EXPECT_EQ(nc.wait(3s), 0);
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "ping\nsecond datagram\n");
}

TEST(NcSemantics, ListenAcceptsOneConnection) {
  nc::NcOptions options;
  options.listen = true;
  options.host = "127.0.0.1";
  options.ports = {4000};
  options.verbosity = 1;
  NcRun nc(options);
  nc.start();
  auto port = nc.tunnel().wait_listening(4000, 2s);
  ASSERT_TRUE(port);
  nc.write_stdin("from nc");
  Fd client = connect_tcp(*port);
  write_all(client.get(), "from client");
  EXPECT_EQ(read_bytes(client.get(), 7, 2s), "from nc");
  client.reset();
  EXPECT_EQ(nc.wait(2s), 0);
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "from client");
  auto lines = nc.lines();
  EXPECT_TRUE(has_line(lines, "wg-nc: Listening on 127.0.0.1 " + std::to_string(*port)));
  EXPECT_TRUE(has_line_containing(lines, "wg-nc: Connection received on 127.0.0.1 "));
}

TEST(NcSemantics, ListenKeepAcceptsTwice) {
  nc::NcOptions options;
  options.listen = true;
  options.keep_listening = true;
  options.ports = {4001};
  NcRun nc(options);
  nc.tunnel().set_accept_limit(2);  // the third accept fails as if the tunnel went down
  nc.close_stdin();
  nc.start();
  auto port = nc.tunnel().wait_listening(4001, 2s);
  ASSERT_TRUE(port);
  for (const std::string msg : {"one,", "two"}) {
    Fd client = connect_tcp(*port);
    write_all(client.get(), msg);
    ::shutdown(client.get(), SHUT_WR);
    EXPECT_EQ(read_until_eof(client.get(), 2s), "");  // nc closes it after our EOF
  }
  EXPECT_EQ(nc.wait(2s), 1);  // ends only because the listener died
  EXPECT_EQ(read_until_eof(nc.stdout_fd(), 1s), "one,two");
  EXPECT_TRUE(has_line(nc.lines(), "wg-nc: error: the tunnel was closed"));
}

TEST(NcSemantics, UdpListenAnswersTheFirstSender) {
  nc::NcOptions options;
  options.listen = true;
  options.udp = true;
  options.ports = {4002};
  options.timeout = 500ms;  // ends the session: UDP has no EOF
  NcRun nc(options);
  nc.start();
  auto port = nc.tunnel().wait_listening(4002, 2s);
  ASSERT_TRUE(port);
  Fd client = udp_socket();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(*port);
  ASSERT_EQ(::sendto(client.get(), "hello", 5, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 5);
  EXPECT_EQ(read_bytes(nc.stdout_fd(), 5, 2s), "hello");
  nc.write_stdin("back");
  EXPECT_EQ(read_bytes(client.get(), 4, 2s), "back");
  EXPECT_EQ(nc.wait(3s), 0);
}

TEST(NcSemantics, NumericRejectsANameBeforeDialing) {
  auto options = client_options(80);
  options.host = "localhost";
  options.numeric = true;
  NcRun nc(options);
  nc.start();
  EXPECT_EQ(nc.wait(2s), 1);
  EXPECT_EQ(nc.tunnel().dials(), 0);
  ASSERT_EQ(nc.lines().size(), 1u);
  EXPECT_EQ(
      nc.lines()[0],
      "wg-nc: error: -n: `localhost' is not an IP address (names need the tunnel's DNS; drop -n)");
}

TEST(NcSemantics, UnknownNameFailsWithResolveError) {
  auto options = client_options(80);
  options.host = "nosuch.invalid";
  NcRun nc(options);
  nc.start();
  EXPECT_EQ(nc.wait(2s), 1);
  ASSERT_EQ(nc.lines().size(), 1u);
  EXPECT_EQ(nc.lines()[0], "wg-nc: error: `nosuch.invalid' not found through the tunnel's DNS");
}

TEST(NcSemantics, RefusedConnectExitsOneWithOneLine) {
  uint16_t port = closed_port();
  NcRun nc(client_options(port));
  nc.start();
  EXPECT_EQ(nc.wait(2s), 1);
  ASSERT_EQ(nc.lines().size(), 1u);
  EXPECT_EQ(nc.lines()[0], "wg-nc: error: connect to 127.0.0.1 port " + std::to_string(port) +
                               " (tcp) failed: Connection refused");
}

}  // namespace
}  // namespace wgnet::test
