#include "agent/spawn.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace wgnet::agent {

namespace {

constexpr int kReadyFd = 3;

// PATH lookup before fork: the child only calls async-signal-safe functions.
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

}  // namespace

Result<std::string> spawn_agent(const SpawnRequest& request, const AgentPaths& paths) {
  std::string program = find_program(request.program);
  if (program.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "cannot find the wgnet agent program '" + request.program +
                          "' in PATH: install wgnet-agent, set WGNET_AGENT_PROGRAM, or use "
                          "--no-share");
  std::vector<std::string> args = {program,
                                   "run",
                                   "--config",
                                   absolute(request.config_path),
                                   "--ready-fd",
                                   std::to_string(kReadyFd),
                                   "--handshake-timeout",
                                   std::to_string(request.handshake_timeout.count())};
  if (request.idle_timeout) {
    args.push_back("--idle-timeout");
    args.push_back(std::to_string(request.idle_timeout->count()));
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0)
    return make_error(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  Fd ready_read(pipefd[0]);
  Fd ready_write(pipefd[1]);
  std::string failed = "error " + std::to_string(static_cast<int>(ErrorCode::kInvalidArgument)) +
                       " cannot run " + program + ": ";

  pid_t child = ::fork();
  if (child < 0) return make_error(ErrorCode::kIo, std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // Only async-signal-safe calls from here to exec.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    int log = ::open(paths.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null < 0 || log < 0) ::_exit(127);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(log, 2);
    // dup2 onto itself keeps FD_CLOEXEC: move the pipe out of the way first.
    int w = ::fcntl(ready_write.get(), F_DUPFD, 10);
    ::dup2(w, kReadyFd);
    ::syscall(SYS_close_range, kReadyFd + 1, ~0U, 0);
    ::execv(program.c_str(), argv.data());
    const char* why = std::strerror(errno);
    (void)!::write(kReadyFd, failed.data(), failed.size());
    (void)!::write(kReadyFd, why, std::strlen(why));
    ::_exit(127);
  }
  ready_write.reset();
  ::waitpid(child, nullptr, 0);

  // The agent opens the tunnel before it answers (endpoint names resolved, sockets bound):
  // seconds at most, bounded here all the same.
  std::string word;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{ready_read.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    char buf[512];
    ssize_t got = ::read(ready_read.get(), buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    word.append(buf, static_cast<size_t>(got));
  }
  if (word.empty())
    return make_error(ErrorCode::kIo, "the wgnet agent (" + program +
                                          ") exited without saying why: see " + paths.log);
  return word;
}

}  // namespace wgnet::agent
