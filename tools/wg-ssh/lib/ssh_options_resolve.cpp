// From the command line and the config files to the settings of one connection, in readconf.c's
// order: command line (flags, then -o), the user config, the system config, fill_default_options.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

#include "ssh_config_keywords.hpp"
#include "ssh_options.hpp"

#include <libssh2.h>  // LIBSSH2_VERSION only; no libssh2 call here

extern char** environ;

namespace wgnet::ssh {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error config_error(const ConfigEntry& e, const std::string& reason) {
  return make_error(ErrorCode::kConfig, config_location(e) + reason);
}

// ssh.c: HostName takes only %% and %h (the name as given); any other token is fatal.
Result<std::string> expand_host_name(std::string_view text, const std::string& host) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
    } else if (i + 1 < text.size() && (text[i + 1] == '%' || text[i + 1] == 'h')) {
      out += text[++i] == 'h' ? host : "%";
    } else {
      return make_error(ErrorCode::kConfig, "percent_expand: unknown key %" +
                                                std::string(text.substr(i + 1, 1)));
    }
  }
  return out;
}

bool is_off(const ConfigEntry& e) {
  std::string v = lower(e.args.empty() ? "" : e.args[0]);
  return v == "no" || v == "false" || v == "none";
}

// The applying entries of every source in precedence order, with where each came from.
struct Source {
  const ConfigEntry* entry;
  bool from_system;
};

std::string_view canonical(const ConfigEntry& e) {
  const Keyword* kw = find_keyword(e.key);
  return kw ? kw->canonical : std::string_view(e.key);
}

class Resolver {
 public:
  Resolver(const SshOptions& o, const SshConfigFile* user, const SshConfigFile* system,
           const SshEnvironment& env)
      : o_(o), env_(env) {
    for (const auto& e : o.command_line_entries) sources_.push_back({&e, false});
    if (user) {
      for (const ConfigEntry* e : user->entries_for(o.host)) sources_.push_back({e, false});
      s_.warnings.insert(s_.warnings.end(), user->warnings().begin(), user->warnings().end());
    }
    if (system) {
      for (const ConfigEntry* e : system->entries_for(o.host)) sources_.push_back({e, true});
      s_.warnings.insert(s_.warnings.end(), system->warnings().begin(), system->warnings().end());
    }
  }

  Result<SshSettings> run();

 private:
  // The first applying entry for `key` (readconf: the first obtained value wins).
  const ConfigEntry* first(std::string_view key) const {
    for (const auto& s : sources_) {
      if (canonical(*s.entry) == key) return s.entry;
    }
    return nullptr;
  }
  std::vector<const ConfigEntry*> all(std::string_view key) const {
    std::vector<const ConfigEntry*> out;
    for (const auto& s : sources_) {
      if (canonical(*s.entry) == key) out.push_back(s.entry);
    }
    return out;
  }
  Result<bool> flag(std::string_view key, bool fallback) const {
    const ConfigEntry* e = first(key);
    if (!e) return fallback;
    auto v = parse_flag_value(e->args[0]);
    if (!v) return config_error(*e, v.error().message);
    return *v;
  }
  Result<std::string> expand(const ConfigEntry* e, const std::string& text) const {
    auto r = expand_tokens(text, tokens_);
    if (!r && e) return config_error(*e, r.error().message);
    return r;
  }
  void collect_warnings();
  Result<void> resolve_identity();
  Result<void> resolve_known_hosts();
  Result<void> resolve_session();
  Result<void> resolve_auth();
  Result<void> resolve_proxy_jump();

  const SshOptions& o_;
  const SshEnvironment& env_;
  std::vector<Source> sources_;
  SshSettings s_;
  TokenValues tokens_;
};

