// The transfer engine's pure rules: redirects (libcurl 7.88's Curl_follow), retries (curl's
// tool_operate.c), CURLOPT_RESOLVE entries, exit codes and messages, timings across a chain,
// request URLs and headers, the -# bar.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "output.hpp"
#include "progress.hpp"
#include "redirect.hpp"
#include "response_headers.hpp"
#include "retry.hpp"
#include "transfer_error.hpp"
#include "transfer_info.hpp"
#include "transfer_request.hpp"
#include "transfer_setup.hpp"
#include "transfer_verbose.hpp"
#include "tunnel_resolve.hpp"

namespace wgnet::curl {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// --- redirects ---------------------------------------------------------------------------

TEST(TransferRedirect, MethodAfterEachStatusFollowsLibcurl) {
  RedirectPolicy p;
  // 301/302: POST (data or form) becomes GET; PUT and HEAD stay.
  for (long status : {301L, 302L}) {
    EXPECT_EQ(kind_after_redirect(RequestKind::kPost, status, p), RequestKind::kGet);
    EXPECT_EQ(kind_after_redirect(RequestKind::kMimePost, status, p), RequestKind::kGet);
    EXPECT_EQ(kind_after_redirect(RequestKind::kPut, status, p), RequestKind::kPut);
    EXPECT_EQ(kind_after_redirect(RequestKind::kHead, status, p), RequestKind::kHead);
  }
  // 303: everything but HEAD becomes GET.
  EXPECT_EQ(kind_after_redirect(RequestKind::kPost, 303, p), RequestKind::kGet);
  EXPECT_EQ(kind_after_redirect(RequestKind::kPut, 303, p), RequestKind::kGet);
  EXPECT_EQ(kind_after_redirect(RequestKind::kHead, 303, p), RequestKind::kHead);
  // 307/308 keep the method and its body.
  for (long status : {307L, 308L}) {
    EXPECT_EQ(kind_after_redirect(RequestKind::kPost, status, p), RequestKind::kPost);
    EXPECT_EQ(kind_after_redirect(RequestKind::kPut, status, p), RequestKind::kPut);
  }
}

TEST(TransferRedirect, Post30xOptionsKeepPost) {
  RedirectPolicy p;
  p.post301 = p.post302 = p.post303 = true;
  EXPECT_EQ(kind_after_redirect(RequestKind::kPost, 301, p), RequestKind::kPost);
  EXPECT_EQ(kind_after_redirect(RequestKind::kPost, 302, p), RequestKind::kPost);
  EXPECT_EQ(kind_after_redirect(RequestKind::kMimePost, 303, p), RequestKind::kMimePost);
  // --post303 is about POST only: a PUT still becomes GET.
  EXPECT_EQ(kind_after_redirect(RequestKind::kPut, 303, p), RequestKind::kGet);
  p.post302 = false;
  EXPECT_EQ(kind_after_redirect(RequestKind::kPost, 302, p), RequestKind::kGet);
}

TEST(TransferRedirect, StepDoneFollowOrFail) {
  RedirectPolicy p;
  p.follow = true;
  p.max_redirs = 2;
  // Not a redirect, no Location, or -L not given: done.
  EXPECT_EQ(next_redirect_step(p, RequestKind::kGet, 200, "http://a/", 0).action,
            RedirectStep::Action::kDone);
  EXPECT_EQ(next_redirect_step(p, RequestKind::kGet, 302, std::nullopt, 0).action,
            RedirectStep::Action::kDone);
  RedirectPolicy off = p;
  off.follow = false;
  EXPECT_EQ(next_redirect_step(off, RequestKind::kGet, 302, "http://a/", 0).action,
            RedirectStep::Action::kDone);

  auto step = next_redirect_step(p, RequestKind::kPost, 302, "http://web2.lab.wgnet/x", 1);
  EXPECT_EQ(step.action, RedirectStep::Action::kFollow);
  EXPECT_EQ(step.url, "http://web2.lab.wgnet/x");
  EXPECT_EQ(step.kind, RequestKind::kGet);

  step = next_redirect_step(p, RequestKind::kGet, 302, "http://a/", 2);
  EXPECT_EQ(step.action, RedirectStep::Action::kFail);
  EXPECT_EQ(step.exit_code, 47);
  EXPECT_EQ(step.message, "Maximum (2) redirects followed");

  p.max_redirs = -1;  // no limit
  EXPECT_EQ(next_redirect_step(p, RequestKind::kGet, 301, "https://a/", 1000).action,
            RedirectStep::Action::kFollow);
}

TEST(TransferRedirect, OnlyHttpAndHttpsTargets) {
  RedirectPolicy p;
  p.follow = true;
  for (const char* url : {"file:///etc/passwd", "scp://web/etc/passwd", "gopher://web/",
                          "ftp://web/", "dict://web/"}) {
    auto step = next_redirect_step(p, RequestKind::kGet, 302, std::string(url), 0);
    EXPECT_EQ(step.action, RedirectStep::Action::kFail) << url;
    EXPECT_EQ(step.exit_code, 1) << url;
    std::string scheme(url, std::string(url).find(':'));
    EXPECT_EQ(step.message, "Protocol \"" + scheme + "\" not supported or disabled in libcurl");
  }
  p.allow_http = false;  // --proto-redir =https
  EXPECT_EQ(next_redirect_step(p, RequestKind::kGet, 302, "http://a/", 0).exit_code, 1);
  EXPECT_EQ(next_redirect_step(p, RequestKind::kGet, 302, "https://a/", 0).action,
            RedirectStep::Action::kFollow);
}

TEST(TransferRedirect, CredentialsStayWithTheFirstOrigin) {
  Origin first{"http", "web.lab.wgnet", 80};
  EXPECT_TRUE(credentials_allowed(first, {"http", "WEB.lab.wgnet", 80}, false));
  EXPECT_FALSE(credentials_allowed(first, {"http", "web2.lab.wgnet", 80}, false));
  EXPECT_FALSE(credentials_allowed(first, {"http", "web.lab.wgnet", 8080}, false));
  EXPECT_FALSE(credentials_allowed(first, {"https", "web.lab.wgnet", 80}, false));
  EXPECT_TRUE(credentials_allowed(first, {"http", "web2.lab.wgnet", 80}, true));
  EXPECT_TRUE(custom_host_allowed(first, {"https", "web.lab.wgnet", 443}));
  EXPECT_FALSE(custom_host_allowed(first, {"http", "web2.lab.wgnet", 80}));
}

// --- URLs and name resolution ---------------------------------------------------------------

TEST(TransferResolve, UrlHostAndPort) {
  struct UrlCase {
    const char* input;
    const char* url;  // as libcurl gets it: scheme guessed or lower-cased
    const char* scheme;
    const char* host;
    uint16_t port;
    bool ip_literal;
    bool has_credentials;
  };
  const UrlCase cases[] = {
      {"web/x", "http://web/x", "http", "web", 80, false, false},
      {"HTTPS://[fd77::1]:8443/", "https://[fd77::1]:8443/", "https", "fd77::1", 8443, true, false},
      {"https://user:pw@10.77.0.1/", "https://user:pw@10.77.0.1/", "https", "10.77.0.1", 443, true,
       true},
      {"file:///etc/passwd", "file:///etc/passwd", "file", "", 0, false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto u = parse_url_host(c.input);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->url, c.url);
    EXPECT_EQ(u->scheme, c.scheme);
    EXPECT_EQ(u->host, c.host);
    EXPECT_EQ(u->port, c.port);
    EXPECT_EQ(u->ip_literal, c.ip_literal);
    EXPECT_EQ(u->has_credentials, c.has_credentials);
  }
  EXPECT_FALSE(parse_url_host("http://web:99999/"));
  EXPECT_FALSE(parse_url_host("http://[fd77::1/"));
}

TEST(TransferResolve, EntryForCurloptResolve) {
  EXPECT_EQ(resolve_entry("web", 80,
                          {*IpAddress::parse("fd77::1"), *IpAddress::parse("10.77.0.1")}),
            "web:80:[fd77::1],10.77.0.1");
  EXPECT_EQ(resolve_entry("web2.lab.wgnet", 443, {*IpAddress::parse("10.77.0.3")}),
            "web2.lab.wgnet:443:10.77.0.3");
}

TEST(TransferResolve, UserResolveEntriesLastWins) {
  std::vector<ResolveEntry> entries(3);
  entries[0] = {"a.example:80:10.0.0.1", "a.example", 80, {"10.0.0.1"}, false, false};
  entries[1] = {"A.example:80:10.0.0.2", "A.example", 80, {"10.0.0.2"}, false, false};
  entries[2] = {"b.example:443:10.0.0.3", "b.example", 443, {"10.0.0.3"}, false, false};
  const ResolveEntry* found = user_resolve_for(entries, "a.example", 80);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->addresses.front(), "10.0.0.2");
  EXPECT_EQ(user_resolve_for(entries, "a.example", 443), nullptr);
  EXPECT_EQ(user_resolve_for(entries, "b.example", 80), nullptr);
  entries.push_back({"-a.example:80", "a.example", 80, {}, true, false});
  EXPECT_EQ(user_resolve_for(entries, "a.example", 80), nullptr);
}

