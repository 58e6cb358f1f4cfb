// The local terminal during an interactive session: raw mode (as OpenSSH's enter_raw_mode, so
// ^C, ^Z and the like go to the remote side), restored by the destructor on every way out of the
// session loop, and the window size for pty requests.
#pragma once

#include <termios.h>

#include <memory>
#include <optional>
#include <string>

#include "wgnet/result.hpp"

namespace wgnet::ssh {

class RawTerminal {
 public:
  // Saves fd's mode and switches it to raw. kIo when fd is not a terminal.
  static Result<std::unique_ptr<RawTerminal>> enter(int fd);
  ~RawTerminal() { leave(); }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  // Back to the saved mode (for ~^Z and at the end); reenter() goes raw again.
  void leave();
  void reenter();

 private:
  RawTerminal(int fd, const termios& saved) : fd_(fd), saved_(saved) {}
  int fd_;
  termios saved_;
  bool raw_ = false;
};

struct WindowSize {
  unsigned cols = 80, rows = 24, width_px = 0, height_px = 0;
};

// TIOCGWINSZ of fd; nullopt when it is not a terminal.
std::optional<WindowSize> window_size(int fd);

// The pty request's "encoded terminal modes" (RFC 4254 section 8) for a terminal set up as
// `mode`, as OpenSSH's tty_make_modes: the special characters (VINTR, VERASE, ...), the
// common input/local/output flags and the speeds, so that the remote pty edits lines the way
// the local terminal did (^H or ^? for erase). Ends with TTY_OP_END.
std::string encode_tty_modes(const termios& mode);
// Of fd, or just TTY_OP_END when fd is not a terminal.
std::string encode_tty_modes_of(int fd);

}  // namespace wgnet::ssh
