#include "session_run.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "auth_run.hpp"
#include "channel_pump.hpp"
#include "forward_local.hpp"
#include "host_key_check.hpp"
#include "jump_relay.hpp"
#include "session_connection.hpp"
#include "session_error.hpp"
#include "session_loop.hpp"
#include "session_methods.hpp"
#include "session_signals.hpp"
#include "terminal_mode.hpp"
#include "tunnel_report.hpp"
#include "write_all.hpp"

namespace wgnet::ssh {

int diagnostics_verbosity(LogLevel level) {
  if (level >= LogLevel::kDebug2) return 2;
  if (level >= LogLevel::kDebug1) return 1;
  return 0;
}

namespace {

using Clock = std::chrono::steady_clock;

// The -o Ciphers/MACs/KexAlgorithms/HostKeyAlgorithms lists of `hop` as
// libssh2_session_method_pref takes them (empty: libssh2's defaults); an error names the first
// list that leaves nothing libssh2 can do.
Result<MethodPrefs> resolve_method_lists(const SshSettings& hop, LIBSSH2_SESSION* session) {
  MethodPrefs prefs;
  const struct {
    const std::string& spec;
    int method;
    const char* option;
    std::string* out;
  } lists[] = {
      {hop.ciphers, LIBSSH2_METHOD_CRYPT_CS, "Ciphers", &prefs.ciphers},
      {hop.macs, LIBSSH2_METHOD_MAC_CS, "MACs", &prefs.macs},
      {hop.kex_algorithms, LIBSSH2_METHOD_KEX, "KexAlgorithms", &prefs.kex},
      {hop.host_key_algorithms, LIBSSH2_METHOD_HOSTKEY, "HostKeyAlgorithms", &prefs.host_key},
  };
  for (const auto& list : lists) {
    if (list.spec.empty()) continue;
    auto resolved =
        resolve_algorithm_list(list.spec, supported_algorithms(session, list.method), list.option);
    if (!resolved) return resolved.error();
    *list.out = *resolved;
  }
  return prefs;
}

struct SessionFree {
  void operator()(LIBSSH2_SESSION* session) const { libssh2_session_free(session); }
};

}  // namespace

Result<void> check_algorithm_lists(const SshSettings& settings) {
  auto library = Libssh2Library::init();
  if (!library) return library.error();
  // A session that never connects: only its list of supported algorithms is read.
  std::unique_ptr<LIBSSH2_SESSION, SessionFree> session(libssh2_session_init());
  if (!session) return make_error(ErrorCode::kInternal, "libssh2_session_init failed");
  for (const auto& hop : settings.jump_hops) {
    if (auto ok = resolve_method_lists(hop, session.get()); !ok) return ok.error();
  }
  if (auto ok = resolve_method_lists(settings, session.get()); !ok) return ok.error();
  return {};
}

namespace {

// The session's state, in destruction order: channels before the session, the session before
// the library. Teardown (channel frees, disconnect) happens in the destructors.
class SessionRun {
 public:
  SessionRun(Tunnel& tunnel, const SshSettings& settings, const SshEnvironment& env,
             const tools::Diagnostics& diag)
      : tunnel_(tunnel), s_(settings), env_(env), diag_(diag), quiet_(quiet_level(settings.log_level)) {}

  ~SessionRun();
  int run();

 private:
  void debug(const std::string& line) const { diag_.info(line); }
  void warn(const std::string& line) const {
    if (!quiet_) diag_.plain(line);
  }
  int fail(const Error& error) const {
    diag_.error(error.message);
    return kSshErrorExit;
  }
  Result<void> connect(Clock::time_point start);
  // One SSH connection over `transport` (the tunnel's socket, or a jump relay's): key exchange,
  // host key check and authentication with `hop`'s settings. An empty error message: already
  // explained (the host key check speaks for itself).
  Result<std::unique_ptr<SshSession>> log_in(const SshSettings& hop, Fd transport,
                                             const std::string& address,
                                             std::optional<Clock::time_point> deadline);
  Result<void> negotiate(SshSession& session, const SshSettings& hop,
                         std::optional<Clock::time_point> deadline);
  Result<void> open_main_channel(bool tty);
  void send_environment(LIBSSH2_CHANNEL* channel);
  int finish(const SessionOutcome& outcome, bool tty);
  std::chrono::milliseconds server_wait() const;
  static std::vector<std::string> known_hosts_files(const SshSettings& hop) {
    std::vector<std::string> files = hop.user_known_hosts_files;
    files.insert(files.end(), hop.global_known_hosts_files.begin(),
                 hop.global_known_hosts_files.end());
    return files;
  }

