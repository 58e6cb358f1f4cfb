// Two lwIP stacks talking to each other. lwIP is a process-wide singleton, so each stack lives in
// its own forked child: side A (10.0.0.1/24, fd00::1/64) and side B (10.0.0.2/24, fd00::2/64).
// Each side's PacketOutput writes raw IP packets into a SOCK_DGRAM socketpair shared by the two
// children; the other end is registered in the other side's loop and fed to input(). The
// children run the test body on their main thread (blocking I/O on app fds, like a real app)
// while the EventLoop runs on a second thread. Everything is bounded by alarm() and timeouts.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/event_loop.hpp"
#include "io/netstack_host.hpp"

namespace wgnet::testing {

using namespace std::chrono_literals;

Endpoint ep(const char* ip, uint16_t port);

struct LinkStats {
  std::atomic<uint64_t> packets{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint32_t> max_packet{0};
  std::atomic<uint64_t> dropped{0};  // the link (socketpair) was full
  std::atomic<uint64_t> lost{0};     // dropped on purpose (loss_per_mille)
};

class Side {
 public:
  io::EventLoop& loop() { return *loop_; }
  io::NetstackHost& host() { return *host_; }
  char name() const { return name_; }

  // Runs fn on the loop thread and returns its result.
  template <class F>
  auto on_loop(F&& fn) -> std::invoke_result_t<F>;

  Result<Connection> dial(const Endpoint& remote, std::chrono::milliseconds timeout = 5s);
  // Listens and returns the id; accepted connections queue up for accept().
  uint32_t listen(const Endpoint& local);
  // Waits up to `timeout` for the next accepted connection.
  Connection accept(std::chrono::milliseconds timeout = 10s);
  io::NetstackStats stats();

  // A control channel to the other side (for "I am listening now" and the like).
  void signal(uint8_t value = 1);
  uint8_t wait_signal(std::chrono::milliseconds timeout = 20s);

  // Sees every packet this side sends (loop thread; set it through on_loop).
  std::function<void(std::span<const uint8_t>)> tap;
  // Drops this many of every 1000 outgoing packets (deterministic pseudo-random choice).
  std::atomic<uint32_t> loss_per_mille{0};
  // While set, this side's outgoing packets are dropped (a black hole).
  std::atomic<bool> drop_output{false};
  LinkStats link;

  // Waits until pred(stats()) holds, up to timeout; returns whether it did.
  bool wait_stats(const std::function<bool(const io::NetstackStats&)>& pred,
                  std::chrono::milliseconds timeout);

 private:
  friend int run_side(char, const io::NetstackConfig&, int, int, const std::function<void(Side&)>&);
  char name_ = '?';
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<io::NetstackHost> host_;
  int ctl_fd_ = -1;
  std::mutex accepted_mu_;
  std::condition_variable accepted_cv_;
  std::vector<Connection> accepted_;
};

struct PairConfig {
  uint16_t mtu = 1420;
  int alarm_seconds = 40;
};

// Runs body_a and body_b in two children joined as described above; fails the current test if
// either child fails a check, crashes or times out.
void run_pair(const std::function<void(Side&)>& body_a, const std::function<void(Side&)>& body_b,
              PairConfig config = {});

// ---- blocking socket helpers (app side) ----

void set_timeouts(int fd, std::chrono::milliseconds timeout);
bool write_all(int fd, const void* data, size_t len);
bool read_exact(int fd, void* data, size_t len);
std::string read_to_eof(int fd, size_t limit = 1 << 20);

// Deterministic pseudo-random stream (xorshift) and a running FNV-1a-style hash.
class Pattern {
 public:
  explicit Pattern(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  void fill(uint8_t* out, size_t len);

 private:
  uint64_t state_;
};

class Hash {
 public:
  void update(const uint8_t* data, size_t len);
  uint64_t digest() const;

 private:
  void mix(uint64_t word);
  uint64_t state_ = 1469598103934665603ull;
  uint64_t carry_ = 0;
  unsigned carried_ = 0;
};

// Sends `total` bytes of Pattern(seed) on fd; returns the hash of what was sent (0 on error).
uint64_t send_pattern(int fd, uint64_t seed, size_t total);
// Reads until EOF; returns {bytes, hash}.
std::pair<size_t, uint64_t> receive_all(int fd);
uint64_t pattern_hash(uint64_t seed, size_t total);

}  // namespace wgnet::testing

#include "netstack/two_stacks_inl.hpp"
