#include "agent/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "wgnet/socks5.hpp"

namespace wgnet::agent {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

uint64_t read_vm_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

}  // namespace

AgentServer::AgentServer(const Config& config, std::string config_path, AgentPaths paths,
                         AgentServeOptions options)
    : config_(config),
      config_path_(std::move(config_path)),
      paths_(std::move(paths)),
      options_(std::move(options)),
      fingerprint_(config_fingerprint(config)),
      started_(SteadyClock::now()) {}

AgentServer::~AgentServer() {
  shutdown_workers();
  std::unique_lock lock(mu_);
  while (!workers_.empty()) {
    auto it = workers_.begin();
    std::thread t = std::move(it->second.thread);
    lock.unlock();
    if (t.joinable()) t.join();
    lock.lock();
    workers_.erase(it->first);
  }
}

void AgentServer::log(LogLevel level, const std::string& message) const {
  if (options_.log) options_.log(level, message);
}

Result<void> AgentServer::start() {
  TunnelOptions topts;
  topts.log = options_.log;
  topts.handshake_timeout = options_.handshake_timeout;
  auto tunnel = Tunnel::open(config_, std::move(topts));
  if (!tunnel) return tunnel.error();
  tunnel_ = std::move(*tunnel);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0)
    return make_error(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  wake_read_.reset(pipefd[0]);
  wake_write_.reset(pipefd[1]);

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (paths_.socket.size() >= sizeof addr.sun_path)
    return make_error(ErrorCode::kInvalidArgument,
                      "agent socket path " + paths_.socket +
                          " is too long for a Unix socket: set XDG_RUNTIME_DIR to a shorter "
                          "directory");
  std::memcpy(addr.sun_path, paths_.socket.c_str(), paths_.socket.size() + 1);
  listen_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listen_) return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  // We hold the lock: a socket file left here is a dead agent's.
  ::unlink(paths_.socket.c_str());
  mode_t old = ::umask(0177);
  int bound = ::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (bound != 0 || ::listen(listen_.get(), 128) != 0)
    return make_error(ErrorCode::kIo,
                      "cannot listen on " + paths_.socket + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(paths_.socket.c_str(), &st) == 0) socket_inode_ = st.st_ino;
  {
    mode_t old_mask = ::umask(0177);
    std::ofstream(paths_.pid, std::ios::trunc) << ::getpid() << "\n";
    ::umask(old_mask);
  }
  log(LogLevel::kInfo, "agent pid " + std::to_string(::getpid()) + " serving " + config_path_ +
                           " on " + paths_.socket);
  return {};
}

void AgentServer::wake() {
  (void)!::write(wake_write_.get(), "w", 1);
}

void AgentServer::request_exit(bool retire) {
  if (retire) {
    retire_ = true;
    // At once, so that the client's fresh agent can bind while this one winds down.
    remove_files();
  }
  exiting_ = true;
  wake();
}

void AgentServer::remove_files() {
  // Only what is still ours: a later agent may have replaced them.
  struct stat st {};
  if (socket_inode_ != 0 && ::stat(paths_.socket.c_str(), &st) == 0 && st.st_ino == socket_inode_)
    ::unlink(paths_.socket.c_str());
  socket_inode_ = 0;
  if (read_file(paths_.pid) == std::to_string(::getpid())) ::unlink(paths_.pid.c_str());
}

bool AgentServer::retire_if_handshake_gave_up() {
  if (SteadyClock::now() < started_ + options_.handshake_timeout) return false;
  if (tunnel_->stats().handshake_time) return false;
  log(LogLevel::kWarning, "no handshake within " +
                              std::to_string(options_.handshake_timeout.count()) +
                              " ms: exiting, so that the next run starts afresh");
  request_exit(true);
  return true;
}

AgentStatus AgentServer::status() {
  AgentStatus s;
  s.pid = ::getpid();
  s.socket_path = paths_.socket;
  s.config_path = config_path_;
  {
    std::lock_guard lock(mu_);
    s.connections = static_cast<uint32_t>(workers_.size() - finished_.size());
  }
  s.uptime = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - started_);
  auto stats = tunnel_->stats();
  s.handshake_time = stats.handshake_time;
  s.peer_endpoint = stats.peer_endpoint;
  s.rss_kib = read_vm_rss_kib();
  return s;
}

