#include "io/os_environment.hpp"

#include <time.h>

#include "io/os_random/os_random.hpp"

namespace wgnet::io {

namespace {
std::chrono::nanoseconds read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}
}  // namespace

core::Time boottime_now() {
  return read_clock(CLOCK_BOOTTIME);
}

void OsEnvironment::random_bytes(std::span<uint8_t> out) {
  os_random_bytes(out);
}

std::chrono::nanoseconds OsEnvironment::wall_clock() {
  return read_clock(CLOCK_REALTIME);
}

}  // namespace wgnet::io
