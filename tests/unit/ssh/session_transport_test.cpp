// The transport under libssh2: sends never push back (the rest is queued and flushed later),
// receives report EAGAIN/EOF in libssh2's convention, and a severed transport fails at once.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "session_transport.hpp"

namespace wgnet::ssh {
namespace {

struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ours = Fd(fds[0]);
    theirs = Fd(fds[1]);
    int small = 4096;  // a small buffer so that the queue is reached quickly
    ::setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  }
  Fd ours, theirs;
};

size_t drain(int fd) {
  std::vector<char> buffer(1 << 16);
  size_t total = 0;
  for (;;) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n <= 0) return total;
    total += static_cast<size_t>(n);
  }
}

TEST(SessionTransport, SendAcceptsEverythingAndQueuesTheRest) {
  Pair pair;
  int theirs = pair.theirs.get();
  SessionTransport transport(std::move(pair.ours));
  std::vector<char> data(1 << 20, 'x');
  EXPECT_EQ(transport.send(data.data(), data.size()), static_cast<ssize_t>(data.size()));
  EXPECT_GT(transport.queued(), 0u);
  EXPECT_TRUE(transport.congested());
  size_t received = 0;
  for (int i = 0; i < 10000 && received < data.size(); ++i) {
    received += drain(theirs);
    EXPECT_TRUE(transport.flush());
  }
  received += drain(theirs);
  EXPECT_EQ(received, data.size());
  EXPECT_EQ(transport.queued(), 0u);
  EXPECT_EQ(transport.bytes_sent(), data.size());
}

TEST(SessionTransport, QueuedBytesKeepTheirOrder) {
  Pair pair;
  int theirs = pair.theirs.get();
  SessionTransport transport(std::move(pair.ours));
  std::vector<unsigned char> sent;
  for (int i = 0; i < 200; ++i) {
    std::vector<unsigned char> chunk(3000, static_cast<unsigned char>(i));
    transport.send(chunk.data(), chunk.size());
    sent.insert(sent.end(), chunk.begin(), chunk.end());
  }
  std::vector<unsigned char> got;
  std::vector<unsigned char> buffer(1 << 16);
  for (int i = 0; i < 10000 && got.size() < sent.size(); ++i) {
    ssize_t n = ::recv(theirs, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n > 0) got.insert(got.end(), buffer.begin(), buffer.begin() + n);
    transport.flush();
  }
  EXPECT_EQ(got, sent);
}

TEST(SessionTransport, ReceiveConventions) {
  Pair pair;
  int theirs = pair.theirs.get();
  SessionTransport transport(std::move(pair.ours));
  char buffer[16];
  EXPECT_EQ(transport.recv(buffer, sizeof buffer), -EAGAIN);
  ASSERT_EQ(::send(theirs, "hello", 5, 0), 5);
  auto before = transport.last_receive();
  EXPECT_EQ(transport.recv(buffer, sizeof buffer), 5);
  EXPECT_EQ(transport.bytes_received(), 5u);
  EXPECT_GE(transport.last_receive(), before);
  pair.theirs.reset();
  EXPECT_EQ(transport.recv(buffer, sizeof buffer), 0);
  EXPECT_TRUE(transport.at_eof());
}

TEST(SessionTransport, SeveredFailsEverything) {
  Pair pair;
  SessionTransport transport(std::move(pair.ours));
  transport.sever();
  char buffer[4] = {};
  EXPECT_EQ(transport.recv(buffer, sizeof buffer), -ECONNRESET);
  EXPECT_EQ(transport.send(buffer, sizeof buffer), -ECONNRESET);
}

TEST(SessionTransport, WriteErrorIsKept) {
  Pair pair;
  SessionTransport transport(std::move(pair.ours));
  pair.theirs.reset();
  char buffer[4] = {};
  EXPECT_LT(transport.send(buffer, sizeof buffer), 0);
  EXPECT_TRUE(transport.failed());
  EXPECT_NE(transport.error().find("write to the connection"), std::string::npos);
}

}  // namespace
}  // namespace wgnet::ssh
