#include "auth_run.hpp"

#include <libssh2.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "auth_keys.hpp"
#include "known_hosts.hpp"
#include "session_error.hpp"
#include "terminal_prompt.hpp"
#include "text_file.hpp"

namespace wgnet::ssh {
namespace {

struct AgentDeleter {
  void operator()(LIBSSH2_AGENT* agent) const {
    libssh2_agent_disconnect(agent);
    libssh2_agent_free(agent);
  }
};
using AgentHandle = std::unique_ptr<LIBSSH2_AGENT, AgentDeleter>;

// Zeroes a secret when it goes out of scope.
struct SecretGuard {
  std::string& secret;
  ~SecretGuard() { wipe(secret); }
};

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

struct FileIdentity {
  std::string path;
  std::string pub_path;  // PATH.pub when it exists and parses
  PrivateKeyInfo info;
  std::string public_blob;
};

// Where keyboard-interactive's callback finds its context: libssh2 hands the callback the
// session's abstract pointer, which is our transport, so the context lives here for the call.
struct KbdContext {
  bool failed = false;  // no terminal or no answer: do not try again
  int prompts_answered = 0;
};
KbdContext* g_kbd = nullptr;

void kbd_callback(const char* name, int name_len, const char* instruction, int instruction_len,
                  int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT* prompts,
                  LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** /*abstract*/) {
  KbdContext* context = g_kbd;
  std::string header;
  if (name_len > 0) header.append(name, static_cast<size_t>(name_len)).append("\n");
  if (instruction_len > 0) {
    header.append(instruction, static_cast<size_t>(instruction_len)).append("\n");
  }
  if (!header.empty()) tell_terminal(header);
  for (int i = 0; i < num_prompts; ++i) {
    responses[i].text = nullptr;
    responses[i].length = 0;
    if (context == nullptr || context->failed) continue;
    std::string prompt(prompts[i].text, prompts[i].length);
    auto answer = ask_terminal(prompt, prompts[i].echo ? Echo::kOn : Echo::kOff);
    if (!answer) {
      context->failed = true;
      continue;
    }
    SecretGuard guard{*answer};
    // libssh2 frees the responses with its allocator: the default one, free().
    char* copy = static_cast<char*>(std::malloc(answer->size() + 1));
    if (copy == nullptr) continue;
    std::memcpy(copy, answer->data(), answer->size() + 1);
    responses[i].text = copy;
    responses[i].length = static_cast<unsigned int>(answer->size());
    context->prompts_answered++;
  }
}

// Answers the server's "would you accept this key?" (PK_OK) by noting it and refusing to sign:
// libssh2 only calls the signer after PK_OK, so this asks the question without a signature.
int note_acceptance(LIBSSH2_SESSION*, unsigned char**, size_t*, const unsigned char*, size_t,
                    void** abstract) {
  *static_cast<bool*>(*abstract) = true;
  return -1;
}

class Authenticator {
 public:
  Authenticator(SshSession& session, const AuthRequest& request, const AuthLog& log)
      : session_(session), s_(session.get()), request_(request), log_(log) {}

  Result<std::string> run();

 private:
  void debug(const std::string& line) const {
    if (log_.debug) log_.debug(line);
  }
  void warn(const std::string& line) const {
    if (log_.warning) log_.warning(line);
  }
  Result<int> drive(const std::function<int()>& op) {
    return session_.drive(op, std::nullopt, request_.server_wait);
  }
  Result<std::string> server_methods();
  Result<bool> try_public_keys();
  Result<bool> try_agent_key(size_t index);
  Result<bool> try_file_key(const FileIdentity& identity);
  Result<bool> server_accepts(const std::string& blob);
  Result<bool> try_keyboard_interactive();
  Result<bool> try_password();
  void load_agent();
  void load_files();
  std::string describe(const std::string& blob) const {
    return key_type_display(blob_key_type(blob)) + " " + sha256_fingerprint(blob);
  }

