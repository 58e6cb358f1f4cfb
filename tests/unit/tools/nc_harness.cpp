#include "tools/nc_harness.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wgnet::test {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  return sa;
}

int remaining_ms(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

Pipe Pipe::make() {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::string read_bytes(int fd, size_t want, std::chrono::milliseconds limit) {
  std::string out;
  auto deadline = Clock::now() + limit;
  char buf[65536];
  while (out.size() < want) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string read_until_eof(int fd, std::chrono::milliseconds limit) {
  return read_bytes(fd, std::string::npos, limit);
}

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ASSERT_GT(n, 0) << "write: " << std::strerror(errno);
    done += static_cast<size_t>(n);
  }
}

bool stays_quiet(int fd, std::chrono::milliseconds quiet) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(quiet.count())) == 0;
}

TcpServer::TcpServer(int backlog) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  sockaddr_in sa = loopback(0);
  EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  EXPECT_EQ(::listen(fd_.get(), backlog), 0);
  port_ = local_port(fd_.get());
}

Fd TcpServer::accept(std::chrono::milliseconds limit) {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return Fd();
  return Fd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
}

Fd connect_tcp(uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(port);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0)
      << std::strerror(errno);
  return fd;
}

Fd udp_socket() {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(0);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

uint16_t closed_port() {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa = loopback(0);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  return local_port(fd.get());  // released when fd closes; nothing listens there
}

NcRun::NcRun(nc::NcOptions options)
    : options_(std::move(options)), stdin_(Pipe::make()), stdout_(Pipe::make()) {}

NcRun::~NcRun() {
  stdin_.write.reset();
  if (thread_.joinable()) thread_.join();
}

void NcRun::start() {
  std::promise<int> promise;
  status_ = promise.get_future();
  thread_ = std::thread([this, promise = std::move(promise)]() mutable {
    tools::Diagnostics diag("wg-nc", options_.verbosity, [this](std::string_view line) {
      std::lock_guard lock(lines_mutex_);
      lines_.emplace_back(line);
    });
    tools::RelayStreams streams{stdin_.read.get(), stdout_.write.get(), false};
    int status = nc::run_nc(tunnel_, options_, streams, diag);
    stdout_.write.reset();  // the reader sees EOF once nc is done, as a shell pipe would
    promise.set_value(status);
  });
}

int NcRun::wait(std::chrono::milliseconds limit) {
  if (status_.wait_for(limit) != std::future_status::ready) return -1;
  return status_.get();
}

std::vector<std::string> NcRun::lines() {
  std::lock_guard lock(lines_mutex_);
  return lines_;
}

nc::NcOptions client_options(uint16_t port) {
  nc::NcOptions o;
  o.host = "127.0.0.1";
  o.ports = {port};
  return o;
}

}  // namespace wgnet::test
