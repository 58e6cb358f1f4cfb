// wg-ping's send/receive loop over a fake Pinger: when it stops, what it prints, its status.
#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "ping_run.hpp"

namespace wgnet::ping {
namespace {

using namespace std::chrono_literals;

// Answers each request `copies` times at once (0: never), 1 ms round trip.
class FakePinger final : public Pinger {
 public:
  explicit FakePinger(int copies) : copies_(copies) {}
  IpAddress target() const override { return *IpAddress::parse("10.0.0.1"); }
  uint16_t identifier() const override { return 1; }
  Result<void> send(uint16_t sequence, size_t payload_size) override {
    ++sent;
    for (int i = 0; i < copies_; ++i)
      replies_.push_back(PingReply{target(), sequence, payload_size + 8, 64, 1ms});
    return {};
  }
  Result<PingReply> receive(std::chrono::milliseconds timeout) override {
    if (replies_.empty()) {
      std::this_thread::sleep_for(timeout);  // the loop bounds it (100 ms at most)
      return make_error(ErrorCode::kTimeout, "none");
    }
    PingReply r = replies_.front();
    replies_.pop_front();
    return r;
  }
  int sent = 0;

 private:
  int copies_;
  std::deque<PingReply> replies_;
};

struct Run {
  int status = -1;
  std::string out;
  std::chrono::milliseconds took{0};
};

Run run(
    FakePinger& pinger, std::vector<std::string> args,
    std::function<bool()> interrupted = [] { return false; }) {
  args.push_back("10.0.0.1");
  auto parsed = parse_command_line(args);
  EXPECT_TRUE(parsed.options);
  Run r;
  RunContext ctx{pinger,
                 *parsed.options,
                 Destination{"10.0.0.1", pinger.target(), false},
                 [&r](std::string_view s) { r.out += s; },
                 [](std::string_view) {},
                 std::move(interrupted)};
  auto start = std::chrono::steady_clock::now();
  r.status = run_ping(ctx);
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  return r;
}

TEST(PingRun, CountRequestsAllAnsweredExit0) {
  FakePinger pinger(1);
  auto r = run(pinger, {"-c", "3", "-i", "0.002"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(pinger.sent, 3);
  EXPECT_NE(r.out.find("64 bytes from 10.0.0.1: icmp_seq=3 ttl=64 time=1.00 ms\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("3 packets transmitted, 3 received, 0% packet loss"), std::string::npos);
}

TEST(PingRun, SilenceWaitsTheLingerTimeThenExit1) {
  FakePinger pinger(0);
  auto r = run(pinger, {"-c", "2", "-i", "0.002", "-W", "0.3"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(pinger.sent, 2);
  EXPECT_NE(r.out.find("2 packets transmitted, 0 received, 100% packet loss"), std::string::npos);
  EXPECT_GE(r.took, 290ms);
  EXPECT_LT(r.took, 2s);
}

TEST(PingRun, DeadlineStopsSendingAndFewerRepliesThanCountIsExit1) {
  FakePinger silent(0);
  auto r = run(silent, {"-c", "3", "-w", "1", "-i", "0.2"});
  EXPECT_EQ(r.status, 1);
  EXPECT_GE(silent.sent, 4);  // with -w, -c counts replies: sending goes on to the deadline
  EXPECT_LT(r.took, 1500ms);
  FakePinger answering(1);
  auto ok = run(answering, {"-c", "2", "-w", "5", "-i", "0.002"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(answering.sent, 2);  // two replies: done long before the deadline
}

TEST(PingRun, DuplicatesAreMarkedAndCounted) {
  FakePinger pinger(2);
  auto r = run(pinger, {"-c", "2", "-i", "0.002"});
  EXPECT_NE(r.out.find("icmp_seq=1 ttl=64 time=1.00 ms (DUP!)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 packets transmitted, 2 received, +"), std::string::npos) << r.out;
}

TEST(PingRun, InterruptPrintsTheStatistics) {
  FakePinger pinger(1);
  int checks = 0;
  // No -c, no -w: only the interrupt ends it (the next request would be 10 s away).
  auto r = run(pinger, {"-i", "10"}, [&] { return pinger.sent >= 1 && ++checks > 3; });
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(r.took, 1s);
  EXPECT_NE(r.out.find("--- 10.0.0.1 ping statistics ---\n1 packets transmitted, 1 received"),
            std::string::npos)
      << r.out;
}

TEST(PingRun, QuietPrintsNoReplyLines) {
  FakePinger pinger(1);
  auto r = run(pinger, {"-q", "-c", "2", "-i", "0.002"});
  EXPECT_EQ(r.out.find("bytes from"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n\n---", 0), 0u) << r.out;
}

}  // namespace
}  // namespace wgnet::ping
