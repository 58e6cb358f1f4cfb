// The UDP forwards' table of sessions: one socket per remote endpoint (a local client of -L, a
// tunnel peer of -R), so that replies find their way back. Sessions idle for longer than the
// expiry are closed; at the cap, the least recently used one makes room for a new one.
// Used from one thread (the forward's poll loop).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"

namespace wgnet::forward {

class UdpSessions {
 public:
  using Clock = std::chrono::steady_clock;

  UdpSessions(std::chrono::milliseconds idle_expiry, size_t max_sessions)
      : idle_expiry_(idle_expiry), max_sessions_(max_sessions) {}

  // The session's socket, its idle clock restarted; nullopt when there is none.
  std::optional<int> use(const Endpoint& remote, Clock::time_point now);
  // Adds a session, first closing the least recently used one if the table is full; returns
  // the remote of the evicted session, if any.
  std::optional<Endpoint> add(const Endpoint& remote, Fd fd, Clock::time_point now);
  void remove(const Endpoint& remote);
  // Closes sessions idle for the expiry or longer; returns how many.
  size_t expire(Clock::time_point now);
  // When the next session will expire (nullopt: no sessions).
  std::optional<Clock::time_point> next_expiry() const;
  // poll()'s timeout until then: milliseconds rounded up, -1 for none.
  int poll_timeout(Clock::time_point now) const;

  // For the poll loop: each session's remote and socket.
  struct Entry {
    Endpoint remote;
    int fd;
  };
  std::vector<Entry> entries() const;
  size_t size() const { return sessions_.size(); }

 private:
  struct Session {
    Fd fd;
    Clock::time_point last_used;
  };
  std::chrono::milliseconds idle_expiry_;
  size_t max_sessions_;
  std::map<Endpoint, Session> sessions_;
};

}  // namespace wgnet::forward
