#include "forward.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "wgnet/sockaddr.hpp"

namespace demo {

namespace {

bool is_loopback(const wgnet::IpAddress& ip) {
  if (ip.is_v4()) return ip.bytes[0] == 127;
  static const auto v6_loopback = *wgnet::IpAddress::parse("::1");
  return ip == v6_loopback;
}

wgnet::Fd connect_loopback(const wgnet::Endpoint& target) {
  sockaddr_storage ss;
  socklen_t len = wgnet::to_sockaddr(target, ss);
  wgnet::Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return {};
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return {};
  return fd;
}

// One direction of the copy: from -> to, half-closing `to` at EOF.
struct Pipe {
  int from;
  int to;
  bool open = true;
};

// Moves what one read returns; false when this direction is finished.
bool pump(Pipe& p) {
  char buf[65536];
  ssize_t n = ::read(p.from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    ::shutdown(p.to, SHUT_WR);
    return false;
  }
  for (ssize_t off = 0; off < n;) {
    ssize_t w = ::write(p.to, buf + off, static_cast<size_t>(n - off));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += w;
  }
  return true;
}

}  // namespace

wgnet::Result<Forward> parse_forward(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return wgnet::Error{wgnet::ErrorCode::kInvalidArgument,
                        "--forward '" + std::string(text) + "': " + why};
  };
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return bad("expected TUNNEL_PORT=ADDRESS:PORT");
  Forward f;
  std::string_view port_text = text.substr(0, eq);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return bad("the tunnel port must be 1-65535");
  f.tunnel_port = static_cast<uint16_t>(port);
  auto target = wgnet::Endpoint::parse(text.substr(eq + 1));
  if (!target || target->port == 0)
    return bad("the target must be ADDRESS:PORT, e.g. 127.0.0.1:2222");
  if (!is_loopback(target->ip))
    return bad("the target must be a loopback address (127.0.0.0/8 or ::1)");
  f.target = *target;
  return f;
}

void forward_connection(wgnet::Connection conn, const wgnet::Endpoint& target, int stop_fd) {
  wgnet::Fd local = connect_loopback(target);
  if (!local) return;  // closing the tunnel side tells the client
  Pipe up{conn.fd.get(), local.get()};
  Pipe down{local.get(), conn.fd.get()};
  while (up.open || down.open) {
    pollfd fds[3] = {{up.from, static_cast<short>(up.open ? POLLIN : 0), 0},
                     {down.from, static_cast<short>(down.open ? POLLIN : 0), 0},
                     {stop_fd, POLLIN, 0}};
    int r = ::poll(fds, 3, -1);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) continue;
    if (fds[2].revents != 0) return;
    if (up.open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) up.open = pump(up);
    if (down.open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) down.open = pump(down);
  }
}

}  // namespace demo
