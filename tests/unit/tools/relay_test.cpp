// tools/common relay over socketpair ends, which is what the real tunnel hands out
// (SOCK_STREAM for TCP, SOCK_DGRAM for UDP).
#include "relay.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <csignal>
#include <future>

#include "tools/nc_harness.hpp"

namespace wgnet::test {
namespace {

struct SocketPair {
  Fd ours;    // given to relay()
  Fd theirs;  // the far end, driven by the test
  static SocketPair make(int type) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds), 0);
    return SocketPair{Fd(fds[0]), Fd(fds[1])};
  }
};

// relay() on a thread with fresh stdin/stdout pipes.
struct RelayRun {
  Pipe in = Pipe::make();
  Pipe out = Pipe::make();
  tools::RelayStreams streams{in.read.get(), out.write.get(), false};
  std::future<tools::RelayResult> result;

  void start(int net, tools::RelayOptions options) {
    result = std::async(std::launch::async, [this, net, options] {
      auto r = tools::relay(net, streams, options);
      out.write.reset();
      return r;
    });
  }
  std::optional<tools::RelayResult> wait(std::chrono::milliseconds limit) {
    if (result.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return result.get();
  }
};

TEST(Relay, StreamSocketpairHalfCloseAndCounts) {
  auto pair = SocketPair::make(SOCK_STREAM);
  RelayRun run;
  tools::RelayOptions options;
  options.half_close = true;
  run.start(pair.ours.get(), options);
  write_all(run.in.write.get(), "abc");
  run.in.write.reset();
  EXPECT_EQ(read_until_eof(pair.theirs.get(), 2s), "abc");  // EOF arrives: SHUT_WR was sent
  write_all(pair.theirs.get(), "12345");
  pair.theirs.reset();
  EXPECT_EQ(read_until_eof(run.out.read.get(), 2s), "12345");
  auto r = run.wait(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, tools::RelayEnd::kRemoteClosed);
  EXPECT_EQ(r->bytes_sent, 3u);
  EXPECT_EQ(r->bytes_received, 5u);
  EXPECT_TRUE(run.streams.in_at_eof);
}

TEST(Relay, DatagramSocketpairKeepsBoundariesAndEmptyDatagramIsNotEof) {
  auto pair = SocketPair::make(SOCK_DGRAM);
  RelayRun run;
  tools::RelayOptions options;
  options.datagram = true;
  options.idle_timeout = 400ms;
  run.start(pair.ours.get(), options);
  char buf[256];
  for (const std::string msg : {"one", "two two"}) {
    write_all(run.in.write.get(), msg);
    ASSERT_FALSE(stays_quiet(pair.theirs.get(), 2s));
    ssize_t n = ::recv(pair.theirs.get(), buf, sizeof buf, 0);
    EXPECT_EQ(std::string(buf, static_cast<size_t>(std::max<ssize_t>(n, 0))), msg);
  }
  ASSERT_EQ(::send(pair.theirs.get(), "", 0, 0), 0);  // an empty datagram
  ASSERT_EQ(::send(pair.theirs.get(), "x", 1, 0), 1);
  EXPECT_EQ(read_bytes(run.out.read.get(), 1, 2s), "x");
  auto r = run.wait(3s);  // ends by -w, not by the empty datagram
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, tools::RelayEnd::kIdleTimeout);
}

TEST(Relay, StdinAlreadyAtEofHalfClosesAtOnce) {
  auto pair = SocketPair::make(SOCK_STREAM);
  RelayRun run;
  run.streams.in_at_eof = true;  // as in the second session of nc -l -k
  tools::RelayOptions options;
  options.half_close = true;
  run.start(pair.ours.get(), options);
  EXPECT_EQ(read_until_eof(pair.theirs.get(), 2s), "");
  EXPECT_FALSE(stays_quiet(pair.theirs.get(), 0ms));  // EOF, not a timeout
  pair.theirs.reset();
  auto r = run.wait(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, tools::RelayEnd::kRemoteClosed);
}

TEST(Relay, ClosedStdoutEndsTheSession) {
  std::signal(SIGPIPE, SIG_IGN);  // as wg-nc's main does
  auto pair = SocketPair::make(SOCK_STREAM);
  RelayRun run;
  run.out.read.reset();  // the reader went away (| head)
  run.start(pair.ours.get(), {});
  write_all(pair.theirs.get(), "data nobody reads");
  auto r = run.wait(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, tools::RelayEnd::kOutputClosed);
}

TEST(Relay, RemoteThatStopsReadingDoesNotEndTheSession) {
  std::signal(SIGPIPE, SIG_IGN);
  auto pair = SocketPair::make(SOCK_STREAM);
  ASSERT_EQ(::shutdown(pair.theirs.get(), SHUT_RD), 0);
  RelayRun run;
  std::vector<std::string> warnings;
  tools::RelayOptions options;
  options.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  run.start(pair.ours.get(), options);
  write_all(run.in.write.get(), "lost");
  std::this_thread::sleep_for(100ms);
  write_all(pair.theirs.get(), "still heard");
  pair.theirs.reset();
  EXPECT_EQ(read_until_eof(run.out.read.get(), 2s), "still heard");
  auto r = run.wait(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, tools::RelayEnd::kRemoteClosed);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "write to the connection: Broken pipe");
}

}  // namespace
}  // namespace wgnet::test
