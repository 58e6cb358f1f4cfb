#include "accept_loop.hpp"

#include <poll.h>

#include <cerrno>

namespace wgnet::forward {

void run_accept_loop(int listen_fd, int stop_fd, size_t max_connections, ConnectionThreads& threads,
                     const std::function<bool()>& accept_one) {
  for (;;) {
    bool room = threads.count() < max_connections;
    pollfd fds[3] = {{stop_fd, POLLIN, 0},
                     {threads.finished_fd(), POLLIN, 0},
                     {listen_fd, static_cast<short>(room ? POLLIN : 0), 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;  // only EFAULT/EINVAL/ENOMEM: nothing sensible to wait for
    }
    if (fds[0].revents != 0) break;
    if (fds[1].revents != 0) threads.reap();
    if (fds[2].revents != 0 && !accept_one()) break;
  }
  threads.join_all();  // the stop fd is the relays' cancel fd: they are ending too
}

}  // namespace wgnet::forward