  Tunnel& tunnel_;
  const SshSettings& s_;
  const SshEnvironment& env_;
  const tools::Diagnostics& diag_;
  bool quiet_;
  std::string address_;
  std::unique_ptr<Libssh2Library> library_;
  std::vector<std::unique_ptr<JumpRelay>> relays_;  // -J hops, first hop first
  std::unique_ptr<SshSession> session_;
  std::unique_ptr<LocalForwarder> forwarder_;
  std::unique_ptr<ChannelPump> main_;
  Clock::time_point started_;
};

std::chrono::milliseconds SessionRun::server_wait() const {
  if (s_.server_alive_interval.count() > 0) {
    return s_.server_alive_interval * (s_.server_alive_count_max + 1);
  }
  return std::chrono::seconds(60);
}

SessionRun::~SessionRun() {
  // The destination's session ends first, through the relays; then each relay, the one nearest
  // to the destination first, sees its end closed and passes the close on to its jump host.
  main_.reset();
  forwarder_.reset();
  session_.reset();
  while (!relays_.empty()) relays_.pop_back();
}

Result<void> SessionRun::connect(Clock::time_point start) {
  // With -J the tunnel carries the first jump host's connection; each hop then reaches the next
  // one (and the last one the destination) through a direct-tcpip channel.
  const SshSettings& first_hop = s_.jump_hops.empty() ? s_ : s_.jump_hops.front();
  DialOptions dial;
  dial.family = first_hop.family;
  if (first_hop.connect_timeout) dial.timeout = *first_hop.connect_timeout;
  debug("Connecting to " + first_hop.host_name + " port " + std::to_string(first_hop.port) + ".");
  auto connection = tunnel_.dial_tcp(first_hop.host_name, first_hop.port, dial);
  if (!connection) {
    return make_error(connection.error().code, "connect to host " + first_hop.host_name + " port " +
                                                   std::to_string(first_hop.port) + ": " +
                                                   connection.error().message);
  }
  std::string address = connection->remote.ip.to_string();
  debug("Connection established to " + connection->remote.to_string() + ".");
  auto library = Libssh2Library::init();
  if (!library) return library.error();
  library_ = std::move(*library);
  std::optional<Clock::time_point> deadline;
  if (s_.connect_timeout) deadline = start + *s_.connect_timeout;
  Fd transport = std::move(connection->fd);
  for (size_t i = 0; i < s_.jump_hops.size(); ++i) {
    const SshSettings& hop = s_.jump_hops[i];
    auto jump = log_in(hop, std::move(transport), address, deadline);
    if (!jump) return jump.error();
    const SshSettings& next = i + 1 < s_.jump_hops.size() ? s_.jump_hops[i + 1] : s_;
    debug("Jump host " + hop.host_name + ": forwarding to " + next.host_name + " port " +
          std::to_string(next.port) + ".");
    auto link = JumpRelay::start(std::move(*jump), next.host_name, next.port, server_wait());
    if (!link) {
      return make_error(link.error().code,
                        "jump host " + hop.host_name + ": " + link.error().message);
    }
    relays_.push_back(std::move(link->relay));
    transport = std::move(link->transport);
    address.clear();  // the next host's address is the jump host's business
  }
  address_ = address;
  auto session = log_in(s_, std::move(transport), address_, deadline);
  if (!session) return session.error();
  session_ = std::move(*session);
  return {};
}

Result<std::unique_ptr<SshSession>> SessionRun::log_in(const SshSettings& hop, Fd transport,
                                                       const std::string& address,
                                                       std::optional<Clock::time_point> deadline) {
  auto created = SshSession::create(std::move(transport));
  if (!created) return created.error();
  std::unique_ptr<SshSession> session = std::move(*created);
  if (auto ok = negotiate(*session, hop, deadline); !ok) return ok.error();

  HostKeyPolicy policy;
  policy.host = host_key_lookup_name(hop);
  policy.address = address;
  policy.port = host_key_lookup_port(hop);
  policy.mode = hop.strict_host_key_checking;
  policy.batch_mode = hop.batch_mode;
  policy.hash_known_hosts = hop.hash_known_hosts;
  policy.quiet = quiet_;
  policy.user_files = hop.user_known_hosts_files;
  policy.global_files = hop.global_known_hosts_files;
  policy.home = env_.home;
  auto debug_fn = [this](const std::string& line) { debug(line); };
  if (auto ok = verify_host_key(session->host_key(), policy, default_host_key_io(debug_fn)); !ok) {
    return make_error(ErrorCode::kNetwork, "");  // already explained in OpenSSH's words
  }

  AuthRequest request;
  request.user = hop.user;
  request.host = hop.host_name;
  request.switches = {hop.pubkey_authentication, hop.kbd_interactive_authentication,
                      hop.password_authentication, hop.batch_mode};
  request.identity_files = hop.identity_files;
  request.identity_files_default = hop.identity_files_default;
  request.identities_only = hop.identities_only;
  request.agent_socket = hop.identity_agent;
  request.password_prompts = hop.number_of_password_prompts;
  request.server_wait = server_wait();
  AuthLog auth_log{debug_fn, [this](const std::string& line) { warn(line); }};
  auto method = authenticate(*session, request, auth_log);
  if (!method) return method.error();
  // As OpenSSH says it; a host reached through a jump host has no address of ours.
  std::string where =
      address.empty() ? std::string("via proxy") : "[" + address + "]:" + std::to_string(hop.port);
  debug("Authenticated to " + hop.host_name + " (" + where + ") using \"" + *method + "\".");
  return session;
}

Result<void> SessionRun::negotiate(SshSession& session, const SshSettings& hop,
                                   std::optional<Clock::time_point> deadline) {
  auto resolved = resolve_method_lists(hop, session.get());
  if (!resolved) return resolved.error();
  MethodPrefs prefs = *resolved;
  const std::pair<const char*, const std::string*> chosen[] = {
      {"Ciphers", &prefs.ciphers},
      {"MACs", &prefs.macs},
      {"KexAlgorithms", &prefs.kex},
      {"HostKeyAlgorithms", &prefs.host_key}};
  for (const auto& [option, list] : chosen) {
    if (!list->empty()) debug(std::string(option) + ": " + *list);
  }
  if (hop.host_key_algorithms.empty()) {
    prefs.host_key =
        host_key_preference(known_host_key_types(known_hosts_files(hop), host_key_lookup_name(hop),
                                                 host_key_lookup_port(hop)),
                            supported_algorithms(session.get(), LIBSSH2_METHOD_HOSTKEY));
    if (!prefs.host_key.empty()) debug("preferring host key algorithms " + prefs.host_key);
  }
  if (auto ok = session.prefer(prefs); !ok) return ok.error();
  if (auto ok = session.handshake(deadline); !ok) {
    return make_error(ok.error().code, "SSH connection to " + hop.host_name + " port " +
                                           std::to_string(hop.port) + ": " + ok.error().message);
  }
  std::string cipher = session.negotiated(LIBSSH2_METHOD_CRYPT_CS);
  std::string mac = session.negotiated(LIBSSH2_METHOD_MAC_CS);
  debug("kex: " + session.negotiated(LIBSSH2_METHOD_KEX) + ", host key " +
        session.negotiated(LIBSSH2_METHOD_HOSTKEY) + ", cipher " + cipher + ", MAC " + mac);
  if (terrapin_exposed(cipher, mac)) {
    warn("Warning: " + cipher + "/" + mac +
         " without strict key exchange is open to the Terrapin attack (CVE-2023-48795)");
  }
  return {};
}

void SessionRun::send_environment(LIBSSH2_CHANNEL* channel) {
  auto set = [&](const SetEnvVar& var) {
    auto rc = session_->drive(
        [&] {
          return libssh2_channel_setenv_ex(channel, var.name.c_str(),
                                           static_cast<unsigned>(var.name.size()),
                                           var.value.c_str(),
                                           static_cast<unsigned>(var.value.size()));
        },
        std::nullopt, server_wait());
    if (!rc || *rc != 0) debug("the server did not accept the variable " + var.name);
  };
  for (const auto& var : env_to_send(s_, env_)) set(var);  // SendEnv
  for (const auto& var : s_.set_env) set(var);             // SetEnv
}

Result<void> SessionRun::open_main_channel(bool tty) {
  auto channel = open_session_channel(*session_, server_wait());
  if (!channel) return channel.error();
  LIBSSH2_CHANNEL* ch = channel->get();
  if (!s_.no_command) {
    send_environment(ch);
    if (tty) {
      std::string term = env_.term.empty() ? "dumb" : env_.term;
      std::string modes = encode_tty_modes_of(STDIN_FILENO);
      WindowSize size = window_size(STDIN_FILENO).value_or(WindowSize{});
      auto rc = session_->drive(
          [&] {
            return libssh2_channel_request_pty_ex(
                ch, term.c_str(), static_cast<unsigned>(term.size()), modes.data(),
                static_cast<unsigned>(modes.size()), static_cast<int>(size.cols),
                static_cast<int>(size.rows), static_cast<int>(size.width_px),
                static_cast<int>(size.height_px));
          },
          std::nullopt, server_wait());
      if (!rc) return rc.error();
      if (*rc != 0) warn("PTY allocation request failed on channel 0");
    }
    // The request ssh.c makes: "subsystem" with its name (-s), "exec" with the command, or
    // "shell".
    const std::string_view request = s_.subsystem                ? "subsystem"
                                     : s_.remote_command.empty() ? "shell"
                                                                 : "exec";
    debug(request == "shell"       ? std::string("Requesting shell.")
          : request == "subsystem" ? "Sending subsystem: " + s_.remote_command
                                   : "Sending command: " + s_.remote_command);
    auto rc = session_->drive(
        [&] {
          return libssh2_channel_process_startup(
              ch, request.data(), static_cast<unsigned>(request.size()),
              request == "shell" ? nullptr : s_.remote_command.c_str(),
              static_cast<unsigned>(s_.remote_command.size()));
        },
        std::nullopt, server_wait());
    if (!rc) return rc.error();
    if (*rc != 0) {
      return make_error(ErrorCode::kNetwork, std::string(request) + " request failed on channel 0");
    }
  }
  PumpEnds ends;
  if (!s_.no_command) ends = PumpEnds{STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, false};
  main_ = std::make_unique<ChannelPump>(*session_, std::move(*channel), ends);
  return {};
}

int SessionRun::run() {
  started_ = Clock::now();
  if (auto ok = connect(started_); !ok) {
    if (ok.error().message.empty()) return kSshErrorExit;  // already explained
    return fail(ok.error());
  }

  auto debug_fn = [this](const std::string& line) { debug(line); };
  if (!s_.local_forwards.empty()) {
    auto forwarder = LocalForwarder::listen(
        s_.local_forwards, s_.exit_on_forward_failure,
        ForwardLog{debug_fn, [this](const std::string& line) { warn(line); }});
    if (!forwarder) return fail(forwarder.error());
    forwarder_ = std::move(*forwarder);
  }

  bool stdin_tty = ::isatty(STDIN_FILENO) != 0;
  TtyDecision tty;  // -N: no session at all, so no pty either
  if (!s_.no_command) tty = decide_tty(s_.request_tty, !s_.remote_command.empty(), stdin_tty);
  if (!tty.warning.empty()) warn(tty.warning);
  if (auto ok = open_main_channel(tty.allocate); !ok) return fail(ok.error());

  auto signals = SignalPipe::install({SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH});
  if (!signals) return fail(signals.error());
  std::unique_ptr<RawTerminal> terminal;
  if (tty.allocate && stdin_tty) {
    auto raw = RawTerminal::enter(STDIN_FILENO);
    if (raw) terminal = std::move(*raw);
  }
  SessionLoopOptions options;
  options.host = s_.host_name;
  options.control_only = s_.no_command;
  options.escape_char = s_.escape_char;
  options.keepalive_interval = s_.server_alive_interval;
  options.keepalive_count_max = s_.server_alive_count_max;
  SessionLoopIo io{debug_fn,
                   [](const std::string& text) { tools::write_all(STDERR_FILENO, text); }};
  SessionLoop loop(*session_, *main_, forwarder_.get(), terminal.get(), **signals, options, io);
  SessionOutcome outcome = loop.run();
  terminal.reset();  // the terminal is itself again before anything more is printed
  return finish(outcome, tty.allocate);
}

int SessionRun::finish(const SessionOutcome& outcome, bool tty) {
  int status = kSshErrorExit;
  switch (outcome.end) {
    case SessionEnd::kChannelClosed: {
      ExitReport report = exit_report(outcome.remote, quiet_);
      if (!report.message.empty()) diag_.note(report.message);
      status = report.status;
      break;
    }
    case SessionEnd::kEscapeDisconnect:
      break;
    case SessionEnd::kSignal:
      debug("Killed by signal " + std::to_string(outcome.signal) + ".");
      break;
    case SessionEnd::kConnectionLost:
      diag_.plain("Connection to " + s_.host_name + " closed by remote host." +
                  (outcome.error.empty() ? "" : " (" + outcome.error + ")"));
      tty = false;
      break;
    case SessionEnd::kServerTimeout:
      tty = false;
      break;
    case SessionEnd::kError:
      diag_.error(outcome.error);
      break;
  }
  if (tty && !quiet_) diag_.plain("Connection to " + s_.host_name + " closed.");
  auto elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", elapsed);
  debug("Transferred: sent " + std::to_string(session_->transport().bytes_sent()) +
        ", received " + std::to_string(session_->transport().bytes_received()) + " bytes, in " +
        seconds + " seconds");
  tools::report_traffic(diag_, tunnel_.stats());
  return status;
}

}  // namespace

int run_session(Tunnel& tunnel, const SshSettings& settings, const SshEnvironment& env,
                const tools::Diagnostics& diag) {
  return SessionRun(tunnel, settings, env, diag).run();
}

}  // namespace wgnet::ssh
