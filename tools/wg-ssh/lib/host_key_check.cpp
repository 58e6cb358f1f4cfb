#include "host_key_check.hpp"

#include <unistd.h>

#include "terminal_prompt.hpp"

namespace wgnet::ssh {
namespace {

void write_stderr(const std::string& text) { tools::write_all(STDERR_FILENO, text); }

std::vector<std::string> all_files(const HostKeyPolicy& policy) {
  std::vector<std::string> files = policy.user_files;
  files.insert(files.end(), policy.global_files.begin(), policy.global_files.end());
  return files;
}

Error shown_error(std::string message) { return make_error(ErrorCode::kInvalidArgument, message); }

// Appends the key to the first UserKnownHostsFile; a failure is a warning, as in OpenSSH.
void record(const ServerHostKey& key, const HostKeyPolicy& policy, const HostKeyIo& io) {
  if (policy.user_files.empty()) return;
  const std::string& file = policy.user_files.front();
  auto added = append_host_key(file, policy.host, policy.port, key.type_name, key.blob,
                               policy.hash_known_hosts);
  if (!added) {
    io.message("Failed to add the host to the list of known hosts (" + file + "): " +
               added.error().message + "\n");
    return;
  }
  if (!policy.quiet) io.message(permanently_added_text(policy.host, policy.port, key.type_name));
}

Result<void> ask_person(const ServerHostKey& key, const HostKeyPolicy& policy,
                        const HostKeyIo& io) {
  std::string fingerprint = sha256_fingerprint(key.blob);
  auto others = other_names_for_key(all_files(policy), policy.host, policy.port, key.type_name,
                                    key.blob, policy.home);
  std::string prompt = unknown_host_prompt(host_label(policy.host, policy.address, policy.port),
                                           key.type_name, fingerprint, others);
  for (;;) {
    auto answer = io.ask(prompt);
    if (!answer) {
      io.message(host_key_verification_failed_text());
      return shown_error("host key verification failed: " + answer.error().message);
    }
    switch (parse_ask_answer(*answer, fingerprint)) {
      case AskAnswer::kYes:
        record(key, policy, io);
        return {};
      case AskAnswer::kNo:
        io.message(host_key_verification_failed_text());
        return shown_error("host key verification failed");
      case AskAnswer::kAgain:
        prompt = retry_prompt_text();
        break;
    }
  }
}

}  // namespace

HostKeyIo default_host_key_io(std::function<void(const std::string&)> debug) {
  HostKeyIo io;
  io.message = write_stderr;
  io.ask = [](const std::string& prompt) { return ask_terminal(prompt, Echo::kOn); };
  io.debug = std::move(debug);
  return io;
}

Result<void> verify_host_key(const ServerHostKey& key, const HostKeyPolicy& policy,
                             const HostKeyIo& io) {
  if (key.blob.empty() || key.type_name.empty()) {
    io.message("The server sent no usable host key.\n" + host_key_verification_failed_text());
    return shown_error("no host key");
  }
  std::string fingerprint = sha256_fingerprint(key.blob);
  if (io.debug) {
    io.debug("Server host key: " + key.type_name + " " + fingerprint);
  }
  HostKeyCheck check =
      check_host_key(all_files(policy), policy.host, policy.port, key.type_name, key.blob);
  HostKeyAction action = host_key_decision(check.status, policy.mode, policy.batch_mode);
  switch (action) {
    case HostKeyAction::kAccept:
      if (io.debug) {
        io.debug("Host '" + known_hosts_name(policy.host, policy.port) + "' is known and matches the " +
                 key_type_display(key.type_name) + " host key.");
        io.debug("Found key in " + check.file + ":" + std::to_string(check.line));
      }
      return {};
    case HostKeyAction::kAcceptAndRecord:
      record(key, policy, io);
      return {};
    case HostKeyAction::kAsk:
      return ask_person(key, policy, io);
    case HostKeyAction::kRefuse:
      break;
  }
  switch (check.status) {
    case HostKeyStatus::kMismatch:
      io.message(changed_host_key_text(policy.host, policy.port, key.type_name, fingerprint,
                                       check.file, check.line));
      return shown_error("host key changed");
    case HostKeyStatus::kRevoked:
      io.message(revoked_host_key_text(policy.host, policy.port, key.type_name));
      return shown_error("host key revoked");
    case HostKeyStatus::kNotFound:
      if (policy.mode == StrictHostKeyChecking::kYes) {
        io.message(strict_unknown_host_text(policy.host, policy.port, key.type_name));
      } else {
        io.message(host_key_verification_failed_text());
      }
      return shown_error("unknown host key");
    case HostKeyStatus::kMatch:
      break;
  }
  io.message(host_key_verification_failed_text());
  return shown_error("host key verification failed");
}

}  // namespace wgnet::ssh