TEST(TransferResolve, ConnectToTargets) {
  std::vector<std::string> entries{"web:80:web2:8080", "::[fd77::1]:", ":443:10.77.0.3:"};
  auto t = connect_to_target(entries, "web", 80);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, std::make_pair(std::string("web2"), uint16_t{8080}));
  t = connect_to_target(entries, "other", 80);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, std::make_pair(std::string("fd77::1"), uint16_t{80}));
  t = connect_to_target({":443:10.77.0.3:"}, "web", 443);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, std::make_pair(std::string("10.77.0.3"), uint16_t{443}));
  EXPECT_FALSE(connect_to_target({":443:10.77.0.3:"}, "web", 80));
  EXPECT_FALSE(connect_to_target({"broken"}, "web", 80));
}

TEST(TransferRequest, UrlWithGetDataQueryAndUploadName) {
  CurlOptions o;
  EXPECT_EQ(request_url("web/page", o, std::nullopt), "http://web/page");
  o.get = true;
  o.data = "a=1&b=2";
  EXPECT_EQ(request_url("http://web/q?x=0", o, std::nullopt), "http://web/q?x=0&a=1&b=2");
  o.url_query = "c=3";
  EXPECT_EQ(request_url("http://web/q", o, std::nullopt), "http://web/q?a=1&b=2&c=3");
  CurlOptions put;
  EXPECT_EQ(request_url("http://web/dir/", put, "/tmp/my file.txt"),
            "http://web/dir/my%20file.txt");
  EXPECT_EQ(request_url("http://web", put, "a.bin"), "http://web/a.bin");
  EXPECT_EQ(request_url("http://web/named", put, "a.bin"), "http://web/named");
  EXPECT_EQ(request_url("http://web/", put, "-"), "http://web/");
}

