#include "terminal_line.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>

namespace wgnet::tools {
namespace {

volatile sig_atomic_t g_prompt_signal = 0;

void on_prompt_signal(int sig) {
  g_prompt_signal = sig;
}

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
  struct sigaction saved_[std::size(kPromptSignals)]{};
};

// Echo off on a terminal for as long as it lives (nothing when fd is not a terminal).
class QuietTerminal {
 public:
  QuietTerminal(int fd, Echo echo) : fd_(fd) {
    if (echo != Echo::kOff || ::tcgetattr(fd, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
    quiet.c_lflag |= ICANON;
    active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  ~QuietTerminal() {
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  QuietTerminal(const QuietTerminal&) = delete;
  QuietTerminal& operator=(const QuietTerminal&) = delete;
  bool active() const { return active_; }

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace

void wipe(std::string& secret) {
  if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

TypedLine read_typed_line(int input_fd, int prompt_fd, std::string_view prompt, Echo echo) {
  TypedLine typed;
  typed.text.reserve(256);  // a password rarely outgrows this: no stray partial copies to wipe
  int caught = 0;
  {
    PromptSignals guard;
    QuietTerminal quiet(input_fd, echo);
    write_all(prompt_fd, prompt);
    for (;;) {
      char c = 0;
      ssize_t n = ::read(input_fd, &c, 1);
      if (n < 0 && errno == EINTR) {
        if (g_prompt_signal != 0) {
          caught = g_prompt_signal;
          break;
        }
        continue;
      }
      if (n <= 0) {
        typed.end_of_input = typed.text.empty();
        break;
      }
      if (c == '\n' || c == '\r') break;
      typed.text += c;
    }
    if (quiet.active()) write_all(prompt_fd, "\n");  // the user's Enter was not echoed
  }  // terminal and handlers restored before a caught signal is delivered again
  if (caught != 0) {
    wipe(typed.text);
    typed.interrupted = true;
    ::raise(caught);
  }
  return typed;
}

}  // namespace wgnet::tools
