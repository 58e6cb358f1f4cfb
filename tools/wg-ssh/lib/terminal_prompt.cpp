#include "terminal_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstring>

#include "wgnet/fd.hpp"

namespace wgnet::ssh {
namespace {

volatile sig_atomic_t g_prompt_signal = 0;

void on_prompt_signal(int sig) { g_prompt_signal = sig; }

constexpr int kPromptSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

// While a question is on screen, these signals interrupt read() instead of killing us with the
// terminal's echo still off. Restores the previous handlers on destruction.
class PromptSignals {
 public:
  PromptSignals() {
    g_prompt_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_prompt_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: read() must come back with EINTR
    for (size_t i = 0; i < std::size(kPromptSignals); ++i) {
      ::sigaction(kPromptSignals[i], &action, &saved_[i]);
    }
  }
  ~PromptSignals() {
    for (size_t i = 0; i < std::size(kPromptSignals); ++i) {
      ::sigaction(kPromptSignals[i], &saved_[i], nullptr);
    }
  }
  PromptSignals(const PromptSignals&) = delete;
  PromptSignals& operator=(const PromptSignals&) = delete;

 private:
  struct sigaction saved_[std::size(kPromptSignals)] {};
};

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Fd open_tty() { return Fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)); }

}  // namespace

void wipe(std::string& secret) {
  if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

bool tell_terminal(std::string_view text) {
  Fd tty = open_tty();
  return tty && write_all(tty.get(), text);
}

Result<std::string> ask_terminal(std::string_view prompt, Echo echo) {
  Fd tty = open_tty();
  if (!tty) {
    return make_error(ErrorCode::kIo, std::string("no terminal to ask on (/dev/tty: ") +
                                          std::strerror(errno) + ")");
  }
  termios saved{};
  bool have_termios = ::tcgetattr(tty.get(), &saved) == 0;
  int caught = 0;
  std::string line;
  bool eof = false;
  {
    PromptSignals guard;
    if (have_termios && echo == Echo::kOff) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
      quiet.c_lflag |= ICANON;
      ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
    }
    write_all(tty.get(), prompt);
    for (;;) {
      char c = 0;
      ssize_t n = ::read(tty.get(), &c, 1);
      if (n < 0 && errno == EINTR) {
        if (g_prompt_signal != 0) {
          caught = g_prompt_signal;
          break;
        }
        continue;
      }
      if (n <= 0) {
        eof = line.empty();
        break;
      }
      if (c == '\n' || c == '\r') break;
      line += c;
    }
    if (have_termios && echo == Echo::kOff) {
      ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
      write_all(tty.get(), "\n");  // the user's Enter was not echoed
    }
  }  // handlers restored before a caught signal is delivered again
  if (caught != 0) {
    wipe(line);
    ::raise(caught);
    return make_error(ErrorCode::kClosed, "interrupted");
  }
  if (eof) return make_error(ErrorCode::kClosed, "no answer (end of input on the terminal)");
  return line;
}

}  // namespace wgnet::ssh
