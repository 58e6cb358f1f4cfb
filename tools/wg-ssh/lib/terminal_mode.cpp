#include "terminal_mode.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
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

namespace {

void put_mode(std::string& out, unsigned char opcode, uint32_t value) {
  out += static_cast<char>(opcode);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

uint32_t baud_of(speed_t speed) {
  switch (speed) {
    case B9600: return 9600;
    case B19200: return 19200;
    case B38400: return 38400;
    case B57600: return 57600;
    case B115200: return 115200;
    case B230400: return 230400;
    default: return 38400;
  }
}

}  // namespace

std::string encode_tty_modes(const termios& mode) {
  // Opcodes from RFC 4254 section 8.
  struct Char {
    unsigned char opcode;
    int index;
  };
  static constexpr Char kChars[] = {
      {1, VINTR}, {2, VQUIT},     {3, VERASE},  {4, VKILL},   {5, VEOF},   {6, VEOL},
      {7, VEOL2}, {8, VSTART},    {9, VSTOP},   {10, VSUSP},  {12, VREPRINT},
      {13, VWERASE}, {14, VLNEXT}, {18, VDISCARD},
  };
  struct Flag {
    unsigned char opcode;
    int field;  // 0 iflag, 1 lflag, 2 oflag
    tcflag_t bit;
  };
  static constexpr Flag kFlags[] = {
      {30, 0, IGNPAR}, {31, 0, PARMRK}, {32, 0, INPCK},  {33, 0, ISTRIP}, {34, 0, INLCR},
      {35, 0, IGNCR},  {36, 0, ICRNL},  {38, 0, IXON},   {39, 0, IXANY},  {40, 0, IXOFF},
      {41, 0, IMAXBEL}, {42, 0, IUTF8}, {50, 1, ISIG},   {51, 1, ICANON}, {53, 1, ECHO},
      {54, 1, ECHOE},  {55, 1, ECHOK},  {56, 1, ECHONL}, {57, 1, NOFLSH}, {58, 1, TOSTOP},
      {59, 1, IEXTEN}, {60, 1, ECHOCTL}, {61, 1, ECHOKE}, {70, 2, OPOST}, {72, 2, ONLCR},
      {73, 2, OCRNL},  {74, 2, ONOCR},  {75, 2, ONLRET},
  };
  std::string out;
  for (const auto& c : kChars) {
    unsigned char value = mode.c_cc[c.index];
    // _POSIX_VDISABLE (0) is sent as 255, "not used", as OpenSSH does.
    put_mode(out, c.opcode, value == 0 ? 255u : value);
  }
  for (const auto& f : kFlags) {
    tcflag_t field = f.field == 0 ? mode.c_iflag : f.field == 1 ? mode.c_lflag : mode.c_oflag;
    put_mode(out, f.opcode, (field & f.bit) != 0 ? 1u : 0u);
  }
  put_mode(out, 128, baud_of(cfgetispeed(&mode)));  // TTY_OP_ISPEED
  put_mode(out, 129, baud_of(cfgetospeed(&mode)));  // TTY_OP_OSPEED
  out += '\0';                                      // TTY_OP_END
  return out;
}

std::string encode_tty_modes_of(int fd) {
  termios mode{};
  if (::tcgetattr(fd, &mode) != 0) return std::string(1, '\0');
  return encode_tty_modes(mode);
}

}  // namespace wgnet::ssh