Result<SshSettings> Resolver::run() {
  s_.host = o_.host;
  s_.warnings.insert(s_.warnings.begin(), o_.warnings.begin(), o_.warnings.end());
  collect_warnings();

  // User and port first: the %-tokens of the other keys need them.
  if (o_.user) {
    s_.user = *o_.user;
  } else if (const ConfigEntry* e = first("user")) {
    s_.user = e->args[0];
  } else {
    s_.user = env_.local_user;
  }
  if (o_.port) {
    s_.port = *o_.port;
  } else if (const ConfigEntry* e = first("port")) {
    s_.port = *parse_ssh_port(e->args[0]);
  }
  tokens_.home = env_.home;
  tokens_.local_host = env_.local_host;
  tokens_.original_host = o_.host;
  tokens_.remote_user = s_.user;
  tokens_.local_user = env_.local_user;
  tokens_.port = s_.port;
  tokens_.vars = &env_.vars;
  tokens_.host_name = o_.host;
  if (const ConfigEntry* e = first("hostname")) {
    auto h = expand_host_name(e->args[0], o_.host);
    if (!h) return config_error(*e, h.error().message);
    s_.host_name = *h;
  } else {
    s_.host_name = o_.host;
  }
  s_.host_name = lower(s_.host_name);  // ssh.c lowercases the host before connecting
  tokens_.host_name = s_.host_name;
  if (const ConfigEntry* e = first("hostkeyalias")) s_.host_key_alias = e->args[0];
  tokens_.host_key_alias = s_.host_key_alias.empty() ? o_.host : s_.host_key_alias;

  if (o_.family) {
    s_.family = *o_.family;
  } else if (const ConfigEntry* e = first("addressfamily")) {
    s_.family = *parse_address_family(e->args[0]);
  }
  if (auto r = resolve_identity(); !r) return r.error();
  if (auto r = resolve_known_hosts(); !r) return r.error();
  if (auto r = resolve_auth(); !r) return r.error();
  if (auto r = resolve_session(); !r) return r.error();
  if (auto r = resolve_proxy_jump(); !r) return r.error();
  return std::move(s_);
}

void Resolver::collect_warnings() {
  std::set<std::string> warned;
  for (const auto& src : sources_) {
    const ConfigEntry& e = *src.entry;
    const Keyword* kw = find_keyword(e.key);
    if (!kw || kw->support != KeywordSupport::kIgnored) continue;
    if (kw->ignore_style == 2) continue;
    if (kw->ignore_style == 1) {
      // OpenSSH's own words for these, at parse time.
      if (!src.from_system) {
        s_.warnings.push_back(config_location(e) + "Unsupported option \"" + e.key + "\"");
      }
      continue;
    }
    // Turning off what wg-ssh never does needs no warning; the system config's choices are the
    // administrator's and would repeat on every run.
    if (src.from_system || is_off(e)) continue;
    if (!warned.insert(std::string(kw->canonical)).second) continue;
    s_.warnings.push_back(std::string(kw->display) + " is not supported by wg-ssh; ignored");
  }
}

Result<void> Resolver::resolve_identity() {
  for (const auto& path : o_.identity_files) {
    auto p = expand(nullptr, path);
    if (!p) return p.error();
    // ssh.c: a -i file that cannot be stat'ed is dropped with a warning (ssh then falls back to
    // the default identities if nothing else names one). IdentityFile lines are not checked.
    struct stat st {};
    if (::stat(p->c_str(), &st) != 0) {
      s_.warnings.push_back("Identity file " + *p + " not accessible: " + std::strerror(errno) + ".");
      continue;
    }
    s_.identity_files.push_back(*p);
  }
  for (const ConfigEntry* e : all("identityfile")) {  // -o IdentityFile=, then the files
    auto p = expand(e, e->args[0]);
    if (!p) return p.error();
    s_.identity_files.push_back(*p);
  }
  s_.identity_files_default = s_.identity_files.empty();
  if (s_.identity_files_default) {
    // readconf.c fill_default_options order, for the key types libssh2 can use.
    for (const char* name : {"id_rsa", "id_ecdsa", "id_ed25519"}) {
      s_.identity_files.push_back(env_.home + "/.ssh/" + name);
    }
  }
  auto only = flag("identitiesonly", false);
  if (!only) return only.error();
  s_.identities_only = *only;
  s_.identity_agent = env_.auth_sock;
  if (const ConfigEntry* e = first("identityagent")) {
    const std::string& v = e->args[0];
    if (v == "none") {
      s_.identity_agent.clear();
    } else if (v != "SSH_AUTH_SOCK") {
      std::string text = v;
      if (text.size() > 1 && text[0] == '$' && text[1] != '{') text = "${" + text.substr(1) + "}";
      auto p = expand(e, text);
      if (!p) return p.error();
      s_.identity_agent = *p;
    }
  }
  return {};
}

