// Verifies the server's host key before any user authentication (sshconnect.c check_host_key):
// looks it up with known_hosts.hpp, applies StrictHostKeyChecking, asks on /dev/tty in ask mode
// and records accepted keys. A mismatch or a revoked key is always fatal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "known_hosts.hpp"
#include "session_connection.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

struct HostKeyPolicy {
  std::string host;     // the name looked up and recorded (HostKeyAlias, else HostName)
  std::string address;  // the address we connected to, for the prompt's label; may be empty
  uint16_t port = 22;
  StrictHostKeyChecking mode = StrictHostKeyChecking::kAsk;
  bool batch_mode = false;
  bool hash_known_hosts = false;
  bool quiet = false;  // -q: no "Permanently added" line
  std::vector<std::string> user_files;    // accepted keys go to the first one
  std::vector<std::string> global_files;  // read only
  std::string home;  // shown as "~/" in the prompt's list of other names; may be empty
};

// Where the check talks to people. Defaults: stderr for messages, /dev/tty for the question.
struct HostKeyIo {
  std::function<void(const std::string& text)> message;            // OpenSSH's texts, as is
  std::function<Result<std::string>(const std::string& prompt)> ask;  // one answer line
  std::function<void(const std::string& line)> debug;              // -v lines; may be empty
};
HostKeyIo default_host_key_io(std::function<void(const std::string&)> debug);

// Ok to go on with authentication, or an error whose message has already been shown in
// OpenSSH's words (the caller exits 255 without another line).
Result<void> verify_host_key(const ServerHostKey& key, const HostKeyPolicy& policy,
                             const HostKeyIo& io);

}  // namespace wgnet::ssh
