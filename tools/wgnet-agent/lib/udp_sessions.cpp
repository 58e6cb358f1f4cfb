#include "udp_sessions.hpp"

#include <algorithm>

namespace wgnet::forward {

std::optional<int> UdpSessions::use(const Endpoint& remote, Clock::time_point now) {
  auto it = sessions_.find(remote);
  if (it == sessions_.end()) return std::nullopt;
  it->second.last_used = now;
  return it->second.fd.get();
}

std::optional<Endpoint> UdpSessions::add(const Endpoint& remote, Fd fd, Clock::time_point now) {
  std::optional<Endpoint> evicted;
  if (sessions_.size() >= max_sessions_ && !sessions_.empty()) {
    // A linear scan: the table is small (hundreds) and this happens only when it is full.
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    evicted = oldest->first;
    sessions_.erase(oldest);
  }
  sessions_[remote] = Session{std::move(fd), now};
  return evicted;
}

void UdpSessions::remove(const Endpoint& remote) {
  sessions_.erase(remote);
}

size_t UdpSessions::expire(Clock::time_point now) {
  return std::erase_if(sessions_,
                       [&](auto& entry) { return now - entry.second.last_used >= idle_expiry_; });
}

std::optional<UdpSessions::Clock::time_point> UdpSessions::next_expiry() const {
  std::optional<Clock::time_point> next;
  for (const auto& [remote, session] : sessions_) {
    auto at = session.last_used + idle_expiry_;
    if (!next || at < *next) next = at;
  }
  return next;
}

int UdpSessions::poll_timeout(Clock::time_point now) const {
  auto at = next_expiry();
  if (!at) return -1;
  if (*at <= now) return 0;
  return static_cast<int>(
             std::chrono::duration_cast<std::chrono::milliseconds>(*at - now).count()) +
         1;
}

std::vector<UdpSessions::Entry> UdpSessions::entries() const {
  std::vector<Entry> out;
  out.reserve(sessions_.size());
  for (const auto& [remote, session] : sessions_) out.push_back({remote, session.fd.get()});
  return out;
}

}  // namespace wgnet::forward
