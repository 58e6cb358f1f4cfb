// The transfer engine end to end on the loopback Tunnel double and a local HTTP server: names
// resolved only by the tunnel, redirects followed by the engine with curl's rules, retries,
// resume, cookies across a chain, exit codes and messages.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "curl_handle.hpp"
#include "tools/loopback_tunnel.hpp"
#include "transfer.hpp"
#include "transfer_test_server.hpp"

namespace wgnet::curl {
namespace {

using test::HttpRequest;
using test::HttpResponse;
using test::TestHttpServer;

std::string read_stream(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Outcome {
  int status = -1;
  std::string out;       // what went to stdout
  std::string err;       // the progress meter/bar stream
  std::string messages;  // the Diagnostics lines (errors, warnings, -v)
  long elapsed_ms = 0;
};

class TransferEngine : public testing::Test {
 protected:
  CurlOptions options(std::initializer_list<std::string> urls) {
    CurlOptions o;
    for (const auto& u : urls) {
      UrlTarget t;
      t.url = u;
      o.urls.push_back(t);
    }
    o.silent = true;
    o.show_error = true;
    return o;
  }

  Outcome run(const CurlOptions& o, bool out_is_terminal = false) {
    Outcome result;
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    TransferIo io;
    io.out = out;
    io.err = err;
    io.out_is_terminal = out_is_terminal;
    tools::Diagnostics diag("wg-curl", o.verbosity,
                            [&](std::string_view line) { result.messages += std::string(line) + "\n"; });
    auto start = std::chrono::steady_clock::now();
    result.status = run_transfers(tunnel_, o, io, diag);
    result.elapsed_ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - start)
                                              .count());
    result.out = read_stream(out);
    result.err = read_stream(err);
    std::fclose(out);
    std::fclose(err);
    return result;
  }

  static std::string url(const TestHttpServer& server, const std::string& path) {
    return "http://localhost:" + std::to_string(server.port()) + path;
  }

  CurlGlobal global_;
  test::LoopbackTunnel tunnel_;
};

TEST_F(TransferEngine, GetWithTheTunnelsDnsAndWriteOut) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{200, {}, "hi"}; });
  auto o = options({url(server, "/hello")});
  o.write_out = "%{http_code} %{remote_ip}:%{remote_port} %{local_ip} %{num_connects}";
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "hi200 127.0.0.1:" + std::to_string(server.port()) + " 127.0.0.1 1");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].header("Host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(tunnel_.dials(), 1);
}

TEST_F(TransferEngine, UnknownNameIsExit6AndNothingIsDialled) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{}; });
  auto r = run(options({"http://nosuch:" + std::to_string(server.port()) + "/"}));
  EXPECT_EQ(r.status, 6);
  EXPECT_EQ(r.messages, "wg-curl: (6) Could not resolve host: nosuch\n");
  EXPECT_EQ(tunnel_.dials(), 0);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(TransferEngine, SilentWithoutShowErrorPrintsNothing) {
  auto o = options({"http://nosuch/"});
  o.show_error = false;
  auto r = run(o);
  EXPECT_EQ(r.status, 6);
  EXPECT_EQ(r.messages, "");
}

TEST_F(TransferEngine, RedirectsChangeMethodAsCurlAndSkipRedirectBodies) {
  TestHttpServer server([](const HttpRequest& req) {
    if (req.target == "/302") return HttpResponse{302, {{"Location", "/echo"}}, "REDIRECT BODY"};
    if (req.target == "/307") return HttpResponse{307, {{"Location", "/echo"}}, "REDIRECT BODY"};
    return HttpResponse{200, {}, req.method + ":" + req.body};
  });
  auto o = options({url(server, "/302"), url(server, "/307")});
  o.location = true;
  o.data = "a=1";
  o.write_out = "[%{num_redirects} %{url_effective}]";
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "GET:[1 " + url(server, "/echo") + "]POST:a=1[1 " + url(server, "/echo") + "]");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].method + requests[0].body, "POSTa=1");
  EXPECT_EQ(requests[1].method + requests[1].body, "GET");
  EXPECT_EQ(requests[3].method + requests[3].body, "POSTa=1");
  // One connection for all of it.
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(TransferEngine, IncludeShowsEveryResponseOfTheChain) {
  TestHttpServer server([](const HttpRequest& req) {
    if (req.target == "/r") return HttpResponse{301, {{"Location", "/"}}, "moved"};
    return HttpResponse{200, {{"X-Final", "yes"}}, "done"};
  });
  auto o = options({url(server, "/r")});
  o.location = true;
  o.include = true;
  auto r = run(o);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("HTTP/1.1 301 Moved Permanently\r\n"), 0u) << r.out;
  EXPECT_NE(r.out.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(r.out.find("X-Final: yes\r\n"), std::string::npos);
  EXPECT_EQ(r.out.find("moved"), std::string::npos);
  EXPECT_EQ(r.out.substr(r.out.size() - 4), "done");
}

