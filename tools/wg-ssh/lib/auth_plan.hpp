// The order of user authentication, as OpenSSH's sshconnect2.c decides it, as pure functions:
// which method to try next from the server's list, and in which order the public keys go.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wgnet::ssh {

enum class AuthMethod { kPublicKey, kKeyboardInteractive, kPassword };

std::string_view auth_method_name(AuthMethod method);  // "publickey", ...

struct AuthSwitches {
  bool pubkey = true;                // PubkeyAuthentication
  bool keyboard_interactive = true;  // KbdInteractiveAuthentication
  bool password = true;              // PasswordAuthentication
  bool batch_mode = false;           // BatchMode: nothing that needs a person
};

// OpenSSH's default PreferredAuthentications restricted to what wg-ssh does
// (publickey, keyboard-interactive, password) and to the methods switched on. BatchMode drops
// the two that can only prompt.
std::vector<AuthMethod> auth_order(const AuthSwitches& switches);

// The first method of `order` that the server offers (its comma-separated list from
// USERAUTH_FAILURE or libssh2_userauth_list) and that is not exhausted; nullopt when none is
// left, i.e. "Permission denied (LIST)."
std::optional<AuthMethod> next_auth_method(const std::vector<AuthMethod>& order,
                                           std::string_view server_list,
                                           const std::set<AuthMethod>& exhausted);

// OpenSSH's final line when nothing worked: "Permission denied (publickey,password)."
std::string permission_denied_text(std::string_view server_list);

// --- public keys (sshconnect2.c pubkey_prepare) -----------------------------------------------

struct AgentKey {
  std::string blob;  // wire-format public key
  std::string comment;
};

struct FileKey {
  std::string path;
  std::string public_blob;  // from PATH.pub or the private file's header; empty if unknown
};

struct KeyCandidate {
  enum class Source { kAgent, kFile } source = Source::kFile;
  size_t index = 0;  // into the agent list or the file list
};

// Keys held by the agent first, in the agent's order (a file key the agent also holds is
// used through the agent); with IdentitiesOnly only agent keys that match an identity file.
// Then the identity files the agent does not hold, in configuration order.
std::vector<KeyCandidate> plan_public_keys(const std::vector<AgentKey>& agent,
                                           const std::vector<FileKey>& files,
                                           bool identities_only);

}  // namespace wgnet::ssh
