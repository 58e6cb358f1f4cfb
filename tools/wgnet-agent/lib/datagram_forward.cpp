#include "datagram_forward.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

#include "datagram_io.hpp"
#include "exit_status.hpp"
#include "udp_sessions.hpp"

namespace wgnet::forward {
namespace {

using Clock = UdpSessions::Clock;

class DatagramLoop {
 public:
  DatagramLoop(const ForwardSpec& spec, const ForwardContext& ctx, DatagramFront& front)
      : spec_(spec),
        ctx_(ctx),
        front_(front),
        sessions_(ctx.options.udp_idle_expiry, ctx.options.udp_max_sessions) {}

  void run() {
    std::vector<pollfd> fds;
    for (bool open = true; open;) {
      auto entries = sessions_.entries();
      fds.assign({{ctx_.stop_fd, POLLIN, 0}, {front_.fd(), POLLIN, 0}});
      for (const auto& entry : entries) fds.push_back({entry.fd, POLLIN, 0});
      int r = ::poll(fds.data(), fds.size(), sessions_.poll_timeout(Clock::now()));
      if (r < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) break;
      // Sessions first: a new endpoint below may evict a session polled here.
      for (size_t i = 0; i < entries.size(); ++i) {
        if (fds[i + 2].revents != 0) from_session(entries[i]);
      }
      if (fds[1].revents != 0) open = from_front();
      sessions_.expire(Clock::now());
    }
  }

 private:
  void from_session(const UdpSessions::Entry& entry) {
    size_t n = 0;
    switch (receive_datagram(entry.fd, buf_, n)) {
      case Received::kNone:
        return;
      case Received::kClosed:
        sessions_.remove(entry.remote);
        return;
      case Received::kDatagram:
        front_.send(std::span<const uint8_t>(buf_.data(), n), entry.remote);
        return;
    }
  }

  // false once the front is gone.
  bool from_front() {
    Endpoint from;
    auto n = front_.receive(buf_, from);
    if (!n) {
      ctx_.diag.warning(spec_.name() +
                        ": no longer listening: " + tools::describe_error(n.error()));
      return false;
    }
    if (!*n) return true;
    auto now = Clock::now();
    auto fd = sessions_.use(from, now);
    if (!fd) {
      auto session = front_.open_session();
      if (!session) {
        ctx_.diag.warning(spec_.name() + ": datagram from " + from.to_string() + ": " +
                          front_.target() + ": " + tools::describe_error(session.error()));
        return true;  // dropped; the sender's next try opens the session again
      }
      fd = session->get();
      if (auto evicted = sessions_.add(from, std::move(*session), now)) {
        ctx_.diag.info(spec_.name() + ": " + std::to_string(ctx_.options.udp_max_sessions) +
                       " sessions: closed the oldest, " + evicted->to_string());
      }
    }
    send_datagram(*fd, std::span<const uint8_t>(buf_.data(), **n));
    return true;
  }

  const ForwardSpec& spec_;
  const ForwardContext& ctx_;
  DatagramFront& front_;
  UdpSessions sessions_;
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(65536);
};

}  // namespace

void run_datagram_forward(const ForwardSpec& spec, const ForwardContext& ctx,
                          DatagramFront& front) {
  DatagramLoop(spec, ctx, front).run();
}

}  // namespace wgnet::forward