  SshSession& session_;
  LIBSSH2_SESSION* s_;
  const AuthRequest& request_;
  const AuthLog& log_;
  AgentHandle agent_;
  std::vector<libssh2_agent_publickey*> agent_identities_;
  std::vector<AgentKey> agent_keys_;
  std::vector<FileIdentity> files_;
  bool rsa_refused_ = false;
};

Result<std::string> Authenticator::server_methods() {
  const char* list = nullptr;
  auto rc = drive([&] {
    list = libssh2_userauth_list(s_, request_.user.c_str(),
                                 static_cast<unsigned int>(request_.user.size()));
    if (list != nullptr) return 0;
    return libssh2_session_last_errno(s_);
  });
  if (!rc) return rc.error();
  if (list != nullptr) return std::string(list);
  if (libssh2_userauth_authenticated(s_)) return std::string();  // "none" was enough
  return session_error(s_, *rc, "asking the server for its authentication methods");
}

Result<std::string> Authenticator::run() {
  auto methods = server_methods();
  if (!methods) return methods.error();
  if (libssh2_userauth_authenticated(s_)) return std::string("none");
  debug("Authentications that can continue: " + *methods);
  std::vector<AuthMethod> order = auth_order(request_.switches);
  std::set<AuthMethod> exhausted;
  for (;;) {
    auto method = next_auth_method(order, *methods, exhausted);
    if (!method) break;
    debug("Next authentication method: " + std::string(auth_method_name(*method)));
    Result<bool> done = false;
    switch (*method) {
      case AuthMethod::kPublicKey:
        done = try_public_keys();
        break;
      case AuthMethod::kKeyboardInteractive:
        done = try_keyboard_interactive();
        break;
      case AuthMethod::kPassword:
        done = try_password();
        break;
    }
    if (!done) return done.error();
    if (*done) return std::string(auth_method_name(*method));
    exhausted.insert(*method);
  }
  std::string message =
      request_.user + "@" + request_.host + ": " + permission_denied_text(*methods);
  if (rsa_refused_) message += " (" + rsa_sha1_note() + ")";
  return make_error(ErrorCode::kInvalidArgument, message);
}

void Authenticator::load_agent() {
  if (request_.agent_socket.empty()) return;
  agent_.reset(libssh2_agent_init(s_));
  if (!agent_) return;
  libssh2_agent_set_identity_path(agent_.get(), request_.agent_socket.c_str());
  if (libssh2_agent_connect(agent_.get()) != 0) {
    debug("ssh-agent at " + request_.agent_socket + " is not reachable");
    agent_.reset();
    return;
  }
  if (libssh2_agent_list_identities(agent_.get()) != 0) {
    debug("ssh-agent did not list its keys");
    agent_.reset();
    return;
  }
  libssh2_agent_publickey* identity = nullptr;
  libssh2_agent_publickey* previous = nullptr;
  while (libssh2_agent_get_identity(agent_.get(), &identity, previous) == 0) {
    agent_identities_.push_back(identity);
    agent_keys_.push_back({std::string(reinterpret_cast<const char*>(identity->blob),
                                       identity->blob_len),
                           identity->comment ? identity->comment : ""});
    previous = identity;
  }
  debug("ssh-agent holds " + std::to_string(agent_keys_.size()) + " key(s)");
}

void Authenticator::load_files() {
  for (const auto& path : request_.identity_files) {
    auto text = read_text_file(path);
    if (!text) {
      if (!request_.identity_files_default || file_exists(path)) {
        warn("Warning: Identity file " + path + " not accessible: " + std::strerror(errno) + ".");
      }
      continue;
    }
    FileIdentity identity;
    identity.path = path;
    identity.info = inspect_private_key(*text);
    wipe(*text);
    if (auto pub = read_text_file(path + ".pub")) {
      std::string blob = parse_public_key_line(*pub);
      if (!blob.empty()) {
        identity.pub_path = path + ".pub";
        identity.public_blob = blob;
      }
    }
    if (identity.public_blob.empty()) identity.public_blob = identity.info.public_blob;
    files_.push_back(std::move(identity));
  }
}

Result<bool> Authenticator::try_public_keys() {
  load_agent();
  load_files();
  std::vector<FileKey> file_keys;
  for (const auto& f : files_) file_keys.push_back({f.path, f.public_blob});
  for (const auto& candidate : plan_public_keys(agent_keys_, file_keys, request_.identities_only)) {
    auto done = candidate.source == KeyCandidate::Source::kAgent
                    ? try_agent_key(candidate.index)
                    : try_file_key(files_[candidate.index]);
    if (!done || *done) return done;
  }
  return false;
}

Result<bool> Authenticator::try_agent_key(size_t index) {
  const AgentKey& key = agent_keys_[index];
  debug("Offering public key: " + key.comment + " " + describe(key.blob) + " agent");
  libssh2_agent_publickey* identity = agent_identities_[index];
  auto rc = drive([&] {
    return libssh2_agent_userauth(agent_.get(), request_.user.c_str(), identity);
  });
  if (!rc) return rc.error();
  if (*rc == 0) return true;
  if (blob_key_type(key.blob) == "ssh-rsa") rsa_refused_ = true;
  debug("key refused: " + session_error(s_, *rc, "agent key").message);
  return false;
}

Result<bool> Authenticator::server_accepts(const std::string& blob) {
  bool accepted = false;
  void* flag = &accepted;
  auto rc = drive([&] {
    return libssh2_userauth_publickey(s_, request_.user.c_str(),
                                      reinterpret_cast<const unsigned char*>(blob.data()),
                                      blob.size(), note_acceptance, &flag);
  });
  if (!rc) return rc.error();
  if (*rc == 0) return true;  // accepted without a signature: nothing more to ask
  return accepted;
}

Result<bool> Authenticator::try_file_key(const FileIdentity& identity) {
  std::string what = identity.path + (identity.public_blob.empty()
                                          ? std::string()
                                          : " " + describe(identity.public_blob));
  bool rsa = blob_key_type(identity.public_blob) == "ssh-rsa";
  std::string passphrase;
  SecretGuard guard{passphrase};
  if (identity.info.encrypted) {
    if (!identity.public_blob.empty()) {
      debug("Offering public key: " + what + " explicit");
      auto accepted = server_accepts(identity.public_blob);
      if (!accepted) return accepted.error();
      if (libssh2_userauth_authenticated(s_)) return true;
      if (!*accepted) {
        debug("Server refused the key " + identity.path);
        if (rsa) rsa_refused_ = true;
        return false;
      }
      debug("Server accepts key: " + what);
    }
    if (request_.switches.batch_mode) {
      debug("not asking for the passphrase of " + identity.path + " (BatchMode)");
      return false;
    }
  } else {
    debug("Trying private key: " + what);
  }
  int attempts = identity.info.encrypted ? std::max(1, request_.password_prompts) : 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (identity.info.encrypted) {
      std::string prompt = attempt == 0 ? "Enter passphrase for key '" + identity.path + "': "
                                        : "Bad passphrase, try again for " + identity.path + ": ";
      auto answer = ask_terminal(prompt, Echo::kOff);
      if (!answer || answer->empty()) {
        if (!answer) debug("no passphrase for " + identity.path + ": " + answer.error().message);
        return false;
      }
      wipe(passphrase);
      passphrase = std::move(*answer);
    }
    // No public key file for an encrypted key: libssh2 then derives the public key with the
    // passphrase, so a wrong one fails here (LIBSSH2_ERROR_FILE) before the server is asked.
    const char* pub = identity.pub_path.empty() || identity.info.encrypted
                          ? nullptr
                          : identity.pub_path.c_str();
    auto rc = drive([&] {
      return libssh2_userauth_publickey_fromfile_ex(
          s_, request_.user.c_str(), static_cast<unsigned int>(request_.user.size()), pub,
          identity.path.c_str(), passphrase.c_str());
    });
    if (!rc) return rc.error();
    if (*rc == 0) return true;
    if (*rc == LIBSSH2_ERROR_FILE && identity.info.encrypted) continue;  // wrong passphrase
    if (*rc == LIBSSH2_ERROR_FILE) {
      warn("Load key \"" + identity.path + "\": " +
           session_error(s_, *rc, "invalid format").message);
      return false;
    }
    if (rsa) rsa_refused_ = true;
    debug("key refused: " + session_error(s_, *rc, identity.path).message);
    return false;
  }
  return false;
}

Result<bool> Authenticator::try_keyboard_interactive() {
  KbdContext context;
  g_kbd = &context;
  struct Reset {
    ~Reset() { g_kbd = nullptr; }
  } reset;
  for (int attempt = 0; attempt < std::max(1, request_.password_prompts); ++attempt) {
    auto rc = drive([&] {
      return libssh2_userauth_keyboard_interactive_ex(
          s_, request_.user.c_str(), static_cast<unsigned int>(request_.user.size()),
          kbd_callback);
    });
    if (!rc) return rc.error();
    if (*rc == 0) return true;
    if (context.failed) return false;
    if (attempt + 1 < request_.password_prompts) warn("Permission denied, please try again.");
  }
  return false;
}

Result<bool> Authenticator::try_password() {
  std::string prompt = request_.user + "@" + request_.host + "'s password: ";
  for (int attempt = 0; attempt < std::max(1, request_.password_prompts); ++attempt) {
    if (attempt > 0) warn("Permission denied, please try again.");
    auto answer = ask_terminal(prompt, Echo::kOff);
    if (!answer) {
      debug("no password: " + answer.error().message);
      return false;
    }
    SecretGuard guard{*answer};
    auto rc = drive([&] {
      return libssh2_userauth_password_ex(s_, request_.user.c_str(),
                                          static_cast<unsigned int>(request_.user.size()),
                                          answer->c_str(),
                                          static_cast<unsigned int>(answer->size()), nullptr);
    });
    if (!rc) return rc.error();
    if (*rc == 0) return true;
    if (*rc == LIBSSH2_ERROR_PASSWORD_EXPIRED) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the password of " + request_.user + " has expired; change it first");
    }
  }
  return false;
}

}  // namespace

Result<std::string> authenticate(SshSession& session, const AuthRequest& request,
                                 const AuthLog& log) {
  return Authenticator(session, request, log).run();
}

}  // namespace wgnet::ssh
