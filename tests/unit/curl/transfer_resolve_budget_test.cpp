// The engine gives the tunnel's name lookup what is left of -m and --connect-timeout (whichever
// ends first), as curl counts resolving toward both: a DNS server that never answers ends the
// transfer with 28 on time instead of after the resolver's own 3 x 2 s.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "curl_handle.hpp"
#include "tools/loopback_tunnel.hpp"
#include "transfer.hpp"
#include "transfer_error.hpp"

namespace wgnet::curl {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Outcome {
  int status = -1;
  std::string messages;  // the Diagnostics lines
  milliseconds elapsed{0};
};

class TransferResolveBudget : public testing::Test {
 protected:
  static CurlOptions options(const std::string& url) {
    CurlOptions o;
    UrlTarget t;
    t.url = url;
    o.urls.push_back(t);
    o.silent = true;
    o.show_error = true;
    return o;
  }

  Outcome run(const CurlOptions& o) {
    Outcome result;
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    TransferIo io;
    io.out = out;
    io.err = err;
    tools::Diagnostics diag("wg-curl", o.verbosity, [&](std::string_view line) {
      result.messages += std::string(line) + "\n";
    });
    auto start = Clock::now();
    result.status = run_transfers(tunnel_, o, io, diag);
    result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    std::fclose(out);
    std::fclose(err);
    return result;
  }

  CurlGlobal global_;
  test::LoopbackTunnel tunnel_;  // "silent.test": a name whose DNS never answers
};

TEST_F(TransferResolveBudget, MaxTimeBoundsASilentLookup) {
  auto o = options("http://silent.test/");
  o.max_time = milliseconds(300);
  auto r = run(o);
  EXPECT_EQ(r.status, 28) << r.messages;
  EXPECT_EQ(r.messages.rfind("wg-curl: (28) Resolving timed out after ", 0), 0u) << r.messages;
  EXPECT_GT(tunnel_.last_resolve_timeout(), milliseconds(250));
  EXPECT_LE(tunnel_.last_resolve_timeout(), milliseconds(300));
  EXPECT_LT(r.elapsed, milliseconds(1000));
  EXPECT_EQ(tunnel_.dials(), 0);
}

TEST_F(TransferResolveBudget, ConnectTimeoutBoundsTheLookupToo) {
  auto o = options("http://silent.test/");
  o.connect_timeout = milliseconds(300);
  auto r = run(o);
  EXPECT_EQ(r.status, 28) << r.messages;
  EXPECT_LE(tunnel_.last_resolve_timeout(), milliseconds(300));
  EXPECT_LT(r.elapsed, milliseconds(1000));
}

TEST_F(TransferResolveBudget, TheEarlierOfTheTwoLimits) {
  auto o = options("http://silent.test/");
  o.max_time = milliseconds(5000);
  o.connect_timeout = milliseconds(200);
  auto r = run(o);
  EXPECT_EQ(r.status, 28) << r.messages;
  EXPECT_LE(tunnel_.last_resolve_timeout(), milliseconds(200));
  EXPECT_LT(r.elapsed, milliseconds(1000));

  o.max_time = milliseconds(200);
  o.connect_timeout = milliseconds(5000);
  r = run(o);
  EXPECT_EQ(r.status, 28) << r.messages;
  EXPECT_LE(tunnel_.last_resolve_timeout(), milliseconds(200));
}

TEST_F(TransferResolveBudget, WithoutLimitsTheResolverKeepsItsOwnTries) {
  // Nothing listens behind localhost's port 9: only the lookup matters here.
  auto r = run(options("http://localhost:9/"));
  EXPECT_NE(r.status, 28) << r.messages;
  EXPECT_EQ(tunnel_.last_resolve_timeout(), milliseconds(0));
}

TEST_F(TransferResolveBudget, AnUnknownNameWithinTheBudgetIsStill6) {
  auto o = options("http://nosuch/");
  o.max_time = milliseconds(2000);
  auto r = run(o);
  EXPECT_EQ(r.status, 6);
  EXPECT_EQ(r.messages, "wg-curl: (6) Could not resolve host: nosuch\n");
}

TEST(TransferError, LookupCutShortIs28AsCurlSaysIt) {
  auto f = resolve_failure("web", {ErrorCode::kTimeout, "no reply within the 1000 ms allowed"},
                           milliseconds(1001));
  EXPECT_EQ(error_line(f), "wg-curl: (28) Resolving timed out after 1001 milliseconds");
  EXPECT_EQ(resolve_failure("web", {ErrorCode::kResolve, "NXDOMAIN"}, milliseconds(5)).code, 6);
}

}  // namespace
}  // namespace wgnet::curl
