#include "forwarder.hpp"

#include <poll.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace wgnet::forward {

Forwarder::Forwarder(Tunnel& tunnel, const tools::Diagnostics& diag, ForwardOptions options)
    : tunnel_(tunnel), diag_(diag), options_(options) {}

void Forwarder::add(ForwardSpec spec) {
  specs_.push_back(std::move(spec));
}

Result<void> Forwarder::start() {
  if (stop_) return make_error(ErrorCode::kInvalidArgument, "the forwards were started already");
  auto signal = StopSignal::create();
  if (!signal) return signal.error();
  stop_.emplace(std::move(*signal));
  ForwardContext ctx{tunnel_, diag_, options_, stop_->fd()};
  std::vector<std::unique_ptr<Forward>> forwards;
  for (const ForwardSpec& spec : specs_) {
    auto forward = bind_forward(spec, ctx);
    if (!forward) {
      bound_.clear();
      return forward.error();  // those bound so far close here, unserved
    }
    Endpoint listening = (*forward)->listening();
    if (spec.listen_port == 0) {
      diag_.note(spec.name() + ": allocated port " + std::to_string(listening.port));
    }
    diag_.info(spec.name() + ": listening on " + listening.to_string() +
               (spec.direction == Direction::kDynamic
                    ? std::string(", SOCKS5 through the tunnel")
                    : ", forwarding to " + spec.host + " port " + std::to_string(spec.host_port)));
    bound_.push_back({spec, listening});
    forwards.push_back(std::move(*forward));
  }
  forwards_ = std::move(forwards);
  for (auto& forward : forwards_) {
    try {
      threads_.emplace_back([f = forward.get()] { f->serve(); });
    } catch (const std::system_error& e) {
      stop();  // the ones already serving
      return make_error(ErrorCode::kInternal, std::string("cannot start a thread: ") + e.what());
    }
  }
  return {};
}

std::vector<Forwarder::Bound> Forwarder::bound() const {
  return bound_;
}

void Forwarder::stop() {
  std::lock_guard lock(stop_mutex_);
  if (!stop_) return;
  stop_->raise();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  forwards_.clear();
}

void Forwarder::wait(int wake_fd) {
  if (stop_) {
    pollfd fds[2] = {{stop_->fd(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
    while (::poll(fds, wake_fd >= 0 ? 2 : 1, -1) < 0 && errno == EINTR) {
    }
  }
  stop();
}

}  // namespace wgnet::forward
