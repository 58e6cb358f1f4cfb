// wgnet-udp-relay: see relay_options.hpp. One thread, epoll; a timerfd fires at the earliest
// held datagram's send time. Exits after --max-seconds, or on SIGTERM/SIGINT, printing its
// counters to stderr. Exit status 0, or 2 for a bad command line, 1 for a socket error.
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_map>
#include <utility>

#include "delay_queue.hpp"
#include "impairment.hpp"
#include "relay_options.hpp"

namespace wgnet::relay {
namespace {

constexpr size_t kBatch = 32;
constexpr size_t kMaxDatagram = 65536;

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Client {
  uint64_t id = 0;
  SocketAddress address;
  Fd upstream;
  Clock::time_point last_heard;
};

struct DirectionCounters {
  uint64_t received = 0;
  uint64_t sent = 0;
  uint64_t queue_full = 0;
  uint64_t send_errors = 0;
  ImpairmentCounters impaired;
};

std::string address_key(const SocketAddress& a) {
  return std::string(reinterpret_cast<const char*>(&a.storage), a.length);
}

class Relay {
 public:
  explicit Relay(const RelayOptions& o) : o_(o), impairment_(o), queue_(o.max_queued) {}

  // Returns the exit status.
  int run();

 private:
  bool setup();
  void on_listen_readable(Clock::time_point now);
  void on_upstream_readable(Client& client, Clock::time_point now);
  Client* client_for(const SocketAddress& from, Clock::time_point now);
  void forget_idle(Clock::time_point now);
  void hold(uint64_t client, bool to_upstream, const uint8_t* data, size_t len,
            Clock::time_point now);
  void send_due(Clock::time_point now);
  void arm_timer();
  void print_counters() const;
  bool fail(const char* what) {
    std::fprintf(stderr, "wgnet-udp-relay: error: %s: %s\n", what, std::strerror(errno));
    return false;
  }

  RelayOptions o_;
  Impairment impairment_;
  DelayQueue queue_;
  Fd epoll_, listen_, timer_, signals_;
  uint64_t next_client_id_ = 1;
  std::unordered_map<std::string, uint64_t> client_by_address_;
  std::unordered_map<uint64_t, Client> clients_;
  std::unordered_map<int, uint64_t> client_by_fd_;
  DirectionCounters up_, down_;
  uint64_t clients_seen_ = 0;
  std::vector<uint8_t> rx_buffers_ = std::vector<uint8_t>(kBatch * kMaxDatagram);
};

bool Relay::setup() {
  epoll_ = Fd(epoll_create1(EPOLL_CLOEXEC));
  if (epoll_.get() < 0) return fail("epoll_create1");
  listen_ = Fd(socket(o_.listen.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (listen_.get() < 0) return fail("socket");
  const int on = 1;
  setsockopt(listen_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(listen_.get(), o_.listen.get(), o_.listen.length) != 0) return fail("--listen: bind");
  timer_ = Fd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (timer_.get() < 0) return fail("timerfd_create");
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signals_ = Fd(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (signals_.get() < 0) return fail("signalfd");
  for (int fd : {listen_.get(), timer_.get(), signals_.get()}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return fail("epoll_ctl");
  }
  if (!o_.ready_file.empty()) {
    std::ofstream ready(o_.ready_file);
    ready << getpid() << '\n';
    if (!ready) return fail("--ready: write");
  }
  return true;
}

Client* Relay::client_for(const SocketAddress& from, Clock::time_point now) {
  const std::string key = address_key(from);
  if (auto it = client_by_address_.find(key); it != client_by_address_.end()) {
    Client& c = clients_.at(it->second);
    c.last_heard = now;
    return &c;
  }
  if (clients_.size() >= o_.max_clients) {  // forget the least recently heard
    auto oldest = clients_.begin();
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
      if (it->second.last_heard < oldest->second.last_heard) oldest = it;
    }
    client_by_address_.erase(address_key(oldest->second.address));
    client_by_fd_.erase(oldest->second.upstream.get());
    clients_.erase(oldest);
  }
  Fd fd(socket(o_.upstream.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || connect(fd.get(), o_.upstream.get(), o_.upstream.length) != 0) {
    fail("--upstream: socket/connect");
    return nullptr;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd.get();
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ev) != 0) {
    fail("epoll_ctl");
    return nullptr;
  }
  const uint64_t id = next_client_id_++;
  ++clients_seen_;
  client_by_address_[key] = id;
  client_by_fd_[fd.get()] = id;
  Client& c = clients_[id];
  c.id = id;
  c.address = from;
  c.upstream = std::move(fd);
  c.last_heard = now;
  return &c;
}

void Relay::forget_idle(Clock::time_point now) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (now - it->second.last_heard < std::chrono::seconds(o_.idle_seconds)) {
      ++it;
      continue;
    }
    client_by_address_.erase(address_key(it->second.address));
    client_by_fd_.erase(it->second.upstream.get());
    it = clients_.erase(it);
  }
}

void Relay::hold(uint64_t client, bool to_upstream, const uint8_t* data, size_t len,
                 Clock::time_point now) {
  DirectionCounters& dir = to_upstream ? up_ : down_;
  ++dir.received;
  const Fate fate = impairment_.decide(now, dir.impaired);
  for (size_t i = 0; i < fate.copies; ++i) {
    if (queue_.full()) {
      ++dir.queue_full;
      continue;
    }
    queue_.push(Held{fate.send_at[i], 0, client, to_upstream, queue_.buffer(data, len)});
  }
}

// Reads a batch from `fd` into rx_buffers_; returns how many, with each one's length and source.
size_t receive_batch(int fd, std::vector<uint8_t>& buffers, std::array<mmsghdr, kBatch>& msgs,
                     std::array<iovec, kBatch>& iovs, std::array<SocketAddress, kBatch>& from) {
  for (size_t i = 0; i < kBatch; ++i) {
    iovs[i] = iovec{buffers.data() + i * kMaxDatagram, kMaxDatagram};
    msgs[i] = mmsghdr{};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i].storage;
    msgs[i].msg_hdr.msg_namelen = sizeof from[i].storage;
  }
  const int n = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) from[i].length = msgs[i].msg_hdr.msg_namelen;
  return static_cast<size_t>(n);
}

