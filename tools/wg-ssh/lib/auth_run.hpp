// User authentication on an established session, in OpenSSH's order (auth_plan.hpp):
// public keys (ssh-agent first, then identity files; a passphrase is asked only for a key the
// server would accept), then keyboard-interactive, then password, prompting on /dev/tty.
// BatchMode never prompts.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "auth_plan.hpp"
#include "session_connection.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

struct AuthRequest {
  std::string user;
  std::string host;  // for "user@host's password: "
  AuthSwitches switches;
  std::vector<std::string> identity_files;
  bool identity_files_default = true;  // missing files are then not worth a warning
  bool identities_only = false;
  std::string agent_socket;  // empty: no agent
  int password_prompts = 3;  // NumberOfPasswordPrompts
  // Longest wait for one answer from the server during authentication.
  std::chrono::milliseconds server_wait{60000};
};

struct AuthLog {
  std::function<void(const std::string&)> debug;    // -v lines; may be empty
  std::function<void(const std::string&)> warning;  // always shown unless -q; may be empty
};

// The method that succeeded ("publickey"), or kInvalidArgument with
// "USER@HOST: Permission denied (LIST)." when nothing worked.
Result<std::string> authenticate(SshSession& session, const AuthRequest& request,
                                 const AuthLog& log);

}  // namespace wgnet::ssh
