// Copies stdin to a connection and the connection to stdout until the session ends, with
// OpenBSD nc's rules for the ends of a session:
//   - stdin EOF: stop reading stdin; with half_close (-N) shutdown(SHUT_WR) the connection,
//     otherwise leave it open; keep copying the connection to stdout either way.
//   - the connection reaches EOF: flush stdout and end.
//   - quit_after_eof (-q), as Debian's nc: the clock starts when the session is over (the
//     connection reached EOF; for a datagram session, stdin's EOF, after which replies are no
//     longer read); -q N then waits N seconds before ending (kQuitAfterEof), -q 0 ends at once.
//     The caller sets half_close with it: Debian's -q implies -N.
//   - idle_timeout (-w): end when nothing moved in either direction for that long.
// One thread, poll() over the three descriptors, never a busy loop; binary-safe.
// The caller ignores SIGPIPE (wg-nc's main does): a closed stdout must come back as EPIPE.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace wgnet::tools {

struct RelayStreams {
  int in = STDIN_FILENO;
  int out = STDOUT_FILENO;
  // Set once `in` reached EOF; kept across sessions (nc -l -k serves the next connection
  // without reading stdin again).
  bool in_at_eof = false;
};

struct RelayOptions {
  bool datagram = false;    // the connection is SOCK_DGRAM: each stdin read is one datagram
  bool half_close = false;  // -N
  std::optional<std::chrono::milliseconds> quit_after_eof;  // -q; unset = no -q
  std::optional<std::chrono::milliseconds> idle_timeout;    // -w; unset = never
  // Non-fatal trouble (a datagram the network refused); may be empty.
  std::function<void(const std::string&)> on_warning;
};

enum class RelayEnd {
  kRemoteClosed,  // the connection reached EOF
  kQuitAfterEof,  // -q's wait after the session's end elapsed (Debian nc then quits the program)
  kIdleTimeout,   // -w elapsed with nothing moving
  kOutputClosed,  // stdout went away (EPIPE)
  kNetworkError,  // reading the connection failed (reset); `error` says how
};

struct RelayResult {
  RelayEnd end = RelayEnd::kRemoteClosed;
  uint64_t bytes_sent = 0;      // stdin -> connection
  uint64_t bytes_received = 0;  // connection -> stdout
  std::string error;
};

// Makes `net_fd` non-blocking; leaves stdin/stdout as they are (they may be shared with other
// processes, as a terminal is).
RelayResult relay(int net_fd, RelayStreams& streams, const RelayOptions& options);

}  // namespace wgnet::tools
