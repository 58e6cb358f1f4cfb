#include "services.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "demo_configs.hpp"
#include "write_all.hpp"

namespace demo {

namespace {

using std::chrono::milliseconds;

// Waits until fd is readable (or hung up) or stop_fd is; false when stopping.
bool wait_readable(int fd, int stop_fd) {
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int r = ::poll(p, 2, -1);
    if (r < 0 && errno != EINTR) return false;
    if (p[1].revents != 0) return false;
    if (p[0].revents != 0) return true;
  }
}

void echo_connection(wgnet::Connection conn, int stop_fd) {
  uint8_t buf[65536];
  while (wait_readable(conn.fd.get(), stop_fd)) {
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

void http_connection(wgnet::Connection conn, int stop_fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
    if (!wait_readable(conn.fd.get(), stop_fd)) return;
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

Services::Services(wgnet::Tunnel& tunnel)
    : tunnel_(tunnel), stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void Services::spawn(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  threads_.emplace_back(std::move(fn));
}

void Services::serve_tcp(std::unique_ptr<wgnet::TcpListener> listener,
                         std::function<void(wgnet::Connection)> handle) {
  std::shared_ptr<wgnet::TcpListener> owned(std::move(listener));
  {
    std::lock_guard lock(mu_);
    listeners_.push_back(owned);
  }
  spawn([this, owned, handle] {
    for (;;) {
      auto conn = owned->accept(milliseconds{0});
      if (!conn) break;  // waiting forever, the only error is kClosed: stop() was called
      if (log_)
        log_("connection from " + conn->remote.to_string() + " to " + conn->local.to_string());
      auto shared = std::make_shared<wgnet::Connection>(std::move(*conn));
      spawn([shared, handle] { handle(std::move(*shared)); });
    }
  });
}

void Services::serve_udp(std::unique_ptr<wgnet::UdpSocket> socket,
                         std::function<std::vector<uint8_t>(std::span<const uint8_t>)> answer) {
  std::shared_ptr<wgnet::UdpSocket> owned(std::move(socket));
  {
    std::lock_guard lock(mu_);
    sockets_.push_back(owned);
  }
  spawn([owned, answer] {
    std::vector<uint8_t> buf(65536);
    for (;;) {
      wgnet::Endpoint from;
      auto n = owned->recv_from(buf, from, milliseconds{0});
      if (!n) break;  // kClosed: stop() was called
      auto reply = answer({buf.data(), *n});
      if (!reply.empty()) (void)owned->send_to(reply, from);
    }
  });
}

wgnet::Result<void> Services::start(const std::function<void(const std::string&)>& log,
                                    const std::vector<Forward>& forwards) {
  log_ = log;
  if (!stop_fd_)
    return wgnet::make_error(wgnet::ErrorCode::kIo,
                             std::string("eventfd: ") + std::strerror(errno));
  auto echo = tunnel_.listen_tcp("", 7);
  if (!echo) return echo.error();
  auto http = tunnel_.listen_tcp("", 80);
  if (!http) return http.error();
  auto udp_echo = tunnel_.bind_udp("", 7);
  if (!udp_echo) return udp_echo.error();
  auto dns = tunnel_.bind_udp(kPeerV4, 53);
  if (!dns) return dns.error();
  serve_tcp(std::move(*echo),
            [this](wgnet::Connection c) { echo_connection(std::move(c), stop_fd_.get()); });
  serve_tcp(std::move(*http),
            [this](wgnet::Connection c) { http_connection(std::move(c), stop_fd_.get()); });
  serve_udp(std::move(*udp_echo),
            [](std::span<const uint8_t> d) { return std::vector<uint8_t>(d.begin(), d.end()); });
  serve_udp(std::move(*dns), answer_dns_query);
  for (const Forward& f : forwards) {
    auto listener = tunnel_.listen_tcp("", f.tunnel_port);
    if (!listener) return listener.error();
    serve_tcp(std::move(*listener), [this, target = f.target](wgnet::Connection c) {
      forward_connection(std::move(c), target, stop_fd_.get());
    });
  }
  return {};
}

void Services::stop() {
  uint64_t one = 1;
  if (stop_fd_) (void)!::write(stop_fd_.get(), &one, sizeof one);
  {
    std::lock_guard lock(mu_);
    for (auto& l : listeners_) l->close();
    for (auto& s : sockets_) s->close();
  }
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
