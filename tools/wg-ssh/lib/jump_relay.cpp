#include "jump_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "session_error.hpp"

namespace wgnet::ssh {
namespace {

// How long the destructor lets the relay pass the close on before stopping it.
constexpr int kDrainMs = 2000;

Result<std::pair<Fd, Fd>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return make_error(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  return std::pair{Fd(fds[0]), Fd(fds[1])};
}

}  // namespace

Result<JumpRelay::Link> JumpRelay::start(std::unique_ptr<SshSession> session,
                                         const std::string& host, uint16_t port,
                                         std::chrono::milliseconds server_wait) {
  LIBSSH2_CHANNEL* channel = nullptr;
  auto opened = session->drive(
      [&] {
        channel =
            libssh2_channel_direct_tcpip_ex(session->get(), host.c_str(), port, "127.0.0.1", 0);
        return channel != nullptr ? 0 : libssh2_session_last_errno(session->get());
      },
      std::nullopt, server_wait);
  if (!opened) return opened.error();
  if (channel == nullptr) {
    return session_error(session->get(), *opened,
                         "channel open for " + host + " port " + std::to_string(port));
  }
  ChannelHandle handle = session->adopt(channel);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return make_error(ErrorCode::kInternal, std::string("socketpair: ") + std::strerror(errno));
  }
  Link link;
  link.transport = Fd(pair[1]);
  std::unique_ptr<JumpRelay> relay(new JumpRelay());
  relay->near_ = Fd(pair[0]);
  auto stop = make_pipe();
  auto done = make_pipe();
  if (!stop) return stop.error();
  if (!done) return done.error();
  std::tie(relay->stop_read_, relay->stop_write_) = std::move(*stop);
  std::tie(relay->done_read_, relay->done_write_) = std::move(*done);
  int near = relay->near_.get();
  relay->pump_ =
      std::make_unique<ChannelPump>(*session, std::move(handle), PumpEnds{near, near, -1, true});
  relay->session_ = std::move(session);
  relay->thread_ = std::thread([r = relay.get()] { r->run(); });
  link.relay = std::move(relay);
  return link;
}

void JumpRelay::run() {
  SessionTransport& transport = session_->transport();
  PollSet set;
  for (;;) {
    // As the session loop: a read on the channel can bring more, so pump until nothing moves.
    for (int pass = 0; pass < 64; ++pass) {
      uint64_t received = transport.bytes_received();
      bool progress = pump_->pump();
      transport.flush();
      if (!progress && transport.bytes_received() == received) break;
    }
    if (pump_->finished() || pump_->failed() || transport.failed() || transport.at_eof()) break;
    set.clear();
    short net_events = static_cast<short>((pump_->wants_network() ? POLLIN : 0) |
                                          (transport.queued() > 0 ? POLLOUT : 0));
    int net_slot = set.add(transport.fd(), net_events);
    int stop_slot = set.add(stop_read_.get(), POLLIN);
    pump_->register_fds(set);
    if (::poll(set.fds().data(), set.fds().size(), -1) < 0 && errno != EINTR) break;
    if (set.revents(stop_slot) != 0) break;
    if (set.revents(net_slot) & POLLOUT) transport.flush();
    pump_->on_fd_events(set);
  }
  // The channel and the jump session end here, on the thread that used them (bounded); closing
  // our end tells the next session its connection is gone.
  pump_.reset();
  session_.reset();
  near_.reset();
  char byte = 1;
  (void)!::write(done_write_.get(), &byte, 1);
}

JumpRelay::~JumpRelay() {
  if (!thread_.joinable()) return;
  pollfd done{done_read_.get(), POLLIN, 0};
  if (::poll(&done, 1, kDrainMs) <= 0) {
    char byte = 1;
    (void)!::write(stop_write_.get(), &byte, 1);
  }
  thread_.join();
}

}  // namespace wgnet::ssh