TEST_F(TransferEngine, CredentialsOnlyToTheFirstOrigin) {
  TestHttpServer second([](const HttpRequest&) { return HttpResponse{200, {}, "second"}; });
  std::string target = url(second, "/x");
  TestHttpServer first([&](const HttpRequest& req) {
    if (req.target == "/same") return HttpResponse{302, {{"Location", "/x"}}, ""};
    if (req.target == "/x") return HttpResponse{200, {}, "first"};
    return HttpResponse{302, {{"Location", target}}, ""};
  });
  auto o = options({url(first, "/other"), url(first, "/same")});
  o.location = true;
  o.user = "user:pw";
  o.headers = {"Cookie: c=1", "X-Kept: 1"};
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "secondfirst");
  auto at_second = second.requests();
  ASSERT_EQ(at_second.size(), 1u);
  EXPECT_FALSE(at_second[0].header("Authorization"));
  EXPECT_FALSE(at_second[0].header("Cookie"));
  EXPECT_EQ(at_second[0].header("X-Kept"), "1");
  auto at_first = first.requests();
  ASSERT_EQ(at_first.size(), 3u);
  for (const auto& req : at_first) {
    EXPECT_EQ(req.header("Authorization"), "Basic dXNlcjpwdw==") << req.target;
    EXPECT_EQ(req.header("Cookie"), "c=1") << req.target;
  }
  // --location-trusted sends them anyway.
  o.location_trusted = true;
  o.urls.resize(1);
  run(o);
  ASSERT_EQ(second.requests().size(), 2u);
  EXPECT_EQ(second.requests()[1].header("Authorization"), "Basic dXNlcjpwdw==");
}

TEST_F(TransferEngine, RedirectToOtherProtocolsIsRefused) {
  TestHttpServer server([](const HttpRequest& req) {
    std::string to = req.target.substr(req.target.find('=') + 1);
    return HttpResponse{302, {{"Location", to}}, "body of the refused redirect"};
  });
  for (std::string target : {"file:///etc/passwd", "scp://localhost/etc/passwd", "gopher://x/"}) {
    auto o = options({url(server, "/r?to=" + target)});
    o.location = true;
    o.write_out = "%{num_redirects}";
    auto r = run(o);
    EXPECT_EQ(r.status, 1) << target;
    std::string scheme = target.substr(0, target.find(':'));
    EXPECT_EQ(r.messages,
              "wg-curl: (1) Protocol \"" + scheme + "\" not supported or disabled in libcurl\n");
    EXPECT_EQ(r.out, "1");  // libcurl counts the redirect it took, then refused
  }
}

TEST_F(TransferEngine, MaxRedirsIsExit47) {
  TestHttpServer server([](const HttpRequest&) {
    return HttpResponse{302, {{"Location", "/loop"}}, ""};
  });
  auto o = options({url(server, "/loop")});
  o.location = true;
  o.max_redirs = 3;
  auto r = run(o);
  EXPECT_EQ(r.status, 47);
  EXPECT_EQ(r.messages, "wg-curl: (47) Maximum (3) redirects followed\n");
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(TransferEngine, FailAndFailWithBody) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{404, {}, "not here"}; });
  auto o = options({url(server, "/")});
  o.fail = FailMode::kFail;
  auto r = run(o);
  EXPECT_EQ(r.status, 22);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.messages, "wg-curl: (22) The requested URL returned error: 404\n");
  o.fail = FailMode::kFailWithBody;
  r = run(o);
  EXPECT_EQ(r.status, 22);
  EXPECT_EQ(r.out, "not here");
  o.fail = FailMode::kNone;
  EXPECT_EQ(run(o).status, 0);
}

TEST_F(TransferEngine, MaxTimeOnAServerThatNeverAnswers) {
  TestHttpServer server([](const HttpRequest&) {
    HttpResponse hang;
    hang.hang = true;
    return hang;
  });
  auto o = options({url(server, "/hang")});
  o.max_time = std::chrono::milliseconds(300);
  auto r = run(o);
  EXPECT_EQ(r.status, 28);
  EXPECT_EQ(r.messages.rfind("wg-curl: (28) Operation timed out after ", 0), 0u) << r.messages;
  EXPECT_GE(r.elapsed_ms, 250);
  EXPECT_LT(r.elapsed_ms, 3000);
}

TEST_F(TransferEngine, UnreachableHostFailsAtTheDialWithItsReason) {
  auto o = options({"http://127.0.0.2:9/"});
  auto r = run(o);
  EXPECT_EQ(r.status, 7);
  EXPECT_NE(r.messages.find("(the loopback double only reaches 127.0.0.1)"), std::string::npos)
      << r.messages;
}

TEST_F(TransferEngine, TheLastUrlDecidesTheStatus) {
  TestHttpServer server([](const HttpRequest& req) {
    return req.target == "/bad" ? HttpResponse{500, {}, ""} : HttpResponse{200, {}, "ok"};
  });
  auto o = options({url(server, "/bad"), url(server, "/good")});
  o.fail = FailMode::kFail;
  auto r = run(o);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.messages, "wg-curl: (22) The requested URL returned error: 500\n");
  o.urls = {o.urls[1], o.urls[0]};
  EXPECT_EQ(run(o).status, 22);
}

