#include "io/os_random/os_random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace wgnet::io {

void os_random_bytes(std::span<uint8_t> out) {
  size_t done = 0;
  // getrandom() on the urandom pool never blocks after early boot; it may return short or be
  // interrupted. Bounded: the pool cannot stay short for long, anything else is fatal.
  for (int round = 0; round < 1000 && done < out.size(); ++round) {
    ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  if (done != out.size()) std::abort();
}

}  // namespace wgnet::io
