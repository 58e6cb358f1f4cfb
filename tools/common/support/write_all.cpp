#include "write_all.hpp"

#include <unistd.h>

#include <cerrno>

namespace wgnet::tools {

bool write_all(int fd, const void* data, size_t len) {
  const auto* bytes = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, bytes, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace wgnet::tools