void Relay::on_listen_readable(Clock::time_point now) {
  std::array<mmsghdr, kBatch> msgs;
  std::array<iovec, kBatch> iovs;
  std::array<SocketAddress, kBatch> from;
  const size_t n = receive_batch(listen_.get(), rx_buffers_, msgs, iovs, from);
  for (size_t i = 0; i < n; ++i) {
    Client* c = client_for(from[i], now);
    if (c == nullptr) continue;
    hold(c->id, true, rx_buffers_.data() + i * kMaxDatagram, msgs[i].msg_len, now);
  }
}

void Relay::on_upstream_readable(Client& client, Clock::time_point now) {
  std::array<mmsghdr, kBatch> msgs;
  std::array<iovec, kBatch> iovs;
  std::array<SocketAddress, kBatch> from;
  const size_t n = receive_batch(client.upstream.get(), rx_buffers_, msgs, iovs, from);
  for (size_t i = 0; i < n; ++i) {
    hold(client.id, false, rx_buffers_.data() + i * kMaxDatagram, msgs[i].msg_len, now);
  }
}

void Relay::send_due(Clock::time_point now) {
  while (!queue_.empty() && queue_.earliest() <= now) {
    Held held = queue_.pop();
    DirectionCounters& dir = held.to_upstream ? up_ : down_;
    auto it = clients_.find(held.client);
    if (it != clients_.end()) {
      const Client& c = it->second;
      const ssize_t r = held.to_upstream
                            ? send(c.upstream.get(), held.bytes.data(), held.bytes.size(), 0)
                            : sendto(listen_.get(), held.bytes.data(), held.bytes.size(), 0,
                                     c.address.get(), c.address.length);
      ++(r < 0 ? dir.send_errors : dir.sent);
    }
    queue_.recycle(std::move(held.bytes));
  }
}

void Relay::arm_timer() {
  itimerspec spec{};
  if (!queue_.empty()) {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(queue_.earliest().time_since_epoch())
            .count();
    // Zero would disarm: a time already past still needs to fire.
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Relay::print_counters() const {
  auto line = [](const char* name, const DirectionCounters& d) {
    std::fprintf(stderr,
                 "wgnet-udp-relay: %s: received %llu sent %llu lost %llu duplicated %llu "
                 "reordered %llu queue-full %llu send-errors %llu\n",
                 name, static_cast<unsigned long long>(d.received),
                 static_cast<unsigned long long>(d.sent),
                 static_cast<unsigned long long>(d.impaired.lost),
                 static_cast<unsigned long long>(d.impaired.duplicated),
                 static_cast<unsigned long long>(d.impaired.reordered),
                 static_cast<unsigned long long>(d.queue_full),
                 static_cast<unsigned long long>(d.send_errors));
  };
  line("to upstream", up_);
  line("to clients", down_);
  std::fprintf(stderr, "wgnet-udp-relay: clients %llu, still held at exit %zu\n",
               static_cast<unsigned long long>(clients_seen_), queue_.size());
}

int Relay::run() {
  if (!setup()) return 1;
  const auto give_up_at = Clock::now() + std::chrono::seconds(o_.max_seconds);
  auto next_idle_check = Clock::now() + std::chrono::seconds(1);
  std::array<epoll_event, 64> events;
  for (;;) {
    const auto now = Clock::now();
    if (now >= give_up_at) break;
    const auto wait =
        std::chrono::ceil<std::chrono::milliseconds>(std::min(give_up_at, next_idle_check) - now);
    const int n = epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                             static_cast<int>(wait.count()));
    if (n < 0 && errno != EINTR) return fail("epoll_wait") ? 0 : 1;
    const auto woke = Clock::now();
    for (int i = 0; i < std::max(n, 0); ++i) {
      const int fd = events[i].data.fd;
      if (fd == signals_.get()) {
        print_counters();
        return 0;
      }
      if (fd == listen_.get()) {
        on_listen_readable(woke);
      } else if (fd == timer_.get()) {
        uint64_t expirations = 0;
        (void)!read(fd, &expirations, sizeof expirations);
      } else if (auto it = client_by_fd_.find(fd); it != client_by_fd_.end()) {
        on_upstream_readable(clients_.at(it->second), woke);
      }
    }
    send_due(Clock::now());
    if (woke >= next_idle_check) {
      forget_idle(woke);
      next_idle_check = woke + std::chrono::seconds(1);
    }
    arm_timer();
  }
  print_counters();
  return 0;
}

}  // namespace
}  // namespace wgnet::relay

int main(int argc, char** argv) {
  using namespace wgnet::relay;
  const ParseResult parsed = parse_relay_options(argc, argv);
  if (parsed.help) {
    std::fputs(relay_usage(), stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "wgnet-udp-relay: error: %s\n%s", parsed.error.c_str(), relay_usage());
    return 2;
  }
  Relay relay(*parsed.options);
  return relay.run();
}