TEST_F(TransferEngine, RetryAfterA503) {
  int calls = 0;
  TestHttpServer server([&](const HttpRequest&) {
    return ++calls == 1 ? HttpResponse{503, {}, "busy"} : HttpResponse{200, {}, "fine"};
  });
  std::string path = testing::TempDir() + "wgcurl_retry_test.txt";
  auto o = options({url(server, "/")});
  o.urls[0].output = path;
  o.retry = 2;
  o.silent = false;
  o.progress = ProgressMode::kNone;
  auto r = run(o);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_GE(r.elapsed_ms, 950);
  EXPECT_EQ(r.messages,
            "wg-curl: warning: Problem : HTTP error. Will retry in 1 seconds. 2 retries left.\n"
            "Throwing away 4 bytes\n");
  EXPECT_EQ(read_file(path), "fine");  // the first attempt's body was thrown away
  std::remove(path.c_str());
}

TEST_F(TransferEngine, ResumeAppendsFromTheFilesSize) {
  TestHttpServer server([](const HttpRequest& req) {
    if (req.header("Range") == "bytes=5-")
      return HttpResponse{206, {{"Content-Range", "bytes 5-9/10"}}, "56789"};
    return HttpResponse{200, {}, "0123456789"};
  });
  std::string path = testing::TempDir() + "wgcurl_resume_engine.bin";
  std::ofstream(path) << "01234";
  auto o = options({url(server, "/file")});
  o.urls[0].output = path;
  o.resume = Resume{true, 0};
  o.write_out = "%{http_code} %{size_download}";
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "206 5");
  EXPECT_EQ(read_file(path), "0123456789");
  std::remove(path.c_str());
}

TEST_F(TransferEngine, CookieSetByARedirectIsSentOnTheNextHopAndSavedInTheJar) {
  TestHttpServer server([](const HttpRequest& req) {
    if (req.target == "/set")
      return HttpResponse{302, {{"Location", "/show"}, {"Set-Cookie", "k=v; Path=/"}}, ""};
    return HttpResponse{200, {}, req.header("Cookie").value_or("(none)")};
  });
  std::string jar = testing::TempDir() + "wgcurl_jar_test.txt";
  std::remove(jar.c_str());
  auto o = options({url(server, "/set")});
  o.location = true;
  o.cookie_jar = jar;
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "k=v");
  EXPECT_NE(read_file(jar).find("\tk\tv"), std::string::npos);
  // -b FILE reads it back; the file's cookie is sent once, not re-read before every hop.
  auto again = options({url(server, "/show")});
  again.cookie_files = {jar};
  EXPECT_EQ(run(again).out, "k=v");
  std::remove(jar.c_str());
}

TEST_F(TransferEngine, UploadIsSentAgainAfterA307) {
  std::string path = testing::TempDir() + "wgcurl_upload_test.txt";
  std::ofstream(path) << "payload";
  TestHttpServer server([](const HttpRequest& req) {
    if (req.target.rfind("/first/", 0) == 0) return HttpResponse{307, {{"Location", "/stored"}}, ""};
    return HttpResponse{201, {}, req.method + " " + req.target + " " + req.body};
  });
  auto o = options({url(server, "/first/")});
  o.urls[0].upload = path;
  o.location = true;
  auto r = run(o);
  EXPECT_EQ(r.status, 0) << r.messages;
  EXPECT_EQ(r.out, "PUT /stored payload");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  // -T FILE to a URL ending in '/' appends the file's name.
  EXPECT_EQ(requests[0].target, "/first/wgcurl_upload_test.txt");
  EXPECT_EQ(requests[0].body, "payload");
  std::remove(path.c_str());
}

TEST_F(TransferEngine, ProgressBarOnTheErrorStream) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{200, {}, std::string(100000, 'x')}; });
  auto o = options({url(server, "/")});
  o.silent = false;
  o.progress = ProgressMode::kBar;
  auto r = run(o);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("100.0%"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
  // Output to a terminal: neither bar nor meter.
  o.urls[0].output = "-";
  r = run(o, true);
  EXPECT_EQ(r.err, "");
}

TEST_F(TransferEngine, BinaryBodyForATerminalIsRefusedWithCurlsWarningOnly) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{200, {}, std::string("a\0b", 3)}; });
  auto o = options({url(server, "/")});
  o.silent = false;
  o.progress = ProgressMode::kNone;
  auto r = run(o, true);
  EXPECT_EQ(r.status, 23);
  EXPECT_EQ(r.messages.rfind("wg-curl: warning: Binary output can mess up your terminal.", 0), 0u)
      << r.messages;
  EXPECT_EQ(r.messages.find("(23)"), std::string::npos);
}

}  // namespace
}  // namespace wgnet::curl
