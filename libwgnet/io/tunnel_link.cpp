#include "io/tunnel_link.hpp"

#include <algorithm>

namespace wgnet::io {

void TunnelLink::watch(const std::shared_ptr<Closable>& waiter) {
  {
    std::lock_guard lock(watched_mu_);
    if (open_.load()) {
      std::erase_if(watched_, [](const auto& w) { return w.expired(); });
      watched_.push_back(waiter);
      return;
    }
  }
  waiter->close();
}

void TunnelLink::close() {
  {
    std::unique_lock lock(mu_);  // waits for calls in flight; they need the loop, which runs
    open_.store(false);
  }
  std::vector<std::weak_ptr<Closable>> watched;
  {
    std::lock_guard lock(watched_mu_);
    watched.swap(watched_);
  }
  for (const auto& w : watched)
    if (auto waiter = w.lock()) waiter->close();
}

Error called_on_loop_thread(const std::string& call) {
  return make_error(ErrorCode::kInvalidArgument,
                    call +
                        " called on the tunnel's own event loop thread (from a LogSink?): it "
                        "would wait for that thread forever; call it from another thread");
}

}  // namespace wgnet::io
