#include "services.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "demo_configs.hpp"
#include "write_all.hpp"

namespace demo {

namespace {

using std::chrono::milliseconds;
constexpr milliseconds kPollStep{250};  // how soon a blocked service notices stop()

// Waits until fd is readable or the service is stopping; false when stopping.
bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(kPollStep.count()));
    if (r > 0) return true;
  }
  return false;
}

void echo_connection(wgnet::Connection conn, const std::atomic<bool>& stopping) {
  uint8_t buf[65536];
  while (wait_readable(conn.fd.get(), stopping)) {
    ssize_t n = ::read(conn.fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    if (!wgnet::tools::write_all(conn.fd.get(), buf, static_cast<size_t>(n))) break;
  }
}

std::string page_for(const wgnet::Connection& conn) {
  return "<!doctype html>\n<html><head><title>wgnet demo</title></head><body>\n"
         "<h1>Hello from inside the tunnel</h1>\n<p>This page came from the wgnet demo peer at " +
         conn.local.to_string() + ", to " + conn.remote.to_string() +
         ", over an in-process WireGuard tunnel.</p>\n</body></html>\n";
}

void http_connection(wgnet::Connection conn, const std::atomic<bool>& stopping) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
    if (!wait_readable(conn.fd.get(), stopping)) return;
    ssize_t n = ::read(conn.fd.get(), buf, sizeof buf);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  bool head = request.rfind("HEAD ", 0) == 0;
  bool get = request.rfind("GET ", 0) == 0;
  std::string body = get || head ? page_for(conn) : "only GET and HEAD are served here\n";
  std::string status = get || head ? "200 OK" : "405 Method Not Allowed";
  std::string reply = "HTTP/1.1 " + status + "\r\nServer: wgnet-demo-peer\r\nContent-Type: " +
                      (get || head ? "text/html" : "text/plain") +
                      "; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + (head ? "" : body);
  wgnet::tools::write_all(conn.fd.get(), reply);
  ::shutdown(conn.fd.get(), SHUT_WR);
}

}  // namespace

void Services::spawn(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  threads_.emplace_back(std::move(fn));
}

void Services::serve_tcp(std::unique_ptr<wgnet::TcpListener> listener,
                         std::function<void(wgnet::Connection)> handle) {
  std::shared_ptr<wgnet::TcpListener> owned(std::move(listener));
  spawn([this, owned, handle] {
    while (!stopping_) {
      auto conn = owned->accept(kPollStep);
      if (!conn) continue;
      if (log_) log_("connection from " + conn->remote.to_string() + " to " + conn->local.to_string());
      auto shared = std::make_shared<wgnet::Connection>(std::move(*conn));
      spawn([shared, handle] { handle(std::move(*shared)); });
    }
  });
}

void Services::serve_udp(std::unique_ptr<wgnet::UdpSocket> socket,
                         std::function<std::vector<uint8_t>(std::span<const uint8_t>)> answer) {
  std::shared_ptr<wgnet::UdpSocket> owned(std::move(socket));
  spawn([this, owned, answer] {
    std::vector<uint8_t> buf(65536);
    while (!stopping_) {
      wgnet::Endpoint from;
      auto n = owned->recv_from(buf, from, kPollStep);
      if (!n) continue;
      auto reply = answer({buf.data(), *n});
      if (!reply.empty()) (void)owned->send_to(reply, from);
    }
  });
}

wgnet::Result<void> Services::start(const std::function<void(const std::string&)>& log,
                                    const std::vector<Forward>& forwards) {
  log_ = log;
  auto echo = tunnel_.listen_tcp("", 7);
  if (!echo) return echo.error();
  auto http = tunnel_.listen_tcp("", 80);
  if (!http) return http.error();
  auto udp_echo = tunnel_.bind_udp("", 7);
  if (!udp_echo) return udp_echo.error();
  auto dns = tunnel_.bind_udp(kPeerV4, 53);
  if (!dns) return dns.error();
  serve_tcp(std::move(*echo), [this](wgnet::Connection c) { echo_connection(std::move(c), stopping_); });
  serve_tcp(std::move(*http), [this](wgnet::Connection c) { http_connection(std::move(c), stopping_); });
  serve_udp(std::move(*udp_echo),
            [](std::span<const uint8_t> d) { return std::vector<uint8_t>(d.begin(), d.end()); });
  serve_udp(std::move(*dns), answer_dns_query);
  for (const Forward& f : forwards) {
    auto listener = tunnel_.listen_tcp("", f.tunnel_port);
    if (!listener) return listener.error();
    serve_tcp(std::move(*listener), [this, target = f.target](wgnet::Connection c) {
      forward_connection(std::move(c), target, stopping_);
    });
  }
  return {};
}

void Services::stop() {
  stopping_ = true;
  // Joining may let a finishing accept loop spawn one last handler: drain until empty.
  for (;;) {
    std::vector<std::thread> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(threads_);
    }
    if (batch.empty()) break;
    for (auto& t : batch) t.join();
  }
}

}  // namespace demo
