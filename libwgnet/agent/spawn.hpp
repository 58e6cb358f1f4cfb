// Starting an agent, detached: fork, setsid, fork again (the agent is nobody's child and has no
// terminal), stdin/stdout /dev/null, stderr appended to <id>.log, every other descriptor closed
// but the ready pipe. The word the agent writes there ("ok", "busy", "error <code> <text>") is
// returned.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "agent/identity.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/result.hpp"

namespace wgnet::agent {

struct SpawnRequest {
  std::string program;  // as given: a path, or a name searched in PATH
  std::string config_path;
  std::optional<std::chrono::seconds> idle_timeout;
  std::chrono::milliseconds handshake_timeout{10000};
};

// The ready word, or an error naming the log when the agent said nothing.
Result<std::string> spawn_agent(const SpawnRequest& request, const AgentPaths& paths);

}  // namespace wgnet::agent
