// known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") read and written without libssh2, and
// OpenSSH's host-key policy (sshconnect.c check_host_key) as pure functions.
//
// Lines: [@revoked|@cert-authority] hostnames keytype base64 [comment]. hostnames is a comma list
// of names, wildcard patterns (* ?), negations (!pat) and "[host]:port" for ports other than 22,
// or one hashed name "|1|base64(salt)|base64(HMAC-SHA1(salt, name))". @cert-authority lines
// name CA keys, not host keys, and are skipped (wg-ssh does not do certificates).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssh_options.hpp"
#include "wgnet/result.hpp"

namespace wgnet::ssh {

// As hostfile.c check_hostkeys_by_key_or_type (checked against ssh 9.2p1): any known key for the
// host that is not this one counts as a change, whatever its type (a known RSA key against a new
// ED25519 key is kMismatch, "Offending RSA key in FILE:LINE").
enum class HostKeyStatus {
  kMatch,     // a line for this host holds exactly this key
  kMismatch,  // lines for this host hold other keys (any type), none of them this key
  kNotFound,  // no line for this host (files may be missing)
  kRevoked,   // this key appears on a @revoked line for this host: refuse whatever the mode
};

struct KnownHostLocation {
  std::string file;
  int line = 0;
};

struct HostKeyCheck {
  HostKeyStatus status = HostKeyStatus::kNotFound;
  // kMatch: the matching line; kMismatch: the last line holding another key for the host (the
  // one OpenSSH names as "Offending"); kRevoked: the @revoked line. Else empty/0.
  std::string file;
  int line = 0;
  // kMismatch: the type of the key on that line ("ssh-rsa"), for "Offending RSA key in ...".
  std::string offending_key_type;
};

// Checks `key_blob` (the raw SSH wire-format public key, as libssh2_session_hostkey gives it) of
// `key_type` ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...) for `host` on `port`
// (looked up as "[host]:port" when port != 22, plain host otherwise; lower-cased) in each file in
// order. Missing or unreadable files count as empty (OpenSSH does the same). Malformed lines are
// skipped. A @revoked match wins over everything; then a key match; then a mismatch. When nothing
// is known for "[host]:port", a line for the plain host holding this very key is a kMatch too
// (sshconnect.c: "checking without port identifier"); another key there does not count.
HostKeyCheck check_host_key(const std::vector<std::string>& files, std::string_view host,
                            uint16_t port, std::string_view key_type, std::string_view key_blob);

// The same, over text already in memory (one file's content named `file` in results).
HostKeyCheck check_host_key_text(std::string_view text, std::string_view file,
                                 std::string_view host, uint16_t port, std::string_view key_type,
                                 std::string_view key_blob);

// Other lines (in `files`) that hold this exact key under other host names, for the ask prompt's
// "This host key is known by the following other names/addresses:" list: "FILE:LINE: HOSTS"
// entries, the host field as written or "[hashed name]", FILE with a leading `home` shown as "~/"
// (sshconnect.c hostkeys_find_by_key_cb). Marker lines are not listed.
std::vector<std::string> other_names_for_key(const std::vector<std::string>& files,
                                             std::string_view host, uint16_t port,
                                             std::string_view key_type,
                                             std::string_view key_blob);
std::vector<std::string> other_names_for_key(const std::vector<std::string>& files,
                                             std::string_view host, uint16_t port,
                                             std::string_view key_type,
                                             std::string_view key_blob, std::string_view home);

// The key types known for `host` on `port` (non-marker lines, plain-host lines too when port !=
// 22, as the fallback above), in file order without repeats: for preferring a known host key
// type in the key exchange (sshconnect.c order_hostkeyalgs).
std::vector<std::string> known_host_key_types(const std::vector<std::string>& files,
                                              std::string_view host, uint16_t port);

// The host field as written to and looked up in known_hosts: "host" or "[host]:port".
std::string known_hosts_name(std::string_view host, uint16_t port);

// "|1|salt|hmac" for `name` (a known_hosts_name) with the given 20-byte salt.
std::string hash_known_host(std::string_view name, std::string_view salt);

// Appends "NAME KEYTYPE BASE64\n" (NAME hashed with a random salt when `hashed`) to `file`,
// creating its directory (mode 0700, e.g. ~/.ssh) and the file (mode 0600) if missing; an existing
// file keeps its mode. A missing final newline in the file is added first.
Result<void> append_host_key(const std::string& file, std::string_view host, uint16_t port,
                             std::string_view key_type, std::string_view key_blob, bool hashed);

// "SHA256:" + base64 without '=' padding of SHA-256(key_blob), as `ssh-keygen -lf` prints.
std::string sha256_fingerprint(std::string_view key_blob);

// The key type name inside a wire-format blob (its first string), empty when malformed.
std::string blob_key_type(std::string_view key_blob);

// OpenSSH's display name for a key type: "ED25519", "ECDSA", "RSA", "DSA"; else the type as is.
std::string key_type_display(std::string_view key_type);

// Base64 (standard alphabet, with padding) both ways; decode returns false on bad input.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& bytes);

// --- OpenSSH's host-key policy ---------------------------------------------------------------

enum class HostKeyAction {
  kAccept,           // continue
  kAcceptAndRecord,  // continue and append the key to the first UserKnownHostsFile
  kAsk,              // show unknown_host_prompt(), continue only on "yes" or the fingerprint
  kRefuse,           // stop before any user authentication; exit 255
};

// sshconnect.c check_host_key():
//   kMatch    -> kAccept in every mode.
//   kNotFound -> yes: kRefuse; ask: kAsk (kRefuse under BatchMode, there is nobody to ask);
//                accept-new and no: kAcceptAndRecord ("Permanently added ...").
//   kRevoked  -> kRefuse in every mode (OpenSSH goes on only with "no" and then disables
//                password and keyboard-interactive auth; wg-ssh does not take that risk).
//   kMismatch -> kRefuse in every mode. OpenSSH refuses for yes/ask/accept-new; with "no" it warns,
//                disables password/kbd-interactive auth and forwardings and goes on. wg-ssh refuses
//                there as well (TESTPLAN I1: a changed key is fatal before any userauth).
HostKeyAction host_key_decision(HostKeyStatus status, StrictHostKeyChecking mode, bool batch_mode);

// The user's answer to the ask prompt (sshconnect.c confirm()): "yes" and the key's fingerprint
// accept, "no" refuses, anything else asks again with retry_prompt_text().
enum class AskAnswer { kYes, kNo, kAgain };
AskAnswer parse_ask_answer(std::string_view answer, std::string_view fingerprint);
std::string retry_prompt_text();  // "Please type 'yes', 'no' or the fingerprint: "

// --- The texts OpenSSH prints (returned, never printed here; each ends with '\n' except the
//     prompts, which end with the question and one space, as ssh 9.2p1 shows them) -------------

// host_label: "web.lab.wgnet (10.77.0.1)" or "[web]:2222 ([10.77.0.1]:2222)" as OpenSSH builds it;
// see host_label(). other_names: from other_names_for_key() (at most 8 are listed, then
// "    (N additional names omitted)").
//   The authenticity of host 'LABEL' can't be established.
//   ED25519 key fingerprint is SHA256:....
//   This key is not known by any other names.      (or: This host key is known by the following
//   Are you sure you want to continue connecting (yes/no/[fingerprint])?     other names/...:)
std::string unknown_host_prompt(std::string_view host_label, std::string_view key_type,
                                std::string_view fingerprint,
                                const std::vector<std::string>& other_names);

// "NAME (ADDRESS)" with "[NAME]:PORT ([ADDRESS]:PORT)" for port != 22; address may be empty.
std::string host_label(std::string_view host, std::string_view address, uint16_t port);

// The @@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@ block as ssh 9.2p1 prints it,
// naming the fingerprint the server sent, the file and line of the offending key, ssh-keygen -R
// advice, and "Host key for NAME has changed and you have requested strict checking.\nHost key
// verification failed.\n".
struct ChangedKeyReport {
  std::string host;  // host name looked up (HostKeyAlias or HostName)
  uint16_t port = 22;
  std::string key_type;     // the server's key type ("ssh-ed25519")
  std::string fingerprint;  // of the server's key
  std::string offending_file;
  int offending_line = 0;
  std::string offending_key_type;     // HostKeyCheck::offending_key_type; empty = key_type
  std::string user_known_hosts_file;  // the first UserKnownHostsFile; empty = offending_file
};
std::string changed_host_key_text(const ChangedKeyReport& report);
// Shorthand: offending key of the same type, in the user's file `file`.
std::string changed_host_key_text(std::string_view host, uint16_t port, std::string_view key_type,
                                  std::string_view fingerprint, std::string_view file, int line);

// The @@@ WARNING: REVOKED HOST KEY DETECTED! @@@ block and "Host key verification failed.".
std::string revoked_host_key_text(std::string_view host, uint16_t port, std::string_view key_type);

// "No ED25519 host key is known for NAME and you have requested strict checking.\n"
// "Host key verification failed.\n"
std::string strict_unknown_host_text(std::string_view host, uint16_t port,
                                     std::string_view key_type);

// Under BatchMode with ask: "Host key verification failed.\n" (OpenSSH says no more).
std::string host_key_verification_failed_text();

// "Warning: Permanently added 'NAME' (ED25519) to the list of known hosts.\n"
std::string permanently_added_text(std::string_view host, uint16_t port, std::string_view key_type);

}  // namespace wgnet::ssh
