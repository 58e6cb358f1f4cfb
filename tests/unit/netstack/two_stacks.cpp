#include "netstack/two_stacks.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include <cerrno>
#include <cstring>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
// lwIP's IPv6 reassembly keeps the pointer to the next fragment unaligned (a packed struct inside
// the previous fragment): LeakSanitizer must scan unaligned words too.
extern "C" const char* __lsan_default_options() { return "use_unaligned=1"; }
#endif

namespace wgnet::testing {

Endpoint ep(const char* ip, uint16_t port) {
  auto parsed = IpAddress::parse(ip);
  EXPECT_TRUE(parsed.has_value()) << ip;
  return Endpoint{parsed.value_or(IpAddress{}), port};
}

// ---- Side ----

Result<Connection> Side::dial(const Endpoint& remote, std::chrono::milliseconds timeout) {
  std::promise<Result<Connection>> done;
  auto result = done.get_future();
  loop_->post([&] {
    host_->dial_tcp(remote, timeout, [&done](Result<Connection> r) { done.set_value(std::move(r)); });
  });
  auto r = result.get();
  if (r) set_timeouts(r->fd.get(), 15s);
  return r;
}

uint32_t Side::listen(const Endpoint& local) {
  auto id = on_loop([&] {
    return host_->listen_tcp(local, [this](Connection c) {
      std::lock_guard lock(accepted_mu_);
      accepted_.push_back(std::move(c));
      accepted_cv_.notify_all();
    });
  });
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
  return id.ok() ? *id : 0;
}

Connection Side::accept(std::chrono::milliseconds timeout) {
  std::unique_lock lock(accepted_mu_);
  if (!accepted_cv_.wait_for(lock, timeout, [&] { return !accepted_.empty(); })) {
    ADD_FAILURE() << name_ << ": no connection accepted in time";
    return Connection{};
  }
  Connection c = std::move(accepted_.front());
  accepted_.erase(accepted_.begin());
  set_timeouts(c.fd.get(), 15s);
  return c;
}

io::NetstackStats Side::stats() {
  return on_loop([&] { return host_->stats(); });
}

bool Side::wait_stats(const std::function<bool(const io::NetstackStats&)>& pred,
                      std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (pred(stats())) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred(stats());
}

void Side::signal(uint8_t value) { ASSERT_EQ(::write(ctl_fd_, &value, 1), 1); }

uint8_t Side::wait_signal(std::chrono::milliseconds timeout) {
  pollfd p{ctl_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
    ADD_FAILURE() << name_ << ": no signal from the other side";
    return 0;
  }
  uint8_t v = 0;
  EXPECT_EQ(::read(ctl_fd_, &v, 1), 1);
  return v;
}

// ---- the child processes ----

int run_side(char name, const io::NetstackConfig& config, int link_fd, int ctl_fd,
             const std::function<void(Side&)>& body) {
  Side side;
  side.name_ = name;
  side.ctl_fd_ = ctl_fd;
  auto loop = io::EventLoop::create();
  if (!loop) return 2;
  side.loop_ = std::move(*loop);
  Side* s = &side;
  auto host = io::NetstackHost::create(*side.loop_, config, [s, link_fd](std::span<const uint8_t> pkt) {
    if (s->tap) s->tap(pkt);
    if (s->drop_output.load()) return;
    static uint64_t rng = 0x2545F4914F6CDD1Dull;  // loop thread only
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    if (rng % 1000 < s->loss_per_mille.load()) {
      s->link.lost++;
      return;
    }
    s->link.packets++;
    s->link.bytes += pkt.size();
    if (pkt.size() > s->link.max_packet) s->link.max_packet = static_cast<uint32_t>(pkt.size());
    // A full link drops, as a real one would; TCP recovers.
    if (::send(link_fd, pkt.data(), pkt.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) s->link.dropped++;
  });
  if (!host) {
    ADD_FAILURE() << host.error().message;
    return 2;
  }
  side.host_ = std::move(*host);
  // Registered before run(): setup while the loop is not running is allowed.
  side.loop_->add(link_fd, EPOLLIN, [s, link_fd](uint32_t) {
    uint8_t buf[65536];
    for (int i = 0; i < 64; ++i) {
      ssize_t n = ::recv(link_fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      if (s->host_) s->host_->input({buf, static_cast<size_t>(n)});
    }
  });
  std::thread loop_thread([s] { s->loop_->run(); });
  body(side);
  side.on_loop([s] { s->host_.reset(); });
  side.loop_->stop();
  loop_thread.join();
  return ::testing::Test::HasFailure() ? 1 : 0;
}

namespace {

io::NetstackConfig side_config(char name, uint16_t mtu) {
  io::NetstackConfig c;
  c.mtu = mtu;
  c.addresses.push_back(*IpPrefix::parse(name == 'A' ? "10.0.0.1/24" : "10.0.0.2/24"));
  c.addresses.push_back(*IpPrefix::parse(name == 'A' ? "fd00::1/64" : "fd00::2/64"));
  return c;
}

pid_t spawn(char name, uint16_t mtu, int alarm_s, int link_fd, int ctl_fd,
            const std::function<void(Side&)>& body) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::alarm(static_cast<unsigned>(alarm_s));
  ::signal(SIGPIPE, SIG_IGN);
  int rc = run_side(name, side_config(name, mtu), link_fd, ctl_fd, body);
#if defined(__SANITIZE_ADDRESS__)
  // _exit skips LeakSanitizer's exit-time check: run it here (J5 object accounting).
  if (__lsan_do_recoverable_leak_check() != 0) rc = 3;
#endif
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(rc);
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

void run_pair(const std::function<void(Side&)>& body_a, const std::function<void(Side&)>& body_b,
              PairConfig config) {
  int link[2], ctl[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, link), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl), 0);
  int buf = 4 << 20;
  for (int fd : link) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t a = spawn('A', config.mtu, config.alarm_seconds, link[0], ctl[0], body_a);
  pid_t b = spawn('B', config.mtu, config.alarm_seconds, link[1], ctl[1], body_b);
  for (int fd : {link[0], link[1], ctl[0], ctl[1]}) ::close(fd);
  // The children end themselves by alarm(); this bounds the wait once more, killing only them.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(config.alarm_seconds + 5);
  int status_a = -1, status_b = -1;
  while ((status_a == -1 || status_b == -1) && std::chrono::steady_clock::now() < until) {
    int st;
    if (status_a == -1 && ::waitpid(a, &st, WNOHANG) == a) status_a = st;
    if (status_b == -1 && ::waitpid(b, &st, WNOHANG) == b) status_b = st;
    std::this_thread::sleep_for(5ms);
  }
  for (auto [pid, status] : {std::pair{a, &status_a}, std::pair{b, &status_b}}) {
    if (*status == -1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, status, 0);
    }
  }
  EXPECT_TRUE(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0) << "side A: " << describe(status_a);
  EXPECT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0) << "side B: " << describe(status_b);
}

