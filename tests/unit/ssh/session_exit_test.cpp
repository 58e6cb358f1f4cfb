// wg-ssh's exit status from the remote side (OpenSSH clientloop.c: exit-status becomes ssh's
// status; exit-signal is ignored, so a killed command gives 255).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "session_exit.hpp"

namespace wgnet::ssh {
namespace {

// What the server sent, -q, and what wg-ssh should exit with and say.
struct ExitCase {
  const char* name;
  std::optional<int> exit_status;
  const char* exit_signal;
  const char* signal_message;
  bool quiet;
  int want_status;
  const char* want_message;
};

const ExitCase kExitCases[] = {
    {"ExitStatusIsPassedThrough", 3, "", "", false, 3, ""},
    {"ZeroIsSuccess", 0, "", "", false, 0, ""},
    {"OnlyTheLowEightBitsReachTheShell", 256 + 7, "", "", false, 7, ""},
    {"SignalGives255AndIsReported", std::nullopt, "TERM", "", false, 255,
     "remote command terminated by signal SIGTERM"},
    {"SignalMessageFromTheServerIsKept", std::nullopt, "SEGV", "core dumped", false, 255,
     "remote command terminated by signal SIGSEGV (core dumped)"},
    {"SignalWinsOverAStatus", 0, "KILL", "", false, 255,
     "remote command terminated by signal SIGKILL"},
    {"QuietSaysNothing", std::nullopt, "HUP", "", true, 255, ""},
    {"NoStatusAtAllIs255", std::nullopt, "", "", false, 255, ""},
};

class SessionExit : public ::testing::TestWithParam<ExitCase> {};

TEST_P(SessionExit, StatusAndMessage) {
  const ExitCase& c = GetParam();
  RemoteExit remote;
  remote.exit_status = c.exit_status;
  remote.exit_signal = c.exit_signal;
  remote.signal_message = c.signal_message;
  ExitReport report = exit_report(remote, c.quiet);
  EXPECT_EQ(report.status, c.want_status);
  EXPECT_EQ(report.message, c.want_message);
}

INSTANTIATE_TEST_SUITE_P(Remote, SessionExit, ::testing::ValuesIn(kExitCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace wgnet::ssh