TEST(TransferRequest, InitialKind) {
  CurlOptions o;
  UrlTarget t;
  EXPECT_EQ(initial_kind(o, t), RequestKind::kGet);
  o.data = "x";
  EXPECT_EQ(initial_kind(o, t), RequestKind::kPost);
  o.get = true;
  EXPECT_EQ(initial_kind(o, t), RequestKind::kGet);
  o.form.push_back(FormPart{});
  EXPECT_EQ(initial_kind(o, t), RequestKind::kMimePost);
  o.head = true;
  EXPECT_EQ(initial_kind(o, t), RequestKind::kHead);
  t.upload = "file";
  EXPECT_EQ(initial_kind(o, t), RequestKind::kPut);
}

TEST(TransferRequest, HeadersWithoutCredentialsForAnotherOrigin) {
  CurlOptions o;
  o.headers = {"X-A: 1", "authorization: Bearer t", "Cookie: c=1", "Host: alias", "X-Gone:"};
  EXPECT_EQ(request_headers(o, true, true), o.headers);
  EXPECT_EQ(request_headers(o, false, true),
            (std::vector<std::string>{"X-A: 1", "Host: alias", "X-Gone:"}));
  EXPECT_EQ(request_headers(o, false, false), (std::vector<std::string>{"X-A: 1", "X-Gone:"}));
  o.json = true;
  o.headers = {"Accept: text/plain"};
  EXPECT_EQ(request_headers(o, true, true),
            (std::vector<std::string>{"Accept: text/plain", "Content-Type: application/json"}));
}

