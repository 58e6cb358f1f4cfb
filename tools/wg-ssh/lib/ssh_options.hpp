// wg-ssh's command line and its effective settings, with OpenSSH's semantics (ssh(1), ssh.c and
// readconf.c of OpenSSH 9.x): the command line first, then -F / ~/.ssh/config, then
// /etc/ssh/ssh_config, then the defaults; for most keys the first value obtained wins.
//
// -c is the WireGuard config (as in every wgnet tool), so ciphers are chosen only with
// -o Ciphers=. Every error is a value; wg-ssh exits kSshErrorExit (255) for its own errors, as ssh.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssh_config.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::ssh {

// ssh's exit status for its own failures (bad option, connection, host key, authentication).
inline constexpr int kSshErrorExit = 255;

// -L [bind_address:]port:host:hostport, or LocalForward [bind_address:]port host:hostport.
// IPv6 addresses are written in brackets ("[::1]:8080:[fd00::1]:80"), as OpenSSH accepts.
struct ForwardSpec {
  std::string bind_address;  // empty: loopback only (OpenSSH's GatewayPorts=no default)
  uint16_t listen_port = 0;  // 0 is not accepted (no dynamic allocation here)
  std::string connect_host;  // resolved on the server side of the SSH connection
  uint16_t connect_port = 0;
};

// RequestTTY: auto (a pty for an interactive shell when stdin is a terminal), -T no, -t yes,
// -tt force (even when stdin is not a terminal).
enum class RequestTty { kAuto, kNo, kYes, kForce };

enum class StrictHostKeyChecking { kYes, kAcceptNew, kAsk, kNo };  // "off" = kNo, as OpenSSH

// OpenSSH's LogLevel; -q is kQuiet, each -v one step up from kInfo (kDebug1..kDebug3).
enum class LogLevel { kQuiet, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };

// What the command line said, before any config file is read.
struct SshOptions {
  std::string wg_config_path;  // -c/--wg-config FILE; empty = $WGNET_CONFIG
  bool share = true;           // --no-share: a tunnel of our own, not the agent's

  // -F FILE: the user config instead of ~/.ssh/config (and no /etc/ssh/ssh_config); "none" = no
  // config file at all. Unset = ~/.ssh/config then /etc/ssh/ssh_config.
  std::optional<std::string> ssh_config_file;

  std::optional<AddressFamily> family;     // -4 / -6 (last one wins, as ssh)
  std::optional<RequestTty> request_tty;   // -T, -t, -tt
  bool no_command = false;                 // -N (SessionType none)
  bool subsystem = false;                  // -s: the command names a subsystem (sftp)
  bool print_config = false;               // -G: print the settings, do not connect
  bool quiet = false;                      // -q
  int verbosity = 0;                       // -v count (capped at 3)
  std::vector<std::string> identity_files; // -i, in order, as written (expanded at resolve; a
                                           // file that does not exist is dropped with a warning)
  std::vector<ForwardSpec> local_forwards; // -L, in order (-o LocalForward= stays an entry)
  std::optional<std::optional<char>> escape_char;  // -e: outer set = given; inner nullopt = none
  std::optional<std::string> log_file;     // -E FILE: diagnostics appended there, not stderr
  std::optional<std::string> jump_hosts;   // -J [user@]host[:port][,...] (ProxyJump); "none"
                                           // = no jump, whatever the config files say
  bool stdin_null = false;                 // -n: stdin from /dev/null (StdinNull)

  // -p and -o Port=, -l and -o User=: the first one on the command line wins (OpenSSH);
  // user@host and ssh://user@host:port fill them only when neither was given.
  std::optional<uint16_t> port;
  std::optional<std::string> user;

  // Every -o in command-line order, validated (unknown keys and bad values are errors), with
  // file "command-line" and line 0. -o Port/User are also folded into port/user above.
  // -o IdentityFile= / LocalForward= count after -i / -L (OpenSSH keeps their relative order).
  std::vector<ConfigEntry> command_line_entries;

  std::string destination;           // as given: [user@]host or ssh://[user@]host[:port]
  std::string host;                  // the host part (what Host patterns match)
  std::vector<std::string> command;  // remote command words (after the destination)

  // Flags accepted but not acted on (-C, -g, -y), one line each; copied into
  // SshSettings::warnings. Flags that ask for a missing feature (-R, -D, -A, -X...) are errors.
  std::vector<std::string> warnings;
};

