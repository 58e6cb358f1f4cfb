// Where an identity's agent lives: the private runtime directory and the per-identity file names
// (<id>.sock, .lock, .pid, .log), id derived from the interface public key (one key = one
// session at the peer = one agent).
#pragma once

#include <string>

#include "wgnet/config.hpp"

namespace wgnet::agent {

struct AgentPaths {
  std::string dir;
  std::string id;
  std::string socket;
  std::string lock;
  std::string pid;
  std::string log;
};

AgentPaths agent_paths(const std::string& dir, const Config& config);

// Checks (or creates) one directory as agent_runtime_dir() wants it; exposed for tests.
Result<void> check_private_dir(const std::string& dir, bool create);

}  // namespace wgnet::agent