// ---- socket helpers ----

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool write_all(int fd, const void* data, size_t len) {
  auto* p = static_cast<const uint8_t*>(data);
  while (len > 0) {
    ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool read_exact(int fd, void* data, size_t len) {
  auto* p = static_cast<uint8_t*>(data);
  while (len > 0) {
    ssize_t n = ::read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

std::string read_to_eof(int fd, size_t limit) {
  std::string out;
  char buf[4096];
  while (out.size() < limit) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void Pattern::fill(uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; i += 8) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    uint64_t v = state_;
    std::memcpy(out + i, &v, std::min<size_t>(8, len - i));
  }
}

void Hash::mix(uint64_t word) { state_ = (state_ ^ word) * 1099511628211ull; }

void Hash::update(const uint8_t* data, size_t len) {
  // FNV-1a over little-endian 64-bit words, so hashing does not dominate the throughput the bulk
  // tests print. Bytes are carried across calls: any split of the stream hashes the same.
  size_t i = 0;
  auto push = [&](uint8_t byte) {
    carry_ |= uint64_t{byte} << (8 * carried_);
    if (++carried_ == 8) {
      mix(carry_);
      carry_ = 0;
      carried_ = 0;
    }
  };
  while (i < len && carried_ != 0) push(data[i++]);
  for (; i + 8 <= len; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    mix(word);
  }
  while (i < len) push(data[i++]);
}

uint64_t Hash::digest() const {
  Hash h = *this;
  h.mix(h.carry_);
  h.mix(h.carried_);
  return h.state_;
}

uint64_t send_pattern(int fd, uint64_t seed, size_t total) {
  Pattern pattern(seed);
  Hash hash;
  std::vector<uint8_t> buf(64 * 1024);
  for (size_t sent = 0; sent < total;) {
    size_t n = std::min(buf.size(), total - sent);
    pattern.fill(buf.data(), n);
    hash.update(buf.data(), n);
    if (!write_all(fd, buf.data(), n)) return 0;
    sent += n;
  }
  return hash.digest();
}

std::pair<size_t, uint64_t> receive_all(int fd) {
  Hash hash;
  size_t total = 0;
  std::vector<uint8_t> buf(64 * 1024);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    hash.update(buf.data(), static_cast<size_t>(n));
    total += static_cast<size_t>(n);
  }
  return {total, hash.digest()};
}

uint64_t pattern_hash(uint64_t seed, size_t total) {
  Pattern pattern(seed);
  Hash hash;
  std::vector<uint8_t> buf(64 * 1024);
  for (size_t done = 0; done < total;) {
    size_t n = std::min(buf.size(), total - done);
    pattern.fill(buf.data(), n);
    hash.update(buf.data(), n);
    done += n;
  }
  return hash.digest();
}

}  // namespace wgnet::testing
