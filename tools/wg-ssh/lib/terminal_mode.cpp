#include "terminal_mode.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wgnet::ssh {

Result<std::unique_ptr<RawTerminal>> RawTerminal::enter(int fd) {
  termios saved{};
  if (::tcgetattr(fd, &saved) != 0) {
    return make_error(ErrorCode::kIo, std::string("terminal mode: ") + std::strerror(errno));
  }
  std::unique_ptr<RawTerminal> terminal(new RawTerminal(fd, saved));
  terminal->reenter();
  return terminal;
}

void RawTerminal::reenter() {
  // sshtty.c enter_raw_mode: no input translation or flow control, no signals, no canonical
  // editing or echo, no output processing.
  termios raw = saved_;
  raw.c_iflag |= IGNPAR;
  raw.c_iflag &= ~static_cast<tcflag_t>(ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXANY | IXOFF);
#ifdef IUCLC
  raw.c_iflag &= ~static_cast<tcflag_t>(IUCLC);
#endif
  raw.c_lflag &= ~static_cast<tcflag_t>(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL);
#ifdef IEXTEN
  raw.c_lflag &= ~static_cast<tcflag_t>(IEXTEN);
#endif
  raw.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (::tcsetattr(fd_, TCSADRAIN, &raw) == 0) raw_ = true;
}

void RawTerminal::leave() {
  if (!raw_) return;
  ::tcsetattr(fd_, TCSADRAIN, &saved_);
  raw_ = false;
}

std::optional<WindowSize> window_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return std::nullopt;
  WindowSize size;
  size.cols = ws.ws_col;
  size.rows = ws.ws_row;
  size.width_px = ws.ws_xpixel;
  size.height_px = ws.ws_ypixel;
  return size;
}

}  // namespace wgnet::ssh