void AgentServer::accept_one() {
  Fd conn(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(conn.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      cred.uid != ::getuid()) {
    log(LogLevel::kWarning, "refused a connection from uid " + std::to_string(cred.uid) + " pid " +
                                std::to_string(cred.pid) + ": only uid " +
                                std::to_string(::getuid()) + " may use this agent");
    return;
  }
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  Worker& w = workers_[id];
  w.fd = conn.get();
  w.thread = std::thread(
      [this, id, c = std::move(conn)]() mutable { serve_connection(id, std::move(c)); });
}

void AgentServer::serve_connection(uint64_t id, Fd conn) {
  uint8_t first = 0;
  ssize_t n;
  do {
    n = ::recv(conn.get(), &first, 1, MSG_PEEK);
  } while (n < 0 && errno == EINTR);
  if (n == 1 && first == 0x05) {
    // SOCKS5 on the same socket (no authentication: SO_PEERCRED above already let only our
    // uid in). The handler owns a duplicate; ours stays open (and registered) until it
    // returns, so that shutdown() at exit reaches the socket and never a reused descriptor.
    Fd dup(::fcntl(conn.get(), F_DUPFD_CLOEXEC, 0));
    if (options_.on_socks5) {
      options_.on_socks5(std::move(dup));
    } else {
      Socks5Options socks;
      socks.log = options_.log;
      serve_socks5(tunnel(), std::move(dup), socks);
    }
  } else if (n == 1 && first == static_cast<uint8_t>(kMagic[0])) {
    char magic[sizeof kMagic];
    if (::recv(conn.get(), magic, sizeof magic, MSG_WAITALL) == sizeof magic &&
        std::memcmp(magic, kMagic, sizeof magic) == 0)
      serve_protocol(*this, conn.get());
  }
  {
    std::lock_guard lock(mu_);
    workers_[id].fd = -1;
  }
  conn.reset();
  finish_worker(id);
}

void AgentServer::finish_worker(uint64_t id) {
  std::lock_guard lock(mu_);
  finished_.push_back(id);
  wake();
}

void AgentServer::reap() {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mu_);
    for (uint64_t id : finished_) {
      auto it = workers_.find(id);
      if (it == workers_.end()) continue;
      done.push_back(std::move(it->second.thread));
      workers_.erase(it);
    }
    finished_.clear();
  }
  for (auto& t : done) t.join();
}

void AgentServer::shutdown_workers() {
  std::lock_guard lock(mu_);
  for (auto& [id, w] : workers_)
    if (w.fd >= 0) ::shutdown(w.fd, SHUT_RDWR);
}

void AgentServer::run() {
  auto idle_since = SteadyClock::now();
  bool was_busy = false;
  while (!exiting_) {
    reap();
    size_t active;
    {
      std::lock_guard lock(mu_);
      active = workers_.size();
    }
    int timeout = -1;
    if (active > 0) {
      was_busy = true;
    } else {
      if (was_busy) {
        idle_since = SteadyClock::now();
        was_busy = false;
      }
      if (options_.idle_timeout.count() > 0) {
        auto left = std::chrono::duration_cast<milliseconds>(idle_since + options_.idle_timeout -
                                                             SteadyClock::now());
        if (left.count() <= 0) {
          log(LogLevel::kInfo,
              "no client for " + std::to_string(options_.idle_timeout.count()) + " s: exiting");
          break;
        }
        timeout = static_cast<int>(left.count()) + 1;
      }
    }
    pollfd fds[3] = {
        {listen_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}, {options_.stop_fd, POLLIN, 0}};
    int rc = ::poll(fds, options_.stop_fd >= 0 ? 3 : 2, timeout);
    if (rc < 0 && errno != EINTR) break;
    if (rc <= 0) continue;
    if (fds[1].revents) {
      char buf[64];
      while (::read(wake_read_.get(), buf, sizeof buf) > 0) {
      }
    }
    if (options_.stop_fd >= 0 && fds[2].revents) {
      log(LogLevel::kInfo, "asked to stop: exiting");
      break;
    }
    if (fds[0].revents & POLLIN) accept_one();
  }
  exiting_ = true;
  // No new clients, then wake every connection's thread (they see end-of-file), join them
  // before the tunnel they use goes.
  listen_.reset();
  remove_files();
  shutdown_workers();
  for (;;) {
    reap();
    std::unique_lock lock(mu_);
    if (workers_.empty()) break;
    lock.unlock();
    pollfd p{wake_read_.get(), POLLIN, 0};
    ::poll(&p, 1, 100);
    char buf[64];
    while (::read(wake_read_.get(), buf, sizeof buf) > 0) {
    }
    shutdown_workers();  // connections accepted by a handler meanwhile
  }
  tunnel_.reset();
}

}  // namespace wgnet::agent

namespace wgnet {

namespace {

void tell_ready(int fd, const std::string& word) {
  if (fd < 0) return;
  (void)!::write(fd, word.data(), word.size());
  ::close(fd);
}

}  // namespace

Result<void> serve_agent(const Config& config, const std::string& config_path,
                         AgentServeOptions options) {
  int ready = options.ready_fd;
  options.ready_fd = -1;
  auto dir = agent_runtime_dir();
  if (!dir) {
    tell_ready(ready, "error " + std::to_string(static_cast<int>(dir.error().code)) + " " +
                          dir.error().message);
    return dir.error();
  }
  auto paths = agent::agent_paths(*dir, config);
  // The lock is the agent's life: held from here to return, released by the kernel if killed.
  Fd lock(::open(paths.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (lock && errno == EWOULDBLOCK) {
      tell_ready(ready, "busy");
      return {};
    }
    Error e = make_error(ErrorCode::kIo, "cannot lock " + paths.lock + ": " + std::strerror(errno));
    tell_ready(ready, "error " + std::to_string(static_cast<int>(e.code)) + " " + e.message);
    return e;
  }
  agent::AgentServer server(config, config_path, paths, std::move(options));
  if (auto started = server.start(); !started) {
    tell_ready(ready, "error " + std::to_string(static_cast<int>(started.error().code)) + " " +
                          started.error().message);
    return started.error();
  }
  tell_ready(ready, "ok");
  server.run();
  return {};
}

}  // namespace wgnet
