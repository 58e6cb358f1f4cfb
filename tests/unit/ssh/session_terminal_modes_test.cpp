// The pty request's encoded terminal modes (RFC 4254 section 8), as OpenSSH's tty_make_modes.
#include <gtest/gtest.h>

#include "terminal_mode.hpp"

namespace wgnet::ssh {
namespace {

// The value sent for `opcode`, or -1 when absent.
long long mode_value(const std::string& modes, unsigned char opcode) {
  size_t i = 0;
  while (i < modes.size() && modes[i] != 0) {
    auto op = static_cast<unsigned char>(modes[i]);
    if (i + 5 > modes.size()) return -2;
    uint32_t v = 0;
    for (int k = 1; k <= 4; ++k) v = (v << 8) | static_cast<unsigned char>(modes[i + k]);
    if (op == opcode) return v;
    i += 5;
  }
  return -1;
}

termios sample() {
  termios t{};
  t.c_cc[VINTR] = 3;
  t.c_cc[VERASE] = 0x7f;
  t.c_cc[VEOF] = 4;
  t.c_lflag = ICANON | ECHO | ISIG;
  t.c_iflag = ICRNL;
  t.c_oflag = OPOST | ONLCR;
  cfsetispeed(&t, B38400);
  cfsetospeed(&t, B38400);
  return t;
}

TEST(SessionTerminalModes, CharactersFlagsAndSpeeds) {
  std::string modes = encode_tty_modes(sample());
  EXPECT_EQ(modes.back(), '\0');  // TTY_OP_END
  EXPECT_EQ((modes.size() - 1) % 5, 0u);
  EXPECT_EQ(mode_value(modes, 1), 3);      // VINTR ^C
  EXPECT_EQ(mode_value(modes, 3), 0x7f);   // VERASE ^?
  EXPECT_EQ(mode_value(modes, 5), 4);      // VEOF ^D
  EXPECT_EQ(mode_value(modes, 2), 255);    // VQUIT disabled -> "not used"
  EXPECT_EQ(mode_value(modes, 51), 1);     // ICANON
  EXPECT_EQ(mode_value(modes, 53), 1);     // ECHO
  EXPECT_EQ(mode_value(modes, 59), 0);     // IEXTEN off
  EXPECT_EQ(mode_value(modes, 36), 1);     // ICRNL
  EXPECT_EQ(mode_value(modes, 72), 1);     // ONLCR
  EXPECT_EQ(mode_value(modes, 128), 38400);
  EXPECT_EQ(mode_value(modes, 129), 38400);
}

TEST(SessionTerminalModes, NotATerminalSendsOnlyTheEnd) {
  EXPECT_EQ(encode_tty_modes_of(-1), std::string(1, '\0'));
}

}  // namespace
}  // namespace wgnet::ssh