// What main() does: run with `options`, or print `text` and exit with `exit_status`
// (-V: version on stderr, status 0; --help: usage on stdout, 0; no destination: usage on
// stderr, 255; unknown flag: "unknown option -- x" line + usage on stderr, 255).
struct SshCommand {
  std::optional<SshOptions> options;
  std::string text;
  bool text_to_stdout = false;
  int exit_status = 0;
};

// Parses argv (argv[0] is the program name) as ssh.c does: options, the destination, options
// again up to the first non-option word (ssh re-runs getopt after the host), then the command;
// "--" ends the options. Errors (kInvalidArgument, exit kSshErrorExit) carry ssh's own texts:
// "Bad port 'x'", "command-line line 0: Bad configuration option: foo",
// "Bad local forwarding specification 'x'", ...
Result<SshCommand> parse_ssh_command_line(int argc, const char* const* argv);

// ssh-like usage text (several lines, ends with '\n').
std::string ssh_usage_text();

// The process facts the settings depend on; from_process() reads HOME (else the passwd entry),
// the login name (getpwuid, as ssh; $USER if there is no passwd entry), gethostname,
// SSH_AUTH_SOCK, TERM and the whole environment (for ${VAR} in paths and SendEnv).
struct SshEnvironment {
  std::string home;        // for ~ and %d
  std::string local_user;  // default User, %u
  std::string local_host;  // %l (full host name), %L (up to the first dot)
  std::string auth_sock;   // $SSH_AUTH_SOCK, empty if unset
  std::string term;        // $TERM, empty if unset
  std::string system_config_path = "/etc/ssh/ssh_config";
  std::map<std::string, std::string> vars;  // the environment
  static SshEnvironment from_process();
};

struct SetEnvVar {
  std::string name;
  std::string value;
};

// The effective settings for one connection.
struct SshSettings {
  std::string host;       // as on the command line (%n); known_hosts uses host_name
  std::string host_name;  // HostName with %h expanded, lower-cased as ssh does; default host
  std::string user;       // -l, -o User, user@, config User; default the local login name
  uint16_t port = 22;
  AddressFamily family = AddressFamily::kAny;

  // IdentityFile list with ~ and %d %u %l %h %r %p %n %% expanded, in order; when nobody named
  // one, the defaults ~/.ssh/id_ed25519, id_ecdsa, id_rsa and identity_files_default = true
  // (a missing default file is not worth a warning; a missing named one is, as OpenSSH).
  std::vector<std::string> identity_files;
  bool identity_files_default = true;
  bool identities_only = false;
  std::string identity_agent;  // socket path: IdentityAgent, else $SSH_AUTH_SOCK; empty = none

  StrictHostKeyChecking strict_host_key_checking = StrictHostKeyChecking::kAsk;
  std::vector<std::string> user_known_hosts_files;    // default ~/.ssh/known_hosts{,2}
  std::vector<std::string> global_known_hosts_files;  // /etc/ssh/ssh_known_hosts{,2}
  bool hash_known_hosts = false;
  std::string host_key_alias;  // HostKeyAlias; empty = host_name is looked up

  bool batch_mode = false;
  std::optional<std::chrono::seconds> connect_timeout;  // none: the TCP stack's own
  std::chrono::seconds server_alive_interval{0};        // 0 = off
  int server_alive_count_max = 3;

  bool password_authentication = true;
  bool pubkey_authentication = true;
  bool kbd_interactive_authentication = true;
  int number_of_password_prompts = 3;

  RequestTty request_tty = RequestTty::kAuto;
  bool no_command = false;          // -N or SessionType none
  bool subsystem = false;           // -s or SessionType subsystem: remote_command names it
  std::string remote_command;       // command words joined by ' ' (ssh.c), or RemoteCommand
                                    // (RemoteCommand none: no command, as OpenSSH)
  LogLevel log_level = LogLevel::kInfo;
  std::string log_file;             // -E; empty = stderr

  // Passed through to libssh2 as given (libssh2_session_method_pref); empty = its defaults.
  std::string ciphers, kex_algorithms, host_key_algorithms, macs;

