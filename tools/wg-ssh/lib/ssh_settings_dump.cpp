#include "ssh_settings_dump.hpp"

namespace wgnet::ssh {
namespace {

const char* yes_no(bool value) {
  return value ? "yes" : "no";
}
// readconf.c's multistate tables list "true"/"false" first, so ssh -G prints those for them.
const char* true_false(bool value) {
  return value ? "true" : "false";
}

const char* request_tty_name(RequestTty mode) {
  switch (mode) {
    case RequestTty::kNo:
      return "false";
    case RequestTty::kYes:
      return "true";
    case RequestTty::kForce:
      return "force";
    case RequestTty::kAuto:
      break;
  }
  return "auto";
}

const char* strict_name(StrictHostKeyChecking mode) {
  switch (mode) {
    case StrictHostKeyChecking::kYes:
      return "true";
    case StrictHostKeyChecking::kNo:
      return "false";
    case StrictHostKeyChecking::kAcceptNew:
      return "accept-new";
    case StrictHostKeyChecking::kAsk:
      break;
  }
  return "ask";
}

const char* family_name(AddressFamily family) {
  switch (family) {
    case AddressFamily::kV4:
      return "inet";
    case AddressFamily::kV6:
      return "inet6";
    case AddressFamily::kAny:
      break;
  }
  return "any";
}

const char* log_level_name(LogLevel level) {
  switch (level) {  // as ssh -G names them: QUIET is "SILENT", DEBUG1 is "DEBUG"
    case LogLevel::kQuiet:
      return "SILENT";
    case LogLevel::kFatal:
      return "FATAL";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kVerbose:
      return "VERBOSE";
    case LogLevel::kDebug1:
      return "DEBUG";
    case LogLevel::kDebug2:
      return "DEBUG2";
    case LogLevel::kDebug3:
      return "DEBUG3";
    case LogLevel::kInfo:
      break;
  }
  return "INFO";
}

// ssh -G's forwarding form: "PORT [HOST]:PORT", or "[BIND]:PORT [HOST]:PORT".
std::string forward_text(const ForwardSpec& f) {
  std::string listen = std::to_string(f.listen_port);
  if (!f.bind_address.empty()) listen = "[" + f.bind_address + "]:" + listen;
  return listen + " [" + f.connect_host + "]:" + std::to_string(f.connect_port);
}

// ssh -G shows a control character as vis(3) does: "\^]".
std::string escape_text(const std::optional<char>& c) {
  if (!c) return "none";
  auto u = static_cast<unsigned char>(*c);
  if (u < 32) return std::string("\\^") + static_cast<char>(u + 64);
  return std::string(1, *c);
}

std::string joined_or_none(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string format_settings_as_ssh_g(const SshSettings& s, const SshOptions& options) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out.append(key).append(" ").append(value).append("\n");
  };
  auto line_if_set = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) line(key, value);
  };
  line("host", s.host);
  line("user", s.user);
  line("hostname", s.host_name);
  line("port", std::to_string(s.port));
  line("addressfamily", family_name(s.family));
  line("batchmode", yes_no(s.batch_mode));
  line("clearallforwardings", yes_no(s.clear_all_forwardings));
  line("exitonforwardfailure", yes_no(s.exit_on_forward_failure));
  line("hashknownhosts", yes_no(s.hash_known_hosts));
  line("identitiesonly", yes_no(s.identities_only));
  line("kbdinteractiveauthentication", yes_no(s.kbd_interactive_authentication));
  line("passwordauthentication", yes_no(s.password_authentication));
  line("pubkeyauthentication", true_false(s.pubkey_authentication));
  line("requesttty", request_tty_name(s.request_tty));
  line("sessiontype", s.no_command ? "none" : s.subsystem ? "subsystem" : "default");
  line("stdinnull", yes_no(s.stdin_null));
  line("stricthostkeychecking", strict_name(s.strict_host_key_checking));
  line("numberofpasswordprompts", std::to_string(s.number_of_password_prompts));
  line("serveralivecountmax", std::to_string(s.server_alive_count_max));
  line("serveraliveinterval", std::to_string(s.server_alive_interval.count()));
  // Unset algorithm lists are libssh2's defaults, which are not OpenSSH's: not printed.
  line_if_set("ciphers", s.ciphers);
  line_if_set("hostkeyalgorithms", s.host_key_algorithms);
  line_if_set("hostkeyalias", s.host_key_alias);
  line_if_set("kexalgorithms", s.kex_algorithms);
  if (options.command.empty()) line_if_set("remotecommand", s.remote_command);
  line("loglevel", log_level_name(s.log_level));
  line_if_set("macs", s.macs);
  for (const auto& f : s.local_forwards) line("localforward", forward_text(f));
  for (const auto& f : s.identity_files) line("identityfile", f);
  line("globalknownhostsfile", joined_or_none(s.global_known_hosts_files));
  line("userknownhostsfile", joined_or_none(s.user_known_hosts_files));
  for (const auto& pattern : s.send_env) line("sendenv", pattern);
  for (const auto& var : s.set_env) line("setenv", var.name + "=" + var.value);
  line_if_set("identityagent", s.identity_agent);
  line("connecttimeout",
       s.connect_timeout ? std::to_string(s.connect_timeout->count()) : std::string("none"));
  line("escapechar", escape_text(s.escape_char));
  line_if_set("proxyjump", s.proxy_jump);
  return out;
}

}  // namespace wgnet::ssh