TEST(TransferRequest, CertParameterSplitsAtTheFirstUnescapedColon) {
  EXPECT_EQ(split_cert_parameter("client.pem"),
            std::make_pair(std::string("client.pem"), std::optional<std::string>{}));
  EXPECT_EQ(split_cert_parameter("client.pem:s3cret:x"),
            std::make_pair(std::string("client.pem"), std::optional<std::string>{"s3cret:x"}));
  EXPECT_EQ(split_cert_parameter("c\\:\\dir.pem:pw"),
            std::make_pair(std::string("c:\\dir.pem"), std::optional<std::string>{"pw"}));
  EXPECT_EQ(protocol_list(true, true), "http,https");
  EXPECT_EQ(protocol_list(false, true), "https");
}

// --- retry ---------------------------------------------------------------------------------

AttemptOutcome outcome(int code, long http, bool refused = false) {
  AttemptOutcome o;
  o.curl_code = code;
  o.http_code = http;
  o.refused = refused;
  return o;
}

TEST(TransferRetry, TransientErrorsAsCurl) {
  RetryPolicy p;
  p.retries = 3;
  EXPECT_EQ(retry_reason(p, outcome(28, 0)), RetryReason::kTimeout);
  EXPECT_EQ(retry_reason(p, outcome(6, 0)), RetryReason::kTimeout);
  EXPECT_EQ(retry_reason(p, outcome(7, 0, true)), RetryReason::kNone);
  for (long code : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_EQ(retry_reason(p, outcome(0, code)), RetryReason::kHttp) << code;
    EXPECT_EQ(retry_reason(p, outcome(22, code)), RetryReason::kHttp) << code;
  }
  EXPECT_EQ(retry_reason(p, outcome(0, 404)), RetryReason::kNone);
  EXPECT_EQ(retry_reason(p, outcome(0, 501)), RetryReason::kNone);
  EXPECT_EQ(retry_reason(p, outcome(60, 0)), RetryReason::kNone);
  p.connection_refused = true;
  EXPECT_EQ(retry_reason(p, outcome(7, 0, true)), RetryReason::kConnectionRefused);
  EXPECT_EQ(retry_reason(p, outcome(7, 0, false)), RetryReason::kNone);
  p.all_errors = true;
  EXPECT_EQ(retry_reason(p, outcome(60, 0)), RetryReason::kAllErrors);
  EXPECT_EQ(retry_reason(p, outcome(0, 404)), RetryReason::kNone);  // success is no error
}

TEST(TransferRetry, DelayDoublesFromOneSecondAndCountsDown) {
  RetryPolicy p;
  p.retries = 3;
  RetryState state(p);
  AttemptOutcome timeout = outcome(28, 0);
  auto d = state.after_attempt(timeout, milliseconds(0));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.sleep, milliseconds(1000));
  EXPECT_EQ(d.warning, "Problem : timeout. Will retry in 1 seconds. 3 retries left.");
  d = state.after_attempt(timeout, milliseconds(0));
  EXPECT_EQ(d.sleep, milliseconds(2000));
  EXPECT_EQ(d.warning, "Problem : timeout. Will retry in 2 seconds. 2 retries left.");
  d = state.after_attempt(outcome(0, 503), milliseconds(0));
  EXPECT_EQ(d.sleep, milliseconds(4000));
  EXPECT_EQ(d.warning, "Problem : HTTP error. Will retry in 4 seconds. 1 retries left.");
  EXPECT_FALSE(state.after_attempt(timeout, milliseconds(0)).retry);  // none left
  EXPECT_FALSE(RetryState(p).after_attempt(outcome(0, 200), milliseconds(0)).retry);
}

