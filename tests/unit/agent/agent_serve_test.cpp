// serve_agent in-process (as the lead's SOCKS5 code will call it): a connection whose first byte
// is 0x05 goes to on_socks5 on its own thread, the agent protocol still works beside it, and
// query_dns errors cross like the others.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent_fixture.hpp"

namespace agent_test {
namespace {

using wgnet::ErrorCode;

TEST_F(AgentEndToEnd, FirstByte05GoesToTheSocksHookAndTheProtocolStillWorks) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    alarm(30);
    wgnet::AgentServeOptions o;
    o.idle_timeout = std::chrono::seconds(20);
    o.ready_fd = ready[1];
    o.on_socks5 = [](wgnet::Fd fd) {
      char first[3] = {};
      ssize_t n = ::recv(fd.get(), first, sizeof first, MSG_WAITALL);
      std::string answer = "socks hook got " + std::to_string(n) + " bytes, version " +
                           std::to_string(static_cast<int>(first[0]));
      (void)!::send(fd.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
    };
    auto served = wgnet::serve_agent(config_, config_path_, std::move(o));
    _exit(served ? 0 : 1);
  }
  ::close(ready[1]);
  char word[64] = {};
  pollfd p{ready[0], POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10000), 1);
  ASSERT_GT(::read(ready[0], word, sizeof word - 1), 0);
  ::close(ready[0]);
  EXPECT_STREQ(word, "ok");

  wgnet::Fd s(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", paths().socket.c_str());
  ASSERT_EQ(::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const char greeting[3] = {0x05, 0x01, 0x00};
  ASSERT_EQ(::send(s.get(), greeting, 3, MSG_NOSIGNAL), 3);
  char reply[64] = {};
  ssize_t n = ::recv(s.get(), reply, sizeof reply - 1, MSG_WAITALL);
  EXPECT_EQ(std::string(reply, static_cast<size_t>(std::max<ssize_t>(n, 0))),
            "socks hook got 3 bytes, version 5");

  wgnet::AttachInfo info;
  auto tunnel = attach(&info);
  ASSERT_TRUE(tunnel);
  EXPECT_FALSE(info.started);
  EXPECT_EQ(info.agent_pid, child);
  auto conn = tunnel->dial_tcp("10.98.0.1", 7, {});
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_EQ(echo_through(conn->fd.get(), "beside socks"), "beside socks");

  ASSERT_TRUE(wgnet::stop_agent(config_));
  int status = -1;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(AgentEndToEnd, QueryDnsTimeoutCrossesAsTimeout) {
  auto tunnel = attach();
  ASSERT_TRUE(tunnel);
  wgnet::DnsQuestion q;
  q.name = "example.lab";
  auto query = wgnet::build_dns_query(q);
  ASSERT_TRUE(query);
  wgnet::DnsQueryOptions o;
  o.tries = 1;
  o.timeout = std::chrono::milliseconds(200);
  auto reply = tunnel->query_dns(*wgnet::Endpoint::parse("10.98.0.1:53"), *query, o);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kTimeout) << reply.error().message;
  auto not_a_query =
      tunnel->query_dns(*wgnet::Endpoint::parse("10.98.0.1:53"), std::vector<uint8_t>{1, 2, 3}, o);
  ASSERT_FALSE(not_a_query);
  EXPECT_EQ(not_a_query.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace agent_test
