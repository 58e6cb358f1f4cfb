// Signals the session loop treats as events rather than deaths: a self-pipe the handlers write
// the signal number to, polled with the sockets. SIGINT/SIGTERM/SIGHUP/SIGQUIT end the session
// through the normal path (so the terminal is restored), SIGWINCH sends the new window size.
#pragma once

#include <signal.h>

#include <initializer_list>
#include <memory>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

class SignalPipe {
 public:
  // At most one at a time per process; restores the previous handlers on destruction.
  static Result<std::unique_ptr<SignalPipe>> install(std::initializer_list<int> signals);
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  int fd() const { return read_.get(); }
  // The signals received since the last call, in order (repeats of one signal may merge).
  std::vector<int> drain();

 private:
  SignalPipe() = default;
  Fd read_, write_;
  std::vector<std::pair<int, struct sigaction>> saved_;
};

}  // namespace wgnet::ssh
