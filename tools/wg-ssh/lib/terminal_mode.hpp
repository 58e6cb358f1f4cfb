// The local terminal during an interactive session: raw mode (as OpenSSH's enter_raw_mode, so
// ^C, ^Z and the like go to the remote side), restored by the destructor on every way out of the
// session loop, and the window size for pty requests.
#pragma once

#include <termios.h>

#include <memory>
#include <optional>

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

}  // namespace wgnet::ssh
