// The TCP forwards' accept loop: waits in poll() for the stop signal, a finished connection
// thread (joined at once) or a connection to accept; returns with every connection thread
// joined. At `max_connections` open connections it stops accepting until one ends, so a flood
// waits in the listen backlog instead of starting threads without bound.
#pragma once

#include <cstddef>
#include <functional>

#include "connection_threads.hpp"

namespace wgnet::forward {

// `accept_one` is called when `listen_fd` is readable; it accepts and usually spawns a thread
// on `threads`. It returns false when the listener is gone for good, which ends the loop.
void run_accept_loop(int listen_fd, int stop_fd, size_t max_connections, ConnectionThreads& threads,
                     const std::function<bool()>& accept_one);

}  // namespace wgnet::forward
