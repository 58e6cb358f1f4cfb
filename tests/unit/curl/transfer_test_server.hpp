// A small HTTP/1.1 server on 127.0.0.1 for the transfer engine's tests: keep-alive, bodies by
// Content-Length, one poll() thread, a handler that maps each request to a response. Every
// request is recorded so a test can see what the client really sent (method, headers, body,
// and on which connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "wgnet/fd.hpp"

namespace wgnet::test {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // 1 for the first connection accepted, 2 for the next...

  // First header of that name (ASCII case-insensitive).
  std::optional<std::string> header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;   // never answer (the client must time out)
  bool close = false;  // close the connection after the response
};

class TestHttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::vector<HttpRequest> requests() const;
  int connections() const { return connections_; }

 private:
  struct Client {
    Fd fd;
    int id = 0;
    std::string in;
    bool hung = false;
  };
  void run();
  // Parses and answers every complete request buffered for `client`; false: close it.
  bool serve(Client& client);

  Handler handler_;
  Fd listener_;
  Fd wake_read_, wake_write_;
  uint16_t port_ = 0;
  std::atomic<int> connections_ = 0;
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

// The status line's reason phrase for the few codes the tests use.
std::string reason_phrase(int status);

}  // namespace wgnet::test
