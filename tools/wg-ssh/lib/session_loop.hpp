// The one poll loop of an SSH session: the tunnel socket (through SessionTransport), stdin,
// stdout/stderr, the -L listeners and their connections, and the signal pipe. Single thread,
// libssh2 non-blocking, never a busy loop: the transport is polled for reading only while some
// channel can take data (or waits for the server), local descriptors only while their buffers
// have room, and the timeout is the next keepalive.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "channel_pump.hpp"
#include "escape.hpp"
#include "forward_local.hpp"
#include "session_connection.hpp"
#include "session_exit.hpp"
#include "session_signals.hpp"
#include "terminal_mode.hpp"

namespace wgnet::ssh {

struct SessionLoopOptions {
  std::string host;                                  // for "Timeout, server HOST not responding."
  bool control_only = false;                         // -N: the channel only keeps the loop reading
  std::optional<char> escape_char;                   // with a pty; nullopt = no escapes
  std::chrono::seconds keepalive_interval{0};        // ServerAliveInterval; 0 = off
  int keepalive_count_max = 3;                       // ServerAliveCountMax
};

enum class SessionEnd {
  kChannelClosed,     // the command/shell ended: see RemoteExit
  kEscapeDisconnect,  // ~.
  kSignal,            // SIGINT/SIGTERM/SIGHUP/SIGQUIT
  kConnectionLost,    // the server or the tunnel went away
  kServerTimeout,     // ServerAliveCountMax keepalives unanswered
  kError,             // a channel failed; `error` says how
};

struct SessionOutcome {
  SessionEnd end = SessionEnd::kChannelClosed;
  RemoteExit remote;
  int signal = 0;
  std::string error;
};

struct SessionLoopIo {
  std::function<void(const std::string&)> debug;    // -v lines; may be empty
  std::function<void(const std::string&)> message;  // raw text for the user's terminal (stderr)
};

class SessionLoop {
 public:
  // `main` is the session channel (or, with control_only, an idle one); `forwarder` and
  // `terminal` may be null. The loop owns none of them.
  SessionLoop(SshSession& session, ChannelPump& main, LocalForwarder* forwarder,
              RawTerminal* terminal, SignalPipe& signals, SessionLoopOptions options,
              SessionLoopIo io);

  SessionOutcome run();

 private:
  std::string filter_input(std::string_view input);
  void handle_escape_actions();
  void handle_signals();
  void send_window_size();
  bool pump_channels();
  int poll_timeout_ms();
  bool keepalive_expired();
  RemoteExit collect_exit() const;
  void finish(SessionEnd end, std::string error = {});
  void debug(const std::string& line) const {
    if (io_.debug) io_.debug(line);
  }

  SshSession& session_;
  ChannelPump& main_;
  LocalForwarder* forwarder_;
  RawTerminal* terminal_;
  SignalPipe& signals_;
  SessionLoopOptions options_;
  SessionLoopIo io_;
  std::optional<EscapeFilter> escape_;
  std::vector<EscapeAction> actions_;
  bool window_change_pending_ = false;
  bool done_ = false;
  bool main_done_ = false;
  SessionOutcome outcome_;
  SessionTransport::Clock::time_point reading_since_;
};

// The -N control channel and the session channel both need this: opens a "session" channel.
Result<ChannelHandle> open_session_channel(SshSession& session,
                                           std::optional<std::chrono::milliseconds> wait);

}  // namespace wgnet::ssh