TEST(TransferRetry, FixedDelayRetryAfterAndMaxTime) {
  RetryPolicy p;
  p.retries = 5;
  p.delay = seconds(3);
  RetryState fixed(p);
  EXPECT_EQ(fixed.after_attempt(outcome(28, 0), milliseconds(0)).sleep, milliseconds(3000));
  EXPECT_EQ(fixed.after_attempt(outcome(28, 0), milliseconds(0)).sleep, milliseconds(3000));

  RetryPolicy q;
  q.retries = 2;
  RetryState after(q);
  AttemptOutcome busy = outcome(0, 503);
  busy.retry_after = seconds(7);
  EXPECT_EQ(after.after_attempt(busy, milliseconds(0)).sleep, milliseconds(7000));

  q.max_time = seconds(5);
  RetryState bounded(q);
  auto d = bounded.after_attempt(busy, milliseconds(0));  // 0 + 7 s > 5 s
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.warning.find("Retry-After"), std::string::npos);
  EXPECT_FALSE(bounded.after_attempt(outcome(28, 0), milliseconds(6000)).retry);
  EXPECT_TRUE(bounded.after_attempt(outcome(28, 0), milliseconds(1000)).retry);
}

// --- exit codes ----------------------------------------------------------------------------

TEST(TransferError, TunnelErrorsToCurlCodes) {
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kHandshakeTimeout, ""}), 100);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kResolve, ""}), 6);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kTimeout, ""}), 28);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kConnectRefused, ""}), 7);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kNetwork, ""}), 7);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kConfig, ""}), 2);
  EXPECT_EQ(exit_code_for_tunnel_error({ErrorCode::kIo, ""}), 2);

  auto f = resolve_failure("nosuch.lab.wgnet", {ErrorCode::kResolve, "NXDOMAIN"});
  EXPECT_EQ(f.code, 6);
  EXPECT_EQ(error_line(f), "wg-curl: (6) Could not resolve host: nosuch.lab.wgnet");
  EXPECT_EQ(resolve_failure("x", {ErrorCode::kHandshakeTimeout, "no handshake"}).code, 100);
}

TEST(TransferError, DialFailuresExplainCouldntConnect) {
  std::string libcurl_line =
      "Failed to connect to 10.77.0.99 port 80 after 2000 ms: Couldn't connect to server";
  auto f = describe_curl_result(7, libcurl_line, Error{ErrorCode::kTimeout, "timed out"},
                                milliseconds(2001));
  EXPECT_EQ(f.code, 28);
  EXPECT_EQ(f.message, "Connection timed out after 2001 milliseconds");
  f = describe_curl_result(7, libcurl_line, Error{ErrorCode::kNetwork, "no route to 10.9.9.9"},
                           milliseconds(1));
  EXPECT_EQ(f.code, 7);
  EXPECT_EQ(f.message, libcurl_line + " (no route to 10.9.9.9)");
  f = describe_curl_result(7, "", Error{ErrorCode::kHandshakeTimeout, "no handshake"},
                           milliseconds(1));
  EXPECT_EQ(f.code, 100);
  // Without a dial error, libcurl's own words; its strerror when the buffer is empty.
  f = describe_curl_result(60, "SSL certificate problem: x", std::nullopt, milliseconds(1));
  EXPECT_EQ(error_line(f), "wg-curl: (60) SSL certificate problem: x");
  EXPECT_EQ(describe_curl_result(28, "", std::nullopt, milliseconds(1)).message,
            "Timeout was reached");
}

// --- -w numbers across a chain -------------------------------------------------------------

TEST(TransferInfoChain, TimersAddUpAcrossHops) {
  ChainMeasure chain;
  HopMeasure redirect{1000, {10, 200, 0, 210, 500, 600, 100, 50, 1}};
  HopMeasure final_hop{2000, {5, 100, 300, 310, 400, 900, 120, 60, 0}};
  chain.add_hop(redirect);
  chain.add_hop(final_hop);
  TransferInfo info;
  info.size_download = 3900;
  chain.fill(info);
  EXPECT_EQ(info.measure.total_us, 1000 + 600 + 2000 + 900);
  EXPECT_EQ(info.measure.redirect_us, 1600);
  EXPECT_EQ(info.measure.namelookup_us, (1000 + 10) + (2000 + 5));
  EXPECT_EQ(info.measure.connect_us, (1000 + 200) + (2000 + 100));
  EXPECT_EQ(info.measure.appconnect_us, 2000 + 300);  // the plain-HTTP hop had none
  EXPECT_EQ(info.measure.starttransfer_us, (1000 + 500) + (2000 + 400));
  EXPECT_EQ(info.measure.header_size, 220);
  EXPECT_EQ(info.measure.request_size, 110);
  EXPECT_EQ(info.measure.num_connects, 1);
  EXPECT_EQ(info.speed_download, 3900 * 1000000LL / 4500);

  ChainMeasure single;
  single.add_hop(final_hop);
  TransferInfo one;
  single.fill(one);
  EXPECT_EQ(one.measure.redirect_us, 0);
  EXPECT_EQ(one.speed_download, 0);
}

