// wg-ssh's exit status from the remote side (OpenSSH clientloop.c: exit-status becomes ssh's
// status; exit-signal is ignored, so a killed command gives 255).
#include <gtest/gtest.h>

#include "session_exit.hpp"

namespace wgnet::ssh {
namespace {

TEST(SessionExit, ExitStatusIsPassedThrough) {
  RemoteExit remote;
  remote.exit_status = 3;
  ExitReport report = exit_report(remote, false);
  EXPECT_EQ(report.status, 3);
  EXPECT_EQ(report.message, "");
}

TEST(SessionExit, ZeroIsSuccess) {
  RemoteExit remote;
  remote.exit_status = 0;
  EXPECT_EQ(exit_report(remote, false).status, 0);
}

TEST(SessionExit, OnlyTheLowEightBitsReachTheShell) {
  RemoteExit remote;
  remote.exit_status = 256 + 7;
  EXPECT_EQ(exit_report(remote, false).status, 7);
}

TEST(SessionExit, SignalGives255AndIsReported) {
  RemoteExit remote;
  remote.exit_signal = "TERM";
  ExitReport report = exit_report(remote, false);
  EXPECT_EQ(report.status, 255);
  EXPECT_EQ(report.message, "remote command terminated by signal SIGTERM");
}

TEST(SessionExit, SignalMessageFromTheServerIsKept) {
  RemoteExit remote;
  remote.exit_signal = "SEGV";
  remote.signal_message = "core dumped";
  EXPECT_EQ(exit_report(remote, false).message,
            "remote command terminated by signal SIGSEGV (core dumped)");
}

TEST(SessionExit, SignalWinsOverAStatus) {
  RemoteExit remote;
  remote.exit_status = 0;
  remote.exit_signal = "KILL";
  EXPECT_EQ(exit_report(remote, false).status, 255);
}

TEST(SessionExit, QuietSaysNothing) {
  RemoteExit remote;
  remote.exit_signal = "HUP";
  ExitReport report = exit_report(remote, true);
  EXPECT_EQ(report.status, 255);
  EXPECT_EQ(report.message, "");
}

TEST(SessionExit, NoStatusAtAllIs255) {
  EXPECT_EQ(exit_report(RemoteExit{}, false).status, 255);
}

}  // namespace
}  // namespace wgnet::ssh