  std::vector<ForwardSpec> local_forwards;  // -L then LocalForward lines, in order; none
                                            // with ClearAllForwardings yes (scp, sftp set it)
  bool clear_all_forwardings = false;
  bool exit_on_forward_failure = false;
  std::optional<char> escape_char = '~';    // nullopt = none
  std::vector<std::string> send_env;        // patterns of local variables to send (TERM is
                                            // always sent with a pty, through the pty request)
  std::vector<SetEnvVar> set_env;

  bool stdin_null = false;  // -n or StdinNull yes

  // -J / ProxyJump: the text as given ("" = none), and each jump host's own settings in the
  // order they are connected (its Host blocks apply, as ssh runs ssh for each hop), then this
  // host is reached through a direct-tcpip channel of the last one.
  std::string proxy_jump;
  std::vector<SshSettings> jump_hops;

  // One line per ignored setting, e.g. "ForwardAgent is not supported by wg-ssh; ignored"
  // (once per key, from -o and the user's config; the system config's are not repeated on every
  // run), "Match exec ... block ignored"; the tool prints each as a warning unless -q.
  std::vector<std::string> warnings;
};

// One hop of -J / ProxyJump: "[user@]host[:port]", "[user@][v6addr]:port" or
// "ssh://[user@]host[:port]".
struct JumpHost {
  std::optional<std::string> user;
  std::string host;
  std::optional<uint16_t> port;
};
// Splits a -J / ProxyJump list at commas; errors name the bad element.
Result<std::vector<JumpHost>> parse_jump_hosts(std::string_view text);

// The name looked up in and written to known_hosts: HostKeyAlias, else host_name.
std::string host_key_lookup_name(const SshSettings& settings);
// The port for that lookup: 22 (no "[name]:port" form) when HostKeyAlias is set, as
// sshconnect.c get_hostfile_hostname_ipaddr uses the alias as it is; else settings.port.
uint16_t host_key_lookup_port(const SshSettings& settings);

// The local variables SendEnv asks to send (patterns matched against env.vars, in name order).
std::vector<SetEnvVar> env_to_send(const SshSettings& settings, const SshEnvironment& env);

// "wg-ssh 0.1.0 (wgnet), libssh2 1.10.0" for -V.
std::string ssh_version_text();

// Merges the command line, the user config and the system config (either may be null) and the
// defaults. Errors name the file and line of a bad value.
Result<SshSettings> resolve_settings(const SshOptions& options, const SshConfigFile* user_config,
                                     const SshEnvironment& env,
                                     const SshConfigFile* system_config = nullptr);

// Loads the config files `options` selects (-F FILE / none / ~/.ssh/config then
// /etc/ssh/ssh_config; the default files may be missing, an -F file may not) and resolves.
Result<SshSettings> load_and_resolve_settings(const SshOptions& options, const SshEnvironment& env);

// Whether to ask the server for a pty, as ssh.c decides; `warning` is OpenSSH's line
// "Pseudo-terminal will not be allocated because stdin is not a terminal." when a pty was
// wanted (-t, or auto without a command) but stdin is not a terminal and not -tt (empty
// otherwise). With -N no session is opened, so the caller does not ask.
struct TtyDecision {
  bool allocate = false;
  std::string warning;
};
TtyDecision decide_tty(RequestTty mode, bool has_command, bool stdin_is_tty);

// Parsers shared by the command line and config files; errors are the bare reason
// ("Bad port 'x'"), the caller prefixes file and line.
Result<uint16_t> parse_ssh_port(std::string_view text);
Result<ForwardSpec> parse_forward_spec(std::string_view text);  // -L form (one word)
Result<std::optional<char>> parse_escape_char(std::string_view text);  // "~", "^]", "none"
Result<StrictHostKeyChecking> parse_strict_host_key_checking(std::string_view text);

// Expands OpenSSH's %-tokens (%% %d %h %k %l %L %n %p %r %u; not %C %i %j %T), ${VAR} from
// `vars`, and a leading ~ or ~/. Unknown tokens are an error naming the token, as ssh's
// percent_expand (which aborts).
struct TokenValues {
  std::string home, host_name, local_host, original_host, remote_user, local_user;
  std::string host_key_alias;  // %k: HostKeyAlias, else the host name as given
  uint16_t port = 22;
  const std::map<std::string, std::string>* vars = nullptr;
};
Result<std::string> expand_tokens(std::string_view text, const TokenValues& values);

}  // namespace wgnet::ssh
