// OpenSSH's host-key policy and the texts it prints, from sshconnect.c check_host_key() and
// confirm() of OpenSSH 9.x (openssh-portable), checked line by line against ssh 9.2p1's output.
#include <algorithm>
#include <cctype>
#include <string>

#include "known_hosts.hpp"

namespace wgnet::ssh {
namespace {

constexpr const char* kBanner = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n";

std::string trim(std::string_view s) {
  size_t start = s.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  s.remove_prefix(start);
  size_t end = s.find_first_of(" \t\r\n");
  return std::string(s.substr(0, end));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

constexpr size_t kMaxOtherNames = 8;  // sshconnect.c MAX_OTHER_NAMES

}  // namespace

HostKeyAction host_key_decision(HostKeyStatus status, StrictHostKeyChecking mode,
                                bool batch_mode) {
  switch (status) {
    case HostKeyStatus::kMatch:
      return HostKeyAction::kAccept;
    case HostKeyStatus::kNotFound:
      // HOST_NEW: "yes" aborts; "ask" asks through confirm(), which returns "no" at once under
      // BatchMode; "accept-new" and "no" fall through to add_host_to_hostfile().
      switch (mode) {
        case StrictHostKeyChecking::kYes:
          return HostKeyAction::kRefuse;
        case StrictHostKeyChecking::kAsk:
          return batch_mode ? HostKeyAction::kRefuse : HostKeyAction::kAsk;
        case StrictHostKeyChecking::kAcceptNew:
        case StrictHostKeyChecking::kNo:
          return HostKeyAction::kAcceptAndRecord;
      }
      return HostKeyAction::kRefuse;
    case HostKeyStatus::kRevoked:
    case HostKeyStatus::kMismatch:
      // HOST_REVOKED / HOST_CHANGED: OpenSSH aborts unless StrictHostKeyChecking is "no", where it
      // goes on ("continue_unsafe") with password, keyboard-interactive and forwarding disabled.
      // wg-ssh refuses in every mode: a changed key is fatal before any user authentication.
      return HostKeyAction::kRefuse;
  }
  return HostKeyAction::kRefuse;
}

AskAnswer parse_ask_answer(std::string_view answer, std::string_view fingerprint) {
  // confirm(): leading blanks skipped, the answer ends at the first blank; empty means no.
  std::string word = trim(answer);
  if (word.empty() || iequals(word, "no")) return AskAnswer::kNo;
  if (iequals(word, "yes")) return AskAnswer::kYes;
  if (!fingerprint.empty() && word == fingerprint) return AskAnswer::kYes;
  return AskAnswer::kAgain;
}

std::string retry_prompt_text() { return "Please type 'yes', 'no' or the fingerprint: "; }

std::string host_label(std::string_view host, std::string_view address, uint16_t port) {
  std::string name = known_hosts_name(host, port);
  if (address.empty()) return name;
  return name + " (" + known_hosts_name(address, port) + ")";
}

std::string unknown_host_prompt(std::string_view host_label_text, std::string_view key_type,
                                std::string_view fingerprint,
                                const std::vector<std::string>& other_names) {
  std::string text = "The authenticity of host '" + std::string(host_label_text) +
                     "' can't be established.\n";
  text += key_type_display(key_type) + " key fingerprint is " + std::string(fingerprint) + ".\n";
  if (other_names.empty()) {
    text += "This key is not known by any other names.\n";
  } else {
    text += "This host key is known by the following other names/addresses:\n";
    size_t shown = std::min(other_names.size(), kMaxOtherNames);
    for (size_t i = 0; i < shown; ++i) text += "    " + other_names[i] + "\n";
    if (shown < other_names.size()) {
      text += "    (" + std::to_string(other_names.size() - shown) +
              " additional names omitted)\n";
    }
  }
  text += "Are you sure you want to continue connecting (yes/no/[fingerprint])? ";
  return text;
}

std::string changed_host_key_text(const ChangedKeyReport& r) {
  std::string name = known_hosts_name(r.host, r.port);
  const std::string& user_file =
      r.user_known_hosts_file.empty() ? r.offending_file : r.user_known_hosts_file;
  std::string offending_type = r.offending_key_type.empty() ? r.key_type : r.offending_key_type;
  std::string text;
  text += kBanner;
  text += "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n";
  text += kBanner;
  text += "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n";
  text += "Someone could be eavesdropping on you right now (man-in-the-middle attack)!\n";
  text += "It is also possible that a host key has just been changed.\n";
  text += "The fingerprint for the " + key_type_display(r.key_type) +
          " key sent by the remote host is\n" + r.fingerprint + ".\n";
  text += "Please contact your system administrator.\n";
  text += "Add correct host key in " + user_file + " to get rid of this message.\n";
  text += "Offending " + key_type_display(offending_type) + " key in " + r.offending_file + ":" +
          std::to_string(r.offending_line) + "\n";
  text += "  remove with:\n";
  text += "  ssh-keygen -f \"" + r.offending_file + "\" -R \"" + name + "\"\n";
  text += "Host key for " + name + " has changed and you have requested strict checking.\n";
  text += host_key_verification_failed_text();
  return text;
}

std::string changed_host_key_text(std::string_view host, uint16_t port, std::string_view key_type,
                                  std::string_view fingerprint, std::string_view file, int line) {
  ChangedKeyReport r;
  r.host = std::string(host);
  r.port = port;
  r.key_type = std::string(key_type);
  r.fingerprint = std::string(fingerprint);
  r.offending_file = std::string(file);
  r.offending_line = line;
  return changed_host_key_text(r);
}

std::string revoked_host_key_text(std::string_view host, uint16_t port,
                                  std::string_view key_type) {
  std::string name = known_hosts_name(host, port);
  std::string type = key_type_display(key_type);
  std::string text;
  text += kBanner;
  text += "@       WARNING: REVOKED HOST KEY DETECTED!               @\n";
  text += kBanner;
  text += "The " + type + " host key for " + name + " is marked as revoked.\n";
  text += "This could mean that a stolen key is being used to\n";
  text += "impersonate this host.\n";
  text += type + " host key for " + name + " was revoked and you have requested strict checking.\n";
  text += host_key_verification_failed_text();
  return text;
}

std::string strict_unknown_host_text(std::string_view host, uint16_t port,
                                     std::string_view key_type) {
  return "No " + key_type_display(key_type) + " host key is known for " +
         known_hosts_name(host, port) + " and you have requested strict checking.\n" +
         host_key_verification_failed_text();
}

std::string host_key_verification_failed_text() { return "Host key verification failed.\n"; }

std::string permanently_added_text(std::string_view host, uint16_t port,
                                   std::string_view key_type) {
  return "Warning: Permanently added '" + known_hosts_name(host, port) + "' (" +
         key_type_display(key_type) + ") to the list of known hosts.\n";
}

}  // namespace wgnet::ssh
