// Tunnel::attach and the agent's control calls (status, stop): find the identity's agent, start
// one when none runs, retire one whose config is not ours.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "agent/client.hpp"
#include "agent/identity.hpp"
#include "agent/protocol.hpp"
#include "agent/spawn.hpp"
#include "wgnet/agent.hpp"

namespace wgnet {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kRetryPause = milliseconds(20);
// How long a client waits for an agent someone else is starting (or one that is winding down).
constexpr auto kStartWindow = std::chrono::seconds(10);

// Whether some agent holds the identity's lock: starting, serving or winding down.
bool lock_held(const std::string& lock_path) {
  Fd fd(::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) != 0) return errno == EWOULDBLOCK;
  ::flock(fd.get(), LOCK_UN);
  return false;
}

// Until the lock is free (the agent has exited): true if it was within `limit`.
bool wait_lock_free(const std::string& lock_path, milliseconds limit) {
  auto deadline = SteadyClock::now() + limit;
  while (lock_held(lock_path)) {
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(kRetryPause);
  }
  return true;
}

std::optional<std::chrono::seconds> idle_from_env() {
  const char* v = std::getenv("WGNET_AGENT_IDLE");
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long s = std::strtol(v, &end, 10);
  if (*end != '\0' || s < 0) return std::nullopt;
  return std::chrono::seconds(s);
}

// "error <code> <message>" from the ready pipe back into an Error.
Error ready_error(const std::string& word) {
  std::string rest = word.substr(6);
  size_t space = rest.find(' ');
  int code = std::atoi(rest.substr(0, space).c_str());
  if (code < 0 || code > static_cast<int>(ErrorCode::kInternal)) code = 0;
  return make_error(static_cast<ErrorCode>(code),
                    space == std::string::npos ? rest : rest.substr(space + 1));
}

}  // namespace

Result<std::unique_ptr<Tunnel>> Tunnel::attach(const Config& config, AttachOptions options,
                                               AttachInfo* info) {
  auto dir = agent_runtime_dir();
  if (!dir) return dir.error();
  auto paths = agent::agent_paths(*dir, config);
  std::string fingerprint = config_fingerprint(config);
  if (info) *info = AttachInfo{0, false, paths.socket};

  agent::SpawnRequest spawn;
  spawn.config_path = options.config_path;
  spawn.program = options.agent_program;
  if (spawn.program.empty()) {
    const char* env = std::getenv("WGNET_AGENT_PROGRAM");
    spawn.program = env && *env ? env : "wgnet-agent";
  }
  spawn.idle_timeout = options.idle_timeout ? options.idle_timeout : idle_from_env();
  spawn.handshake_timeout = options.tunnel.handshake_timeout;

  bool started = false;
  int retired = 0;
  auto deadline = SteadyClock::now() + kStartWindow;
  for (;;) {
    bool absent = false;
    auto hello = agent::connect_agent(paths.socket, fingerprint, &absent);
    if (hello) {
      if (hello->fingerprint == fingerprint) {
        if (info) *info = AttachInfo{hello->pid, started, paths.socket};
        return agent::make_agent_tunnel(std::move(*hello), config, paths.socket);
      }
      // Its config is not ours (changed on disk): never reuse old keys or peers.
      if (++retired > 3)
        return make_error(ErrorCode::kInternal,
                          "the wgnet agent on " + paths.socket +
                              " keeps serving a different config: stop it with wgnet-agent stop");
      if (options.tunnel.log)
        options.tunnel.log(LogLevel::kInfo, "agent pid " + std::to_string(hello->pid) +
                                                " has another config: retiring it");
      (void)agent::exchange(hello->conn.get(), agent::op(agent::Op::kRetire), agent::Writer());
      hello->conn.reset();
      wait_lock_free(paths.lock, milliseconds(5000));
      continue;
    }
    if (!absent) return hello.error();
    if (SteadyClock::now() >= deadline)
      return make_error(ErrorCode::kTimeout, "no wgnet agent answered on " + paths.socket +
                                                 " within 10 s: see " + paths.log);
    if (lock_held(paths.lock)) {  // another client's agent is starting, or one is exiting
      std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    if (options.config_path.empty())
      return make_error(ErrorCode::kInvalidArgument,
                        "no wgnet agent runs for " + config.source +
                            " and none can be started without the config's file name "
                            "(AttachOptions::config_path)");
    auto word = agent::spawn_agent(spawn, paths);
    if (!word) return word.error();
    if (*word == "ok") {
      started = true;
    } else if (word->rfind("error ", 0) == 0) {
      return ready_error(*word);
    } else if (*word != "busy") {
      return make_error(ErrorCode::kInternal,
                        "the wgnet agent said '" + *word + "': see " + paths.log);
    }
  }
}

namespace {

// The running agent of `config`'s identity, hello'd: kClosed when none runs.
Result<agent::AgentHello> connect_running(const Config& config, agent::AgentPaths* paths_out) {
  auto dir = agent_runtime_dir();
  if (!dir) return dir.error();
  auto paths = agent::agent_paths(*dir, config);
  auto hello = agent::connect_agent(paths.socket, config_fingerprint(config));
  if (!hello)
    return make_error(ErrorCode::kClosed, "no wgnet agent runs for " + config.source + " (" +
                                              hello.error().message + ")");
  if (paths_out) *paths_out = paths;
  return hello;
}

}  // namespace

Result<AgentStatus> agent_status(const Config& config) {
  auto hello = connect_running(config, nullptr);
  if (!hello) return hello.error();
  auto reply = agent::exchange(hello->conn.get(), agent::op(agent::Op::kStatus), agent::Writer());
  if (!reply) return reply.error();
  auto r = reply->reader();
  AgentStatus s = agent::get_status(r);
  if (!r.at_end()) return make_error(ErrorCode::kInternal, "agent protocol: malformed status");
  return s;
}

Result<void> stop_agent(const Config& config) {
  agent::AgentPaths paths;
  auto hello = connect_running(config, &paths);
  if (!hello) return hello.error();
  auto reply = agent::exchange(hello->conn.get(), agent::op(agent::Op::kStop), agent::Writer());
  if (!reply) return reply.error();
  hello->conn.reset();
  if (!wait_lock_free(paths.lock, milliseconds(10000)))
    return make_error(ErrorCode::kTimeout, "the wgnet agent (pid " + std::to_string(hello->pid) +
                                               ") was asked to stop but still runs after 10 s");
  return {};
}

}  // namespace wgnet
