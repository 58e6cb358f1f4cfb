#include "stop_signal.hpp"

#include <poll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace wgnet::forward {

Result<StopSignal> StopSignal::create() {
  Fd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) {
    return make_error(ErrorCode::kIo, std::string("eventfd: ") + std::strerror(errno));
  }
  return StopSignal(std::move(fd));
}

void StopSignal::raise() const {
  uint64_t one = 1;
  // Cannot fail short of a counter overflow, which only makes it readable anyway.
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

bool StopSignal::raised() const {
  return wait_readable(fd_.get(), 0);
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

}  // namespace wgnet::forward
