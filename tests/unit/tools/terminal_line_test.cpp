// read_typed_line: the prompt for passwords in wg-ssh and wg-curl. A pipe stands in for stdin
// without a terminal; a pseudo-terminal for the person typing (echo must be off while they
// type, and back on afterwards).
#include "terminal_line.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "wgnet/fd.hpp"

namespace wgnet::tools {
namespace {

struct Pipe {
  Fd read_end, write_end;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read_end = Fd(fds[0]);
    write_end = Fd(fds[1]);
  }
};

std::string drain(int fd) {
  std::string all;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
  return all;
}

TEST(TerminalLine, ReadsOneLineFromAPipeAndLeavesTheRest) {
  Pipe input, prompt;
  ASSERT_TRUE(write_all(input.write_end.get(), "s3cret pass\nnext line\n"));
  TypedLine typed =
      read_typed_line(input.read_end.get(), prompt.write_end.get(), "Password:", Echo::kOff);
  EXPECT_EQ(typed.text, "s3cret pass");
  EXPECT_FALSE(typed.end_of_input);
  EXPECT_FALSE(typed.interrupted);
  prompt.write_end = Fd();
  // Not a terminal: nothing to un-echo, so no newline after the prompt.
  EXPECT_EQ(drain(prompt.read_end.get()), "Password:");
  input.write_end = Fd();
  EXPECT_EQ(drain(input.read_end.get()), "next line\n");
}

TEST(TerminalLine, EndOfInputBeforeAnythingIsReported) {
  Pipe input, prompt;
  input.write_end = Fd();
  TypedLine typed = read_typed_line(input.read_end.get(), prompt.write_end.get(), "Q:", Echo::kOn);
  EXPECT_TRUE(typed.end_of_input);
  EXPECT_EQ(typed.text, "");
}

TEST(TerminalLine, AnUnfinishedLastLineIsStillTheAnswer) {
  Pipe input, prompt;
  ASSERT_TRUE(write_all(input.write_end.get(), "no newline"));
  input.write_end = Fd();
  TypedLine typed = read_typed_line(input.read_end.get(), prompt.write_end.get(), "Q:", Echo::kOn);
  EXPECT_FALSE(typed.end_of_input);
  EXPECT_EQ(typed.text, "no newline");
}

TEST(TerminalLine, OnATerminalEchoIsOffWhileTypingAndRestoredAfter) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  Fd master_fd(master), slave_fd(slave);
  termios before{};
  ASSERT_EQ(::tcgetattr(slave, &before), 0);
  ASSERT_NE(before.c_lflag & ECHO, 0u);
  // Typed ahead into the terminal's input queue; TCSAFLUSH would discard it, so the answer is
  // typed from a second thread only once echo is off.
  std::string seen_echo_state;
  TypedLine typed;
  {
    std::jthread typist([&] {
      for (int i = 0; i < 500; ++i) {  // bounded: 5 s at most
        termios now{};
        if (::tcgetattr(slave, &now) == 0 && (now.c_lflag & ECHO) == 0) {
          seen_echo_state = "off";
          write_all(master, "typed secret\n");
          return;
        }
        ::usleep(10'000);
      }
      write_all(master, "\n");  // never saw echo off: end the read so the test fails, not hangs
    });
    typed = read_typed_line(slave, slave, "Password: ", Echo::kOff);
  }
  EXPECT_EQ(seen_echo_state, "off");
  EXPECT_EQ(typed.text, "typed secret");
  termios after{};
  ASSERT_EQ(::tcgetattr(slave, &after), 0);
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  // The other end saw the prompt and the newline standing in for the unechoed Enter, never the
  // secret.
  ::fcntl(master, F_SETFL, O_NONBLOCK);
  std::string screen = drain(master);
  EXPECT_NE(screen.find("Password: "), std::string::npos) << screen;
  EXPECT_EQ(screen.find("secret"), std::string::npos) << screen;
  EXPECT_NE(screen.find('\n'), std::string::npos) << screen;
}

TEST(TerminalLine, WipeClearsTheSecret) {
  std::string secret = "hunter2";
  wipe(secret);
  EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace wgnet::tools