Result<void> Resolver::resolve_known_hosts() {
  auto files = [&](std::string_view key, std::vector<std::string> defaults,
                   std::vector<std::string>& out) -> Result<void> {
    const ConfigEntry* e = first(key);
    if (!e) {
      out = std::move(defaults);
      return {};
    }
    if (e->args.size() == 1 && e->args[0] == "none") return {};
    for (const auto& arg : e->args) {
      auto p = expand(e, arg);
      if (!p) return p.error();
      out.push_back(*p);
    }
    return {};
  };
  if (auto r = files("userknownhostsfile",
                     {env_.home + "/.ssh/known_hosts", env_.home + "/.ssh/known_hosts2"},
                     s_.user_known_hosts_files);
      !r) {
    return r;
  }
  if (auto r = files("globalknownhostsfile",
                     {"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
                     s_.global_known_hosts_files);
      !r) {
    return r;
  }
  if (const ConfigEntry* e = first("stricthostkeychecking")) {
    s_.strict_host_key_checking = *parse_strict_host_key_checking(e->args[0]);
  }
  auto hash = flag("hashknownhosts", false);
  if (!hash) return hash.error();
  s_.hash_known_hosts = *hash;
  return {};
}

Result<void> Resolver::resolve_auth() {
  auto batch = flag("batchmode", false);
  auto password = flag("passwordauthentication", true);
  auto kbd = flag("kbdinteractiveauthentication", true);
  auto forward_failure = flag("exitonforwardfailure", false);
  for (auto* r : {&batch, &password, &kbd, &forward_failure}) {
    if (!*r) return r->error();
  }
  s_.batch_mode = *batch;
  s_.password_authentication = *password;
  s_.kbd_interactive_authentication = *kbd;
  s_.exit_on_forward_failure = *forward_failure;
  if (const ConfigEntry* e = first("pubkeyauthentication")) {
    std::string v = lower(e->args[0]);
    s_.pubkey_authentication = !(v == "no" || v == "false");
  }
  if (const ConfigEntry* e = first("numberofpasswordprompts")) {
    s_.number_of_password_prompts = *parse_int_value(e->args[0]);
  }
  if (const ConfigEntry* e = first("connecttimeout")) {
    s_.connect_timeout = *parse_time_value(e->args[0]);
  }
  // readconf.c fill_default_options: BatchMode makes the keepalive default 300 s.
  s_.server_alive_interval = std::chrono::seconds(s_.batch_mode ? 300 : 0);
  if (const ConfigEntry* e = first("serveraliveinterval")) {
    s_.server_alive_interval = parse_time_value(e->args[0])->value_or(std::chrono::seconds(0));
  }
  if (const ConfigEntry* e = first("serveralivecountmax")) {
    s_.server_alive_count_max = *parse_int_value(e->args[0]);
  }
  for (auto [key, out] : {std::pair{"ciphers", &s_.ciphers}, {"kexalgorithms", &s_.kex_algorithms},
                          {"hostkeyalgorithms", &s_.host_key_algorithms}, {"macs", &s_.macs}}) {
    if (const ConfigEntry* e = first(key)) *out = e->args[0];
  }
  return {};
}

Result<void> Resolver::resolve_session() {
  if (o_.request_tty) {
    s_.request_tty = *o_.request_tty;
  } else if (const ConfigEntry* e = first("requesttty")) {
    s_.request_tty = *parse_request_tty(e->args[0]);
  }
  s_.no_command = o_.no_command;
  s_.subsystem = o_.subsystem;
  if (const ConfigEntry* e = first("sessiontype"); e && !o_.no_command && !o_.subsystem) {
    std::string v = lower(e->args[0]);
    s_.no_command = v == "none";
    s_.subsystem = v == "subsystem";
  }
  // ssh.c: the subsystem's name comes from the command line, never from RemoteCommand.
  if (s_.subsystem && o_.command.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "You must specify a subsystem to invoke.");
  }
  for (size_t i = 0; i < o_.command.size(); ++i) {
    if (i) s_.remote_command += ' ';
    s_.remote_command += o_.command[i];
  }
  // RemoteCommand none is no command at all (ssh.c), so scp's -oRemoteCommand=none goes with
  // the command scp gives, and also keeps a config file's RemoteCommand away (first one wins).
  if (const ConfigEntry* e = first("remotecommand"); e && lower(e->value_text) != "none") {
    if (!o_.command.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Cannot execute command-line and remote command.");
    }
    auto c = expand(e, e->value_text);
    if (!c) return c.error();
    s_.remote_command = *c;
  }
  if (o_.quiet) {
    s_.log_level = LogLevel::kQuiet;
  } else if (o_.verbosity > 0) {
    s_.log_level = static_cast<LogLevel>(static_cast<int>(LogLevel::kDebug1) + o_.verbosity - 1);
  } else if (const ConfigEntry* e = first("loglevel")) {
    s_.log_level = *parse_log_level(e->args[0]);
  }
  if (o_.log_file) {
    auto p = expand(nullptr, *o_.log_file);
    if (!p) return p.error();
    s_.log_file = *p;
  }
  auto clear = flag("clearallforwardings", false);
  if (!clear) return clear.error();
  s_.clear_all_forwardings = *clear;
  if (!s_.clear_all_forwardings) {  // ssh.c clears -L and LocalForward lines alike
    s_.local_forwards = o_.local_forwards;
    for (const ConfigEntry* e : all("localforward")) {  // -o LocalForward=, then the files
      s_.local_forwards.push_back(*parse_forward_spec(e->args[0] + ":" + e->args[1]));
    }
  }
  if (o_.escape_char) {
    s_.escape_char = *o_.escape_char;
  } else if (const ConfigEntry* e = first("escapechar")) {
    s_.escape_char = *parse_escape_char(e->args[0]);
  }
  for (const ConfigEntry* e : all("sendenv")) {
    for (const auto& pattern : e->args) {
      if (!pattern.empty() && pattern[0] == '-') {
        // readconf.c: "-PATTERN" removes what earlier lines added.
        std::string drop = pattern.substr(1);
        std::erase_if(s_.send_env, [&](const std::string& p) { return match_pattern(p, drop); });
      } else {
        s_.send_env.push_back(pattern);
      }
    }
  }
  for (const ConfigEntry* e : all("setenv")) {
    for (const auto& assignment : e->args) {
      size_t eq = assignment.find('=');
      std::string name = assignment.substr(0, eq);
      bool seen = std::any_of(s_.set_env.begin(), s_.set_env.end(),
                              [&](const SetEnvVar& v) { return v.name == name; });
      if (!seen) s_.set_env.push_back({name, assignment.substr(eq + 1)});  // first one wins
    }
  }
  s_.stdin_null = o_.stdin_null;
  if (!s_.stdin_null) {
    const ConfigEntry* e = first("stdinnull");
    if (e) s_.stdin_null = parse_flag_value(e->args[0]).value();
  }
  return {};
}

