#include "session_loop.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "session_error.hpp"

namespace wgnet::ssh {

Result<ChannelHandle> open_session_channel(SshSession& session,
                                           std::optional<std::chrono::milliseconds> wait) {
  LIBSSH2_CHANNEL* channel = nullptr;
  auto rc = session.drive(
      [&] {
        channel = libssh2_channel_open_session(session.get());
        return channel != nullptr ? 0 : libssh2_session_last_errno(session.get());
      },
      std::nullopt, wait);
  if (!rc) return rc.error();
  if (channel == nullptr) return session_error(session.get(), *rc, "opening a session channel");
  return session.adopt(channel);
}

SessionLoop::SessionLoop(SshSession& session, ChannelPump& main, LocalForwarder* forwarder,
                         RawTerminal* terminal, SignalPipe& signals, SessionLoopOptions options,
                         SessionLoopIo io)
    : session_(session),
      main_(main),
      forwarder_(forwarder),
      terminal_(terminal),
      signals_(signals),
      options_(std::move(options)),
      io_(std::move(io)) {
  if (terminal_ != nullptr && options_.escape_char) {
    escape_.emplace(options_.escape_char);
    main_.input_filter = [this](std::string_view input) { return filter_input(input); };
  }
}

std::string SessionLoop::filter_input(std::string_view input) {
  std::string to_send;
  for (auto& action : escape_->feed(input)) {
    if (action.kind == EscapeActionKind::kSend) {
      to_send += action.bytes;
    } else {
      actions_.push_back(std::move(action));
    }
  }
  return to_send;
}

void SessionLoop::handle_escape_actions() {
  std::vector<EscapeAction> actions;
  actions.swap(actions_);
  char escape = options_.escape_char.value_or('~');
  for (const auto& action : actions) {
    if (!action.echo.empty()) io_.message(action.echo);  // "~.\r\n", as OpenSSH shows it
    switch (action.kind) {
      case EscapeActionKind::kSend:
        break;
      case EscapeActionKind::kDisconnect:
        finish(SessionEnd::kEscapeDisconnect);
        return;
      case EscapeActionKind::kHelp:
        if (action.echo.empty()) io_.message(escape_help_text(escape));
        break;
      case EscapeActionKind::kSuspend:
        if (terminal_ != nullptr) terminal_->leave();
        ::raise(SIGTSTP);  // stops here until fg
        if (terminal_ != nullptr) terminal_->reenter();
        window_change_pending_ = true;
        break;
      case EscapeActionKind::kStatus: {
        std::string text = "\r\nThe following connections are open:\r\n  #0 client-session\r\n";
        if (forwarder_ != nullptr) {
          for (const auto& line : forwarder_->describe()) text += line + "\r\n";
        }
        io_.message(text);
        break;
      }
      case EscapeActionKind::kBackground:
        io_.message(escape_char_display(escape) +
                    "&: backgrounding is not supported by wg-ssh\r\n");
        break;
      case EscapeActionKind::kMoreVerbose:
      case EscapeActionKind::kLessVerbose:
        io_.message(escape_char_display(escape) +
                    (action.kind == EscapeActionKind::kMoreVerbose ? "v" : "V") +
                    ": the log level is fixed for the session in wg-ssh\r\n");
        break;
    }
  }
}

void SessionLoop::handle_signals() {
  for (int sig : signals_.drain()) {
    if (sig == SIGWINCH) {
      window_change_pending_ = terminal_ != nullptr;
    } else {
      outcome_.signal = sig;
      finish(SessionEnd::kSignal);
    }
  }
}

void SessionLoop::send_window_size() {
  if (!window_change_pending_ || main_done_) return;
  auto size = window_size(STDIN_FILENO);
  if (!size) {
    window_change_pending_ = false;
    return;
  }
  int rc = libssh2_channel_request_pty_size_ex(main_.channel(), static_cast<int>(size->cols),
                                               static_cast<int>(size->rows),
                                               static_cast<int>(size->width_px),
                                               static_cast<int>(size->height_px));
  if (rc == LIBSSH2_ERROR_EAGAIN) return;  // again next iteration
  window_change_pending_ = false;
  debug("window size sent: " + std::to_string(size->cols) + "x" + std::to_string(size->rows));
}

RemoteExit SessionLoop::collect_exit() const {
  RemoteExit remote;
  LIBSSH2_CHANNEL* channel = main_.channel();
  char* signal_name = nullptr;
  size_t signal_length = 0;
  char* message = nullptr;
  size_t message_length = 0;
  libssh2_channel_get_exit_signal(channel, &signal_name, &signal_length, &message,
                                  &message_length, nullptr, nullptr);
  if (signal_name != nullptr) {
    remote.exit_signal.assign(signal_name, signal_length);
    libssh2_free(session_.get(), signal_name);
  }
  if (message != nullptr) {
    remote.signal_message.assign(message, message_length);
    libssh2_free(session_.get(), message);
  }
  // libssh2 1.10 cannot tell "exit-status 0" from "no exit-status": both read as 0.
  if (remote.exit_signal.empty()) remote.exit_status = libssh2_channel_get_exit_status(channel);
  return remote;
}

void SessionLoop::finish(SessionEnd end, std::string error) {
  if (done_) return;
  done_ = true;
  outcome_.end = end;
  outcome_.error = std::move(error);
}

// Runs every channel's libssh2 side until nothing moves. A read on one channel can pull in
// packets for another, so a pass that received anything from the network is followed by another.
bool SessionLoop::pump_channels() {
  bool any = false;
  for (int pass = 0; pass < 64; ++pass) {
    uint64_t received = session_.transport().bytes_received();
    bool progress = false;
    if (!main_done_) {
      progress |= main_.pump();
      if (main_.failed()) {
        // A dead connection makes every channel fail; say that rather than the channel's words.
        bool lost = options_.control_only || session_.transport().at_eof() ||
                    session_.transport().failed();
        finish(lost ? SessionEnd::kConnectionLost : SessionEnd::kError,
               lost ? session_.transport().error() : main_.error());
        return true;
      }
      if (main_.finished()) {
        main_done_ = true;
        progress = true;
        if (options_.control_only) {
          finish(SessionEnd::kConnectionLost);
          return true;
        }
        outcome_.remote = collect_exit();
        if (forwarder_ != nullptr) forwarder_->stop_listening();
      }
    }
    if (forwarder_ != nullptr) progress |= forwarder_->pump(session_);
    session_.transport().flush();
    any |= progress;
    if (!progress && session_.transport().bytes_received() == received) break;
  }
  return any;
}

int SessionLoop::poll_timeout_ms() {
  if (options_.keepalive_interval.count() <= 0) return -1;
  int next = 0;
  libssh2_keepalive_send(session_.get(), &next);
  session_.transport().flush();
  long long ms = std::max(1, next) * 1000LL;
  // Also wake up when the server would have been silent too long.
  auto limit = options_.keepalive_interval * (options_.keepalive_count_max + 1);
  auto silent_until = std::max(session_.transport().last_receive(), reading_since_) + limit;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(silent_until -
                                                           SessionTransport::Clock::now())
                  .count();
  ms = std::min<long long>(ms, std::max<long long>(left, 1));
  return static_cast<int>(ms);
}

bool SessionLoop::keepalive_expired() {
  if (options_.keepalive_interval.count() <= 0) return false;
  auto limit = options_.keepalive_interval * (options_.keepalive_count_max + 1);
  auto since = std::max(session_.transport().last_receive(), reading_since_);
  return SessionTransport::Clock::now() - since > limit;
}

SessionOutcome SessionLoop::run() {
  SessionTransport& transport = session_.transport();
  if (options_.keepalive_interval.count() > 0) {
    libssh2_keepalive_config(session_.get(), 1,
                             static_cast<unsigned>(options_.keepalive_interval.count()));
  }
  reading_since_ = SessionTransport::Clock::now();
  bool network_was_wanted = true;
  PollSet set;
  pump_channels();
  while (!done_) {
    handle_escape_actions();
    send_window_size();
    if (done_) break;
    if (main_done_ && (forwarder_ == nullptr || forwarder_->connections() == 0)) {
      finish(SessionEnd::kChannelClosed);
      break;
    }
    bool want_network = (!main_done_ && main_.wants_network()) ||
                        (forwarder_ != nullptr && forwarder_->wants_network());
    // While we do not read, the server's silence is ours: the keepalive clock restarts.
    if (want_network && !network_was_wanted) reading_since_ = SessionTransport::Clock::now();
    network_was_wanted = want_network;
    if (want_network && keepalive_expired()) {
      io_.message("Timeout, server " + options_.host + " not responding.\r\n");
      finish(SessionEnd::kServerTimeout);
      break;
    }

    set.clear();
    short net_events = static_cast<short>((want_network ? POLLIN : 0) |
                                          (transport.queued() > 0 ? POLLOUT : 0));
    int net_slot = set.add(transport.fd(), net_events);
    int signal_slot = set.add(signals_.fd(), POLLIN);
    if (!main_done_) main_.register_fds(set);
    if (forwarder_ != nullptr) forwarder_->register_fds(set);

    int ready = ::poll(set.fds().data(), set.fds().size(), poll_timeout_ms());
    if (ready < 0 && errno != EINTR) {
      finish(SessionEnd::kError, "poll failed");
      break;
    }
    if (set.revents(signal_slot) != 0) handle_signals();
    if (done_) break;
    if (set.revents(net_slot) & POLLOUT) transport.flush();
    if (!main_done_) main_.on_fd_events(set);
    if (forwarder_ != nullptr) forwarder_->on_fd_events(set);
    pump_channels();
    if (done_) break;
    if (main_done_ && (forwarder_ == nullptr || forwarder_->connections() == 0)) {
      finish(SessionEnd::kChannelClosed);
      break;
    }
    if (transport.failed() || transport.at_eof()) {
      finish(SessionEnd::kConnectionLost, transport.error());
      break;
    }
  }
  if (!main_done_) main_.flush_local(1000);
  return outcome_;
}

}  // namespace wgnet::ssh
