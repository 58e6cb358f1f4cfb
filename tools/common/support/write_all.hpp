// write(2) until every byte is out (short writes and EINTR are not errors), for the blocking fds
// the tools write to: terminals, stderr, the demo peer's service sockets.
#pragma once

#include <cstddef>
#include <string_view>

namespace wgnet::tools {

// False on an error (errno set by write) or a write that made no progress.
bool write_all(int fd, const void* data, size_t len);
inline bool write_all(int fd, std::string_view text) {
  return write_all(fd, text.data(), text.size());
}

}  // namespace wgnet::tools
