// relay_streams (wgnet/relay.hpp) between socketpairs: the two outer ends play the local client
// and the tunnel connection, the inner ends are what the relay joins.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/relay.hpp"

namespace {

struct Pair {
  wgnet::Fd outer, inner;
};

Pair stream_pair() {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  return {wgnet::Fd(sv[0]), wgnet::Fd(sv[1])};
}

// Reads until EOF (or `limit` bytes); gives up after 10 s so a bug fails instead of hanging.
std::string read_all(int fd, size_t limit = SIZE_MAX) {
  std::string out;
  char buf[65536];
  while (out.size() < limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    off += static_cast<size_t>(n);
  }
}

std::string pattern(size_t size, uint8_t seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + seed) & 0xff);
  return s;
}

TEST(StreamRelay, CopiesManyMegabytesBothWaysAtOnceWithoutLosingOrder) {
  auto client = stream_pair(), server = stream_pair();
  auto relay = std::async(std::launch::async, [&] {
    return wgnet::relay_streams(client.inner.get(), server.inner.get());
  });
  const std::string up = pattern(8 << 20, 1), down = pattern(6 << 20, 2);
  // Both sides write everything before reading anything: only a relay that keeps both
  // directions moving (and buffers boundedly) gets through this.
  std::thread up_writer([&] {
    write_all(client.outer.get(), up);
    ::shutdown(client.outer.get(), SHUT_WR);
  });
  std::thread down_writer([&] {
    write_all(server.outer.get(), down);
    ::shutdown(server.outer.get(), SHUT_WR);
  });
  auto got_up = std::async(std::launch::async, [&] { return read_all(server.outer.get()); });
  auto got_down = std::async(std::launch::async, [&] { return read_all(client.outer.get()); });
  EXPECT_TRUE(got_up.get() == up);
  EXPECT_TRUE(got_down.get() == down);
  up_writer.join();
  down_writer.join();
  auto totals = relay.get();
  EXPECT_EQ(totals.a_to_b, up.size());
  EXPECT_EQ(totals.b_to_a, down.size());
  EXPECT_FALSE(totals.cancelled);
}

TEST(StreamRelay, EndOfStreamOnOneSideIsPassedOnAndTheOtherDirectionGoesOn) {
  auto client = stream_pair(), server = stream_pair();
  auto relay = std::async(std::launch::async, [&] {
    return wgnet::relay_streams(client.inner.get(), server.inner.get());
  });
  write_all(client.outer.get(), "request");
  ::shutdown(client.outer.get(), SHUT_WR);
  // The server sees the request and then EOF, as a shell's `nc -N` server would.
  EXPECT_EQ(read_all(server.outer.get()), "request");
  // ...and can still answer afterwards.
  write_all(server.outer.get(), "late answer");
  ::shutdown(server.outer.get(), SHUT_WR);
  EXPECT_EQ(read_all(client.outer.get()), "late answer");
  EXPECT_EQ(relay.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(StreamRelay, OneSideClosingWhileTheOtherStillSendsEndsTheRelay) {
  auto client = stream_pair(), server = stream_pair();
  auto relay = std::async(std::launch::async, [&] {
    return wgnet::relay_streams(client.inner.get(), server.inner.get());
  });
  server.outer.reset();  // the far side is gone: writes to it fail with EPIPE
  std::string big = pattern(1 << 20, 3);
  std::thread writer([&] {
    // The relay may stop reading; this write may then fail, which is fine.
    (void)::send(client.outer.get(), big.data(), big.size(), MSG_NOSIGNAL);
  });
  EXPECT_EQ(relay.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  client.inner.reset();  // what the caller does after the relay returns: unblocks the writer
  writer.join();
}

TEST(StreamRelay, ReturnsAtOnceWhenCancelled) {
  auto client = stream_pair(), server = stream_pair();
  wgnet::Fd cancel(::eventfd(0, EFD_CLOEXEC));
  auto relay = std::async(std::launch::async, [&] {
    return wgnet::relay_streams(client.inner.get(), server.inner.get(), cancel.get());
  });
  write_all(client.outer.get(), "x");
  EXPECT_EQ(read_all(server.outer.get(), 1), "x");
  uint64_t one = 1;
  ASSERT_EQ(::write(cancel.get(), &one, sizeof one), 8);
  ASSERT_EQ(relay.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(relay.get().cancelled);
}

}  // namespace