TEST(TransferResponse, StatusLocationAndHeadersOfTheLastResponse) {
  ResponseHeaders r;
  r.on_line("HTTP/1.1 100 Continue\r\n");
  r.on_line("\r\n");
  EXPECT_EQ(r.status(), 100);
  r.on_line("HTTP/1.1 302 Found\r\n");
  r.on_line("location: /next\r\n");
  r.on_line("Content-Length: 0\r\n");
  r.on_line("\r\n");
  EXPECT_TRUE(r.is_redirect());
  r.on_line("HTTP/2 200 \r\n");
  r.on_line("content-type:  text/plain \r\n");
  EXPECT_EQ(r.status(), 200);
  EXPECT_FALSE(r.has_location());
  ASSERT_EQ(r.headers().size(), 1u);
  EXPECT_EQ(r.headers()[0], std::make_pair(std::string("content-type"), std::string("text/plain")));
  r.on_line("HTTP/1.1 304 Not Modified\r\n");
  EXPECT_FALSE(r.is_redirect());  // 3xx without Location: not followed
}

// --- output --------------------------------------------------------------------------------

TEST(TransferOutput, PathsForDashOAndDashCapitalO) {
  UrlTarget t;
  t.url = "http://web/dir/file.bin?x=1";
  EXPECT_EQ(*output_path(t, std::nullopt), std::nullopt);
  t.output = "-";
  EXPECT_EQ(*output_path(t, std::nullopt), std::nullopt);
  t.output = "out.bin";
  EXPECT_EQ(*output_path(t, std::string("d")), std::optional<std::string>("d/out.bin"));
  t.output.reset();
  t.remote_name = true;
  EXPECT_EQ(*output_path(t, std::nullopt), std::optional<std::string>("file.bin"));
  EXPECT_EQ(*output_path(t, std::string("d/")), std::optional<std::string>("d/file.bin"));
  t.url = "http://web/";
  auto none = output_path(t, std::nullopt);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "Remote file name has no length");
}

TEST(TransferOutput, ResumeOffsetFromTheExistingFile) {
  std::string path = testing::TempDir() + "wgcurl_resume_test.bin";
  std::remove(path.c_str());
  EXPECT_EQ(resume_offset(Resume{true, 0}, path), 0);
  std::ofstream(path) << std::string(1234, 'x');
  EXPECT_EQ(resume_offset(Resume{true, 0}, path), 1234);
  EXPECT_EQ(resume_offset(Resume{false, 99}, path), 99);
  EXPECT_EQ(resume_offset(Resume{true, 0}, std::nullopt), 0);
  std::remove(path.c_str());
}

TEST(TransferOutput, FileCreatedOnFirstByteAppendedOnResumeTruncatedOnRetry) {
  std::string dir = testing::TempDir() + "wgcurl_out_test";
  std::string path = dir + "/a/b/out.txt";
  std::remove(path.c_str());
  OutputSink::Settings s;
  s.path = path;
  s.create_dirs = true;
  {
    OutputSink sink(s);
    ASSERT_TRUE(sink.finish(false));  // failed transfer: no file
    struct stat st;
    EXPECT_NE(::stat(path.c_str(), &st), 0);
    ASSERT_TRUE(sink.write("hello ", 6, true));
    ASSERT_TRUE(sink.finish(true));
  }
  s.append = true;
  {
    OutputSink sink(s);
    ASSERT_TRUE(sink.write("world", 5, true));
    EXPECT_EQ(sink.rewind_for_retry(), 5);  // back to the 6 bytes there before
    ASSERT_TRUE(sink.write("there", 5, true));
    ASSERT_TRUE(sink.finish(true));
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "hello there");
}

