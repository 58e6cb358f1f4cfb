// libcurl on connections from a Tunnel (the loopback double): the socket callbacks, the
// connect()/getpeername()/getsockname() shim for libcurl 7.88 (its "already connected" bug,
// its addresses from getpeername), reuse and close. The double's sockets are connected TCP
// sockets, on which a real second connect() fails with EISCONN: these tests fail without it.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "curl_handle.hpp"
#include "tools/loopback_tunnel.hpp"
#include "transfer_test_server.hpp"
#include "tunnel_socket.hpp"

namespace wgnet::curl {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct Fixture {
  CurlGlobal global;
  test::LoopbackTunnel tunnel;
  std::string lines;
  tools::Diagnostics diag{"wg-curl", 1,
                          [this](std::string_view l) { lines += std::string(l) + "\n"; }};
};

TEST(TransferSocket, GetThroughTunnelSocketsReusesTheConnection) {
  Fixture f;
  test::TestHttpServer server([](const test::HttpRequest& r) {
    return test::HttpResponse{200, {}, "hello " + r.target};
  });
  std::string body;
  {
    TunnelSockets sockets(f.tunnel, f.diag);
    EasyHandle easy(curl_easy_init());
    ASSERT_TRUE(easy);
    sockets.install(easy.get());
    std::string port = std::to_string(server.port());
    StringList resolve;
    ASSERT_TRUE(resolve.append("localhost:" + port + ":127.0.0.1"));
    curl_easy_setopt(easy.get(), CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
    for (const char* path : {"/a", "/b"}) {
      std::string url = "http://localhost:" + port + path;
      curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
      ASSERT_EQ(curl_easy_perform(easy.get()), CURLE_OK);
    }
    EXPECT_EQ(sockets.dials(), 1);  // the second request reused the connection
    EXPECT_EQ(sockets.open_count(), 1u);
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(easy.get(), CURLINFO_ACTIVESOCKET, &fd);
    auto endpoints = sockets.endpoints(fd, std::nullopt);
    ASSERT_TRUE(endpoints);
    EXPECT_EQ(endpoints->remote.port, server.port());
    // libcurl reads the connection's addresses with getpeername()/getsockname(), which answer
    // with the tunnel's endpoints for our sockets (a socketpair would say nothing).
    char* primary = nullptr;
    long local_port = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_PRIMARY_IP, &primary);
    curl_easy_getinfo(easy.get(), CURLINFO_LOCAL_PORT, &local_port);
    EXPECT_STREQ(primary, "127.0.0.1");
    EXPECT_EQ(local_port, endpoints->local.port);
    easy.reset();  // closes the connection through the close callback
    EXPECT_EQ(sockets.open_count(), 0u);
    // After the close, the latest connection to that remote is still known for -w.
    EXPECT_TRUE(sockets.endpoints(fd, endpoints->remote));
  }
  EXPECT_EQ(body, "hello /ahello /b");
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(f.tunnel.dials(), 1);
}

TEST(TransferSocket, FailedDialIsCouldntConnectWithTheTunnelsReason) {
  Fixture f;
  TunnelSockets sockets(f.tunnel, f.diag);
  EasyHandle easy(curl_easy_init());
  sockets.install(easy.get());
  // The double reaches 127.0.0.1 only: 127.0.0.2 fails at the dial, as a host the tunnel
  // cannot reach does.
  curl_easy_setopt(easy.get(), CURLOPT_URL, "http://127.0.0.2:9/");
  EXPECT_EQ(curl_easy_perform(easy.get()), CURLE_COULDNT_CONNECT);
  auto error = sockets.take_dial_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kNetwork);
  EXPECT_FALSE(sockets.take_dial_error());  // taken
  EXPECT_NE(f.lines.find("connect to 127.0.0.2:9 through the tunnel failed"), std::string::npos);
}

TEST(TransferSocket, ExpiredDeadlineFailsWithoutDialling) {
  Fixture f;
  TunnelSockets sockets(f.tunnel, f.diag);
  EasyHandle easy(curl_easy_init());
  sockets.install(easy.get());
  sockets.set_dial_limits(TunnelSockets::Clock::now() - std::chrono::seconds(1), 1);
  curl_easy_setopt(easy.get(), CURLOPT_URL, "http://127.0.0.1:9/");
  EXPECT_EQ(curl_easy_perform(easy.get()), CURLE_COULDNT_CONNECT);
  auto error = sockets.take_dial_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTimeout);
  EXPECT_EQ(sockets.dials(), 0);
}

}  // namespace
}  // namespace wgnet::curl