// -J, else the first ProxyJump obtained (readconf.c); "none" turns it off. The hops' own
// settings are resolved by resolve_settings, which has the files.
Result<void> Resolver::resolve_proxy_jump() {
  const ConfigEntry* e = o_.jump_hosts ? nullptr : first("proxyjump");
  std::string text = o_.jump_hosts ? *o_.jump_hosts : e ? e->args[0] : "";
  if (lower(text) == "none") text.clear();
  if (text.empty()) return {};
  if (auto hops = parse_jump_hosts(text); !hops) {
    return e ? config_error(*e, hops.error().message) : hops.error();
  }
  s_.proxy_jump = text;
  return {};
}

bool group_or_world_writable_or_foreign(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_uid != 0 && st.st_uid != ::getuid()) || (st.st_mode & 022) != 0;
}

}  // namespace

Result<SshSettings> resolve_settings(const SshOptions& options, const SshConfigFile* user_config,
                                     const SshEnvironment& env,
                                     const SshConfigFile* system_config) {
  auto settings = Resolver(options, user_config, system_config, env).run();
  if (!settings || settings->proxy_jump.empty()) return settings;
  // Each hop as ssh resolves the hop it runs for it ("ssh -l USER -p PORT -F FILE HOST"): its
  // own Host blocks apply, but no -i or -o of ours, and no ProxyJump of its own.
  auto hops = parse_jump_hosts(settings->proxy_jump);  // checked by the resolver
  if (!hops) return hops.error();
  for (const JumpHost& hop : *hops) {
    SshOptions hop_options;
    hop_options.ssh_config_file = options.ssh_config_file;
    hop_options.host = hop_options.destination = hop.host;
    hop_options.user = hop.user;
    hop_options.port = hop.port;
    hop_options.family = options.family;
    hop_options.quiet = options.quiet;
    hop_options.verbosity = options.verbosity;
    hop_options.no_command = true;
    hop_options.jump_hosts = "none";
    auto hop_settings = Resolver(hop_options, user_config, system_config, env).run();
    if (!hop_settings) return hop_settings.error();
    hop_settings->warnings.clear();  // the same files: already said for the destination
    settings->jump_hops.push_back(std::move(*hop_settings));
  }
  return settings;
}