TEST(TransferOutput, BinaryBodyRefusedOnATerminalUnlessAskedFor) {
  std::FILE* out = std::tmpfile();
  OutputSink::Settings s;
  s.stdout_stream = out;
  s.stdout_is_tty = true;
  OutputSink sink(s);
  EXPECT_TRUE(sink.write("text", 4, true));
  auto refused = sink.write("a\0b", 3, true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.rfind("Binary output can mess up your terminal", 0), 0u);
  s.stdout_explicit = true;  // -o -
  OutputSink explicit_sink(s);
  EXPECT_TRUE(explicit_sink.write("a\0b", 3, true));
  std::fclose(out);
}

// --- progress ------------------------------------------------------------------------------

TEST(TransferProgress, MeterRuleAndBarWidth) {
  EXPECT_TRUE(show_progress(false, false, false));
  EXPECT_FALSE(show_progress(true, false, false));
  EXPECT_FALSE(show_progress(false, true, false));
  EXPECT_FALSE(show_progress(false, false, true));
  EXPECT_EQ(progress_bar_width("120", 0), 120);
  EXPECT_EQ(progress_bar_width("20", 100), 100);  // too small: the terminal's
  EXPECT_EQ(progress_bar_width("abc", 0), 79);
  EXPECT_EQ(progress_bar_width(nullptr, 500), 256);
}

TEST(TransferProgress, BarDrawsHashesAndPercent) {
  ProgressBar bar(27, 0);  // 20 columns of bar
  auto t = ProgressBar::Clock::now();
  EXPECT_EQ(bar.finish(), "");
  EXPECT_EQ(bar.update(1000, 500, 0, 0, t), "\r##########            50.0%");
  // Less than 100 ms later and not done: nothing.
  EXPECT_EQ(bar.update(1000, 600, 0, 0, t + milliseconds(50)), "");
  EXPECT_EQ(bar.update(1000, 1000, 0, 0, t + milliseconds(60)), "\r#################### 100.0%");
  EXPECT_EQ(bar.finish(), "\n");

  ProgressBar resumed(27, 1000);  // -C: the first 1000 bytes count as done
  EXPECT_EQ(resumed.update(1000, 0, 0, 0, t), "\r##########            50.0%");
  EXPECT_EQ(resumed.update(1000, 0, 0, 0, t + milliseconds(200)), "");  // nothing moved
  EXPECT_EQ(resumed.update(1000, 1000, 0, 0, t + milliseconds(300)),
            "\r#################### 100.0%");
}

TEST(TransferProgress, UnknownSizeFlies) {
  ProgressBar bar(40, 0);
  auto t = ProgressBar::Clock::now();
  EXPECT_EQ(bar.update(0, 10, 0, 0, t), "");  // the first call only counts
  std::string frame = bar.update(0, 20, 0, 0, t + milliseconds(150));
  ASSERT_EQ(frame.size(), 40u);
  EXPECT_EQ(frame.back(), '\r');
  EXPECT_NE(frame.find_first_of("-=O"), std::string::npos);  // the slider (partly under '#')
  EXPECT_NE(frame.find('#'), std::string::npos);
}

// --- -v ------------------------------------------------------------------------------------

TEST(TransferVerbose, LinesAsCurlPrintsThem) {
  EXPECT_EQ(verbose_lines(CURLINFO_TEXT, "  Trying 10.77.0.1:80...\n"),
            (std::vector<std::string>{"*   Trying 10.77.0.1:80..."}));
  EXPECT_EQ(verbose_lines(CURLINFO_HEADER_OUT, "GET / HTTP/1.1\r\nHost: web\r\n\r\n"),
            (std::vector<std::string>{"> GET / HTTP/1.1", "> Host: web", "> "}));
  EXPECT_EQ(verbose_lines(CURLINFO_HEADER_IN, "HTTP/1.1 200 OK\r\n"),
            (std::vector<std::string>{"< HTTP/1.1 200 OK"}));
  EXPECT_TRUE(verbose_lines(CURLINFO_DATA_IN, "body").empty());
  EXPECT_TRUE(verbose_lines(CURLINFO_SSL_DATA_OUT, "\x16\x03").empty());
}

}  // namespace
}  // namespace wgnet::curl
