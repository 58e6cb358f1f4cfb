#include "io/os_environment.hpp"

#include <sys/random.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>

namespace wgnet::io {

namespace {
std::chrono::nanoseconds read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}
}  // namespace

core::Time boottime_now() { return read_clock(CLOCK_BOOTTIME); }

void OsEnvironment::random_bytes(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no secure randomness: continuing would be worse than stopping
    }
    done += static_cast<size_t>(n);
  }
}

std::chrono::nanoseconds OsEnvironment::wall_clock() { return read_clock(CLOCK_REALTIME); }

}  // namespace wgnet::io
