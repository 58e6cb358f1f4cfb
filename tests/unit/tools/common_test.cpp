// tools/common: config selection, the shapes of messages, exit statuses, -v tunnel reports.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_select.hpp"
#include "diagnostics.hpp"
#include "exit_status.hpp"
#include "tunnel_report.hpp"

namespace wgnet::tools {
namespace {

struct Captured {
  std::vector<std::string> lines;
  Diagnostics diag(int verbosity) {
    return Diagnostics("wg-nc", verbosity, [this](std::string_view l) { lines.emplace_back(l); });
  }
};

TEST(ConfigSelect, FlagWinsOverEnvironment) {
  auto r = select_config_path("a.conf", "b.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "a.conf");
}

TEST(ConfigSelect, EnvironmentWhenNoFlag) {
  auto r = select_config_path("", "b.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "b.conf");
}

TEST(ConfigSelect, NeitherIsOneLineSayingWhatToDo) {
  for (const char* env : {static_cast<const char*>(nullptr), ""}) {
    auto r = select_config_path("", env);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message,
              "no WireGuard config: give -c FILE (--wg-config FILE) or set WGNET_CONFIG");
  }
}

TEST(Diagnostics, LineShapes) {
  Captured c;
  auto quiet = c.diag(0);
  quiet.error("bad `x'");
  quiet.warning("careful");
  quiet.info("hidden without -v");
  quiet.note("always");
  quiet.plain("Connection to h 1 port [tcp/*] succeeded!");
  c.diag(1).info("shown with -v");
  EXPECT_EQ(c.lines, (std::vector<std::string>{
                         "wg-nc: error: bad `x'", "wg-nc: warning: careful", "wg-nc: always",
                         "Connection to h 1 port [tcp/*] succeeded!", "wg-nc: shown with -v"}));
}

TEST(Diagnostics, LogSinkFiltersByVerbosity) {
  for (int verbosity : {0, 1, 2, 3}) {
    Captured c;
    auto sink = c.diag(verbosity).log_sink();
    sink(LogLevel::kError, "e");
    sink(LogLevel::kWarning, "w");
    sink(LogLevel::kInfo, "i");
    sink(LogLevel::kDebug, "d");
    std::vector<std::string> want{"wg-nc: error: e", "wg-nc: warning: w"};
    if (verbosity >= 1) want.push_back("wg-nc: i");  // -v: the addresses the tunnel tries
    if (verbosity >= 2) want.push_back("wg-nc: d");
    EXPECT_EQ(c.lines, want) << "verbosity " << verbosity;
  }
}

TEST(Diagnostics, ConfigWarningsAreWarningLines) {
  Captured c;
  c.diag(0).warning_sink()("wg.conf is world-readable");
  EXPECT_EQ(c.lines, std::vector<std::string>{"wg-nc: warning: wg.conf is world-readable"});
}

TEST(ExitStatus, DefaultIsOneForEverythingAsNc) {
  ExitStatusMap nc;
  for (auto code :
       {ErrorCode::kInvalidArgument, ErrorCode::kConfig, ErrorCode::kHandshakeTimeout,
        ErrorCode::kResolve, ErrorCode::kConnectRefused, ErrorCode::kTimeout, ErrorCode::kNetwork,
        ErrorCode::kClosed, ErrorCode::kIo, ErrorCode::kInternal}) {
    EXPECT_EQ(nc.status_for(code), 1) << error_code_name(code);
  }
}

TEST(ExitStatus, ToolsCanMapCodes) {
  ExitStatusMap curl_like(1, {{ErrorCode::kResolve, 6}, {ErrorCode::kConnectRefused, 7}});
  EXPECT_EQ(curl_like.status_for(ErrorCode::kResolve), 6);
  EXPECT_EQ(curl_like.status_for(ErrorCode::kConnectRefused), 7);
  EXPECT_EQ(curl_like.status_for(ErrorCode::kTimeout), 1);
}

TEST(ExitStatus, ReportIsTheLibraryMessageOnOneLine) {
  Captured c;
  int status = report_error(
      c.diag(0),
      make_error(ErrorCode::kHandshakeTimeout,
                 "WireGuard handshake with 198.18.0.1:51820 did not complete within 10 s"));
  EXPECT_EQ(status, 1);
  EXPECT_EQ(c.lines, std::vector<std::string>{"wg-nc: error: WireGuard handshake with "
                                              "198.18.0.1:51820 did not complete within 10 s"});
}

TEST(ExitStatus, EmptyMessagesStillSaySomething) {
  EXPECT_EQ(describe_error(make_error(ErrorCode::kConfig, "wg.conf:3: bad key")),
            "wg.conf:3: bad key");
  EXPECT_EQ(describe_error(make_error(ErrorCode::kIo, "")), "io");
  EXPECT_NE(describe_error(make_error(ErrorCode::kHandshakeTimeout, "")).find("Endpoint="),
            std::string::npos);
}

TEST(TunnelReport, HandshakeAndTrafficOnlyWithV) {
  TunnelStats stats;
  stats.peer_public_key = "KEY=";
  stats.peer_endpoint = "198.18.0.1:51820";
  stats.handshake_time = std::chrono::milliseconds(42);
  stats.inner_tx_bytes = 10;
  stats.tx_bytes = 74;
  stats.inner_rx_bytes = 20;
  stats.rx_bytes = 84;
  Captured quiet;
  report_handshake(quiet.diag(0), stats);
  report_traffic(quiet.diag(0), stats);
  EXPECT_TRUE(quiet.lines.empty());
  Captured loud;
  report_handshake(loud.diag(1), stats);
  report_traffic(loud.diag(1), stats);
  EXPECT_EQ(
      loud.lines,
      (std::vector<std::string>{
          "wg-nc: handshake with peer KEY= (198.18.0.1:51820) completed in 42 ms",
          "wg-nc: tunnel: sent 10 bytes (74 on the wire), received 20 bytes (84 on the wire)"}));
}

// Through the agent the figures are the agent's (its first handshake, all its clients' bytes):
// -v says so rather than passing them off as this run's.
TEST(TunnelReport, AgentFiguresAreMarkedShared) {
  TunnelStats stats;
  stats.peer_public_key = "KEY=";
  stats.handshake_time = std::chrono::milliseconds(42);
  stats.inner_tx_bytes = 10;
  stats.tx_bytes = 74;
  stats.shared = true;
  Captured loud;
  report_handshake(loud.diag(1), stats);
  report_traffic(loud.diag(1), stats);
  EXPECT_EQ(loud.lines,
            (std::vector<std::string>{
                "wg-nc: handshake with peer KEY= completed in 42 ms (the agent's session, shared)",
                "wg-nc: tunnel: sent 10 bytes (74 on the wire), received 0 bytes (0 on the wire), "
                "the agent's totals for all its clients"}));
}

}  // namespace
}  // namespace wgnet::tools
