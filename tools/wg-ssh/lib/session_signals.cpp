#include "session_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace wgnet::ssh {
namespace {

volatile int g_signal_write_fd = -1;

void on_signal(int sig) {
  int saved_errno = errno;
  unsigned char byte = static_cast<unsigned char>(sig);
  if (g_signal_write_fd >= 0) {
    ssize_t ignored = ::write(g_signal_write_fd, &byte, 1);  // full pipe: the loop is awake
    (void)ignored;
  }
  errno = saved_errno;
}

}  // namespace

Result<std::unique_ptr<SignalPipe>> SignalPipe::install(std::initializer_list<int> signals) {
  if (g_signal_write_fd >= 0) {
    return make_error(ErrorCode::kInternal, "signal pipe installed twice");
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return make_error(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  }
  std::unique_ptr<SignalPipe> pipe(new SignalPipe());
  pipe->read_.reset(fds[0]);
  pipe->write_.reset(fds[1]);
  g_signal_write_fd = fds[1];
  for (int sig : signals) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    struct sigaction old {};
    ::sigaction(sig, &action, &old);
    pipe->saved_.emplace_back(sig, old);
  }
  return pipe;
}

SignalPipe::~SignalPipe() {
  for (const auto& [sig, old] : saved_) ::sigaction(sig, &old, nullptr);
  g_signal_write_fd = -1;
}

std::vector<int> SignalPipe::drain() {
  std::vector<int> out;
  unsigned char buffer[64];
  for (;;) {
    ssize_t n = ::read(read_.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) out.push_back(buffer[i]);
  }
  return out;
}

}  // namespace wgnet::ssh
