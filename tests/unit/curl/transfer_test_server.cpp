#include "transfer_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <stdexcept>

namespace wgnet::test {
namespace {

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return;  // the client went away; the test sees that on its side
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::optional<std::string> HttpRequest::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

TestHttpServer::TestHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!listener_ || ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
      ::listen(listener_.get(), 16) < 0) {
    throw std::runtime_error(std::string("test server: ") + std::strerror(errno));
  }
  socklen_t len = sizeof sa;
  ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) throw std::runtime_error("test server: pipe");
  wake_read_.reset(pipe_fds[0]);
  wake_write_.reset(pipe_fds[1]);
  thread_ = std::thread([this] { run(); });
}

TestHttpServer::~TestHttpServer() {
  char byte = 'x';
  (void)!::write(wake_write_.get(), &byte, 1);
  thread_.join();
}

std::vector<HttpRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void TestHttpServer::run() {
  std::list<Client> clients;
  for (;;) {
    std::vector<pollfd> fds{{wake_read_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    for (const auto& c : clients) fds.push_back({c.fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 10000) < 0 && errno != EINTR) return;
    if (fds[0].revents) return;
    if (fds[1].revents & POLLIN) {
      Fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (fd) clients.push_back(Client{std::move(fd), ++connections_, {}, false});
    }
    size_t i = 2;
    for (auto it = clients.begin(); it != clients.end(); ++i) {
      if (i >= fds.size() || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        ++it;
        continue;
      }
      char buf[65536];
      ssize_t n = ::recv(it->fd.get(), buf, sizeof buf, 0);
      if (n <= 0) {
        it = clients.erase(it);
        continue;
      }
      it->in.append(buf, static_cast<size_t>(n));
      if (!serve(*it)) {
        it = clients.erase(it);
        continue;
      }
      ++it;
    }
  }
}

bool TestHttpServer::serve(Client& client) {
  for (;;) {
    if (client.hung) {
      client.in.clear();
      return true;
    }
    size_t end = client.in.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    HttpRequest req;
    req.connection = client.id;
    std::string head = client.in.substr(0, end);
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos)
        req.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
      pos = next + 2;
    }
    size_t length = 0;
    if (auto cl = req.header("Content-Length")) length = std::stoul(*cl);
    if (client.in.size() < end + 4 + length) {
      if (req.header("Expect") && client.in.size() == end + 4) {
        write_all(client.fd.get(), "HTTP/1.1 100 Continue\r\n\r\n");
      }
      return true;
    }
    req.body = client.in.substr(end + 4, length);
    client.in.erase(0, end + 4 + length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
    }
    HttpResponse resp = handler_(req);
    if (resp.hang) {
      client.hung = true;
      return true;
    }
    std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " " +
                      reason_phrase(resp.status) + "\r\n";
    bool has_length = false;
    for (const auto& [n, v] : resp.headers) {
      out += n + ": " + v + "\r\n";
      if (iequals(n, "Content-Length")) has_length = true;
    }
    if (!has_length) out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
    if (resp.close) out += "Connection: close\r\n";
    out += "\r\n";
    if (req.method != "HEAD") out += resp.body;
    write_all(client.fd.get(), out);
    if (resp.close) return false;
  }
}

}  // namespace wgnet::test
