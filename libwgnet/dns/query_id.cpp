#include "dns/query_id.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace wgnet::dns {

uint16_t random_query_id() {
  uint16_t id = 0;
  auto* out = reinterpret_cast<unsigned char*>(&id);
  size_t got = 0;
  // getrandom() on the urandom pool never blocks after early boot and never returns short
  // for 2 bytes; loop anyway for EINTR. Bounded: a failure other than EINTR is fatal.
  for (int i = 0; i < 100 && got < sizeof id; ++i) {
    ssize_t n = ::getrandom(out + got, sizeof id - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  // Without randomness a predictable ID would make spoofing trivial: refuse to continue.
  if (got != sizeof id) std::abort();
  return id;
}

}  // namespace wgnet::dns