Result<SshSettings> load_and_resolve_settings(const SshOptions& options,
                                              const SshEnvironment& env) {
  std::optional<SshConfigFile> user, system;
  ConfigLoadContext user_context{env.home + "/.ssh", env.home};
  if (options.ssh_config_file) {
    if (*options.ssh_config_file != "none") {
      auto path = expand_tokens(*options.ssh_config_file, TokenValues{env.home, "", "", "", "", "",
                                                                       "", 22, &env.vars});
      if (!path) return path.error();
      auto f = SshConfigFile::load(*path, user_context);
      if (!f) return f.error();
      user = std::move(*f);
    }
  } else {
    std::string path = env.home + "/.ssh/config";
    if (::access(path.c_str(), F_OK) == 0) {
      // readconf.c SSHCONF_CHECKPERM: a config others could write is refused.
      if (group_or_world_writable_or_foreign(path)) {
        return make_error(ErrorCode::kConfig, "Bad owner or permissions on " + path);
      }
      auto f = SshConfigFile::load(path, user_context);
      if (!f) return f.error();
      user = std::move(*f);
    }
    if (::access(env.system_config_path.c_str(), F_OK) == 0) {
      auto f = SshConfigFile::load(env.system_config_path, ConfigLoadContext{"/etc/ssh", env.home});
      if (!f) return f.error();
      system = std::move(*f);
    }
  }
  return resolve_settings(options, user ? &*user : nullptr, env, system ? &*system : nullptr);
}

std::string host_key_lookup_name(const SshSettings& settings) {
  return settings.host_key_alias.empty() ? settings.host_name : settings.host_key_alias;
}

uint16_t host_key_lookup_port(const SshSettings& settings) {
  return settings.host_key_alias.empty() ? settings.port : 22;
}

std::vector<SetEnvVar> env_to_send(const SshSettings& settings, const SshEnvironment& env) {
  std::vector<SetEnvVar> out;
  for (const auto& [name, value] : env.vars) {
    for (const auto& pattern : settings.send_env) {
      if (match_pattern(name, pattern)) {
        out.push_back({name, value});
        break;
      }
    }
  }
  return out;
}

Result<std::string> expand_tokens(std::string_view text, const TokenValues& v) {
  std::string out;
  size_t i = 0;
  if (text == "~" || text.rfind("~/", 0) == 0) {
    out = v.home;
    i = 1;
  }
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {
        return make_error(ErrorCode::kConfig, "unterminated ${ in \"" + std::string(text) + "\"");
      }
      std::string name(text.substr(i + 2, close - i - 2));
      auto it = v.vars ? v.vars->find(name) : decltype(v.vars->end()){};
      if (!v.vars || it == v.vars->end()) {
        return make_error(ErrorCode::kConfig, "env var ${" + name + "} has no value");
      }
      out += it->second;
      i = close;
      continue;
    }
    if (c != '%') {
      out += c;
      continue;
    }
    if (++i >= text.size()) {
      return make_error(ErrorCode::kConfig, "invalid format: \"" + std::string(text) + "\"");
    }
    switch (text[i]) {
      case '%': out += '%'; break;
      case 'd': out += v.home; break;
      case 'h': out += v.host_name; break;
      case 'k': out += v.host_key_alias.empty() ? v.original_host : v.host_key_alias; break;
      case 'l': out += v.local_host; break;
      case 'L': out += v.local_host.substr(0, v.local_host.find('.')); break;
      case 'n': out += v.original_host; break;
      case 'p': out += std::to_string(v.port); break;
      case 'r': out += v.remote_user; break;
      case 'u': out += v.local_user; break;
      default: {
        // Tokens OpenSSH has but wg-ssh does not fill in get a word of their own.
        bool openssh_has = std::string_view("CijT").find(text[i]) != std::string_view::npos;
        return make_error(ErrorCode::kConfig, std::string("percent_expand: unknown key %") +
                                                  text[i] +
                                                  (openssh_has ? " (not supported by wg-ssh)" : ""));
      }
    }
  }
  return out;
}

SshEnvironment SshEnvironment::from_process() {
  SshEnvironment env;
  const passwd* pw = ::getpwuid(::getuid());
  const char* home = ::getenv("HOME");
  env.home = home && *home ? home : (pw ? pw->pw_dir : "");
  const char* user = ::getenv("USER");
  env.local_user = pw ? pw->pw_name : (user ? user : "");
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) env.local_host = host;
  if (const char* sock = ::getenv("SSH_AUTH_SOCK")) env.auth_sock = sock;
  if (const char* term = ::getenv("TERM")) env.term = term;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env.vars.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

std::string ssh_version_text() {
#ifndef WGNET_SSH_VERSION
#define WGNET_SSH_VERSION "0"
#endif
  return "wg-ssh " WGNET_SSH_VERSION " (wgnet), libssh2 " LIBSSH2_VERSION;
}

}  // namespace wgnet::ssh
