// wg-ssh's command line, parsed as ssh.c parses its own (OpenSSH's BSD getopt: no permutation,
// options again after the destination up to the first other word, "--" ends them).
#include "ssh_options.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

#include "ssh_config_keywords.hpp"

namespace wgnet::ssh {
namespace {

constexpr std::string_view kCommandLine = "command-line";

Error bad(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

SshCommand usage_exit(std::string first_line) {
  SshCommand c;
  c.text = first_line.empty() ? ssh_usage_text() : first_line + "\n" + ssh_usage_text();
  c.exit_status = kSshErrorExit;
  return c;
}

// Flags of ssh(1) that ask for something wg-ssh does not have: refusing beats silently
// connecting without the forwarding or the proxy the user asked for.
const char* missing_feature(char flag) {
  switch (flag) {
    case 'A': return "agent forwarding (-A)";
    case 'X': case 'Y': return "X11 forwarding (-X, -Y)";
    case 'D': return "dynamic (SOCKS) forwarding (-D)";
    case 'R':
      return "remote forwarding (-R)";
    case 'W': return "stdio forwarding (-W)";
    case 'w': return "tun device forwarding (-w)";
    case 'M': case 'S': case 'O': return "connection sharing (-M, -S, -O)";
    case 'f':
      return "going to the background (-f)";
    case 'Q':
      return "algorithm queries (-Q)";
    case 'B': case 'b': return "binding to a local address (-B, -b); the tunnel has one address";
    case 'I': return "PKCS#11 (-I)";
    case 'K': return "GSSAPI (-K)";
    default: return nullptr;
  }
}

constexpr std::string_view kWithArgument = "bBcDeEFiIJlLmoOpQRSwW";

bool takes_argument(char flag) {
  return flag == 'c' || kWithArgument.find(flag) != std::string_view::npos;
}

// Splits "[user@]host" (the last '@' separates, as ssh.c's strrchr) or
// "ssh://[user[;params]@]host[:port]" (misc.c parse_ssh_uri).
Result<void> place_destination(SshOptions& o, const std::string& dest, bool& usage_error) {
  o.destination = dest;
  std::string user, host;
  std::optional<uint16_t> port;
  if (dest.rfind("ssh://", 0) == 0) {
    std::string rest = dest.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    size_t at = rest.rfind('@');
    if (at != std::string::npos) {
      user = rest.substr(0, at);
      user = user.substr(0, user.find(';'));
      rest = rest.substr(at + 1);
    }
    if (!rest.empty() && rest[0] == '[') {
      size_t close = rest.find(']');
      if (close == std::string::npos) return bad("Invalid destination '" + dest + "'");
      host = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    } else {
      size_t colon = rest.find(':');
      host = rest.substr(0, colon);
      rest = colon == std::string::npos ? "" : rest.substr(colon);
    }
    if (!rest.empty()) {
      if (rest[0] != ':') return bad("Invalid destination '" + dest + "'");
      auto p = parse_ssh_port(rest.substr(1));
      if (!p) return bad("Bad port '" + rest.substr(1) + "'");
      port = *p;
    }
    if (host.empty() || user.find('/') != std::string::npos) {
      return bad("Invalid destination '" + dest + "'");
    }
  } else {
    size_t at = dest.rfind('@');
    if (at != std::string::npos) {
      if (at == 0) {
        usage_error = true;
        return {};
      }
      user = dest.substr(0, at);
    }
    host = at == std::string::npos ? dest : dest.substr(at + 1);
  }
  if (host.empty()) {
    usage_error = true;
    return {};
  }
  o.host = host;
  if (!user.empty() && !o.user) o.user = user;
  if (port && !o.port) o.port = port;
  return {};
}

// One -o: a config line named "command-line" line 0, checked like a file's line.
Result<void> apply_dash_o(SshOptions& o, const std::string& text,
                          std::vector<std::string>& ignore_unknown) {
  auto parsed = parse_config_line(text, std::string(kCommandLine), 0);
  if (!parsed) return bad(parsed.error().message);
  ConfigEntry e = std::move(*parsed);
  if (e.key.empty()) return bad("command-line line 0: no argument after keyword \"\"");
  if (e.key == "host" || e.key == "match") {
    return bad("Host directive not supported as a command-line option");
  }
  if (e.key == "include") return bad("Include directive not supported as a command-line option");
  if (keyword_support(e.key) == KeywordSupport::kUnknown) {
    if (match_host_patterns(e.key, ignore_unknown)) return {};
    return bad("command-line: line 0: Bad configuration option: " + e.key);
  }
  if (auto v = validate_config_entry(e); !v) {
    return bad("command-line line 0: " + v.error().message);
  }
  const Keyword* kw = find_keyword(e.key);
  const std::string_view key = kw ? kw->canonical : std::string_view(e.key);
  if (key == "ignoreunknown") add_ignore_unknown(e.args, ignore_unknown);
  // First obtained value wins, so -o Port= before -p sets the port, and after it changes nothing.
  if (key == "port" && !o.port) o.port = *parse_ssh_port(e.args[0]);
  if (key == "user" && !o.user) o.user = e.args[0];
  o.command_line_entries.push_back(std::move(e));
  return {};
}

// The state parse_ssh_command_line carries between the two rounds of options.
struct ParseState {
  SshOptions o;
  std::vector<std::string> ignore_unknown;
  bool version = false;
  bool help = false;
  std::string usage_message;  // set: print it with the usage text and exit 255
};

Result<void> apply_flag(ParseState& st, char flag, const std::string& arg) {
  SshOptions& o = st.o;
  switch (flag) {
    case '4': o.family = AddressFamily::kV4; return {};
    case '6': o.family = AddressFamily::kV6; return {};
    case 'N':  // ssh.c: no session, so no pty either
      if (o.subsystem) return bad("Cannot specify -N with -s/SessionType");
      o.no_command = true;
      o.request_tty = RequestTty::kNo;
      return {};
    case 'n': o.stdin_null = true; return {};
    case 's':  // sftp and scp (SFTP mode) start the "sftp" subsystem this way
      if (o.no_command) return bad("Cannot specify -s with -N/SessionType");
      o.subsystem = true;
      return {};
    case 'G':
      o.print_config = true;
      return {};  // git runs "-G host" to see an OpenSSH-like ssh
    case 'T': o.request_tty = RequestTty::kNo; return {};
    case 't':  // ssh.c: -t once asks for a pty, a second -t forces one
      o.request_tty = o.request_tty == RequestTty::kYes ? RequestTty::kForce : RequestTty::kYes;
      return {};
    case 'q': o.quiet = true; o.verbosity = 0; return {};
    case 'v': o.quiet = false; o.verbosity = std::min(o.verbosity + 1, 3); return {};
    case 'V': st.version = true; return {};
    case 'a': case 'x': case 'k': case '2':
      return {};  // no agent forwarding, no X11, no GSSAPI delegation, protocol 2: always so
    case '1': return bad("SSH protocol v.1 is no longer supported");
    case 'C': o.warnings.push_back("compression (-C) is not supported by wg-ssh; ignored"); return {};
    case 'g':
      o.warnings.push_back("-g (remote hosts may connect to forwarded ports) is not supported by "
                           "wg-ssh; forwarded ports listen on loopback");
      return {};
    case 'y': o.warnings.push_back("logging to syslog (-y) is not supported by wg-ssh; ignored"); return {};
    case 'c': o.wg_config_path = arg; return {};
    case 'i': o.identity_files.push_back(arg); return {};
    case 'l': if (!o.user) o.user = arg; return {};
    case 'p': {
      auto p = parse_ssh_port(arg);
      if (!p) return bad("Bad port '" + arg + "'");
      if (!o.port) o.port = *p;
      return {};
    }
    case 'o': return apply_dash_o(o, arg, st.ignore_unknown);
    case 'F': o.ssh_config_file = arg; return {};
    case 'E': o.log_file = arg; return {};
    case 'J':
      if (o.jump_hosts) return bad("Only a single -J option is permitted");
      if (auto hops = parse_jump_hosts(arg); !hops) return bad("Invalid -J argument");
      o.jump_hosts = arg;
      return {};
    case 'e': {
      auto e = parse_escape_char(arg);
      if (!e) return bad("Bad escape character '" + arg + "'.");
      o.escape_char = *e;
      return {};
    }
    case 'L': {
      auto f = parse_forward_spec(arg);
      if (!f) return bad("Bad local forwarding specification '" + arg + "'");
      o.local_forwards.push_back(*f);
      return {};
    }
    case 'm': {
      // ssh.c sets MACs from -m directly, ahead of any -o MACs=.
      ConfigEntry e;
      e.key = e.key_text = "macs";
      e.args = {arg};
      e.value_text = arg;
      e.file = std::string(kCommandLine);
      o.command_line_entries.insert(o.command_line_entries.begin(), std::move(e));
      return {};
    }
    default:
      break;
  }
  if (const char* what = missing_feature(flag)) {
    return bad(std::string(what) + " is not supported by wg-ssh; for every OpenSSH feature use "
                                   "ssh -o ProxyCommand='wg-nc -c WG.CONF %h %p' (see wg-ssh(1))");
  }
  st.usage_message = std::string("wg-ssh: unknown option -- ") + flag;
  return {};
}

// One round of options from argv[i]; stops at the first word that is not an option.
// Returns false (with st.usage_message) on an unknown flag or a missing argument.
Result<bool> parse_options(ParseState& st, int argc, const char* const* argv, int& i,
                           bool& terminated) {
  while (i < argc) {
    std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      terminated = true;
      return true;
    }
    if (a.size() < 2 || a[0] != '-') return true;
    if (a == "--help") {
      st.help = true;
      return true;
    }
    if (a == "--no-share") {
      st.o.share = false;
      ++i;
      continue;
    }
    if (a == "--wg-config" || a.rfind("--wg-config=", 0) == 0) {
      if (a.size() > 11) {
        st.o.wg_config_path = std::string(a.substr(12));
      } else if (i + 1 < argc) {
        st.o.wg_config_path = argv[++i];
      } else {
        st.usage_message = "wg-ssh: option requires an argument -- wg-config";
        return false;
      }
      ++i;
      continue;
    }
    ++i;
    for (size_t k = 1; k < a.size(); ++k) {
      char flag = a[k];
      std::string arg;
      if (takes_argument(flag)) {
        if (k + 1 < a.size()) {
          arg = std::string(a.substr(k + 1));
        } else if (i < argc) {
          arg = argv[i++];
        } else {
          st.usage_message = std::string("wg-ssh: option requires an argument -- ") + flag;
          return false;
        }
        k = a.size();
      }
      if (auto r = apply_flag(st, flag, arg); !r) return r.error();
      if (!st.usage_message.empty()) return false;
      if (st.version) return true;  // ssh.c exits at -V, whatever follows
    }
  }
  return true;
}

}  // namespace

Result<SshCommand> parse_ssh_command_line(int argc, const char* const* argv) {
  ParseState st;
  int i = 1;
  bool terminated = false;
  bool have_host = false;
  for (int round = 0; round < 2; ++round) {
    auto ok = parse_options(st, argc, argv, i, terminated);
    if (!ok) return ok.error();
    if (!*ok) return usage_exit(st.usage_message);
    if (st.version) {
      SshCommand c;
      c.text = ssh_version_text() + "\n";
      return c;
    }
    if (st.help) {
      SshCommand c;
      c.text = ssh_usage_text();
      c.text_to_stdout = true;
      return c;
    }
    if (have_host || i >= argc) break;
    bool usage_error = false;
    if (auto r = place_destination(st.o, argv[i], usage_error); !r) return r.error();
    if (usage_error) return usage_exit("");
    have_host = true;
    ++i;
    if (terminated) break;  // "--" before the destination: the rest is the command
  }
  if (!have_host) return usage_exit("");
  for (; i < argc; ++i) st.o.command.emplace_back(argv[i]);
  SshCommand c;
  c.options = std::move(st.o);
  return c;
}

std::string ssh_usage_text() {
  return "usage: wg-ssh [-46GNnqsTtVv] [-c wg_config] [-E log_file] [-e escape_char]\n"
         "              [-F configfile] [-i identity_file] [-J destination] [-L address]\n"
         "              [-l login_name] [-m mac_spec] [-o option] [-p port]\n"
         "              destination [command [argument ...]]\n"
         "  -c names the WireGuard config (also --wg-config, $WGNET_CONFIG); choose ciphers\n"
         "  with -o Ciphers=. Host names resolve through the tunnel's DNS. --no-share opens a\n"
         "  tunnel of our own instead of the config's shared agent. See wg-ssh(1).\n";
}

Result<std::vector<JumpHost>> parse_jump_hosts(std::string_view text) {
  // readconf.c parse_jump: comma-separated [user@]host[:port] or ssh:// URIs.
  std::vector<JumpHost> hops;
  const std::string invalid = "Invalid ProxyJump \"" + std::string(text) + "\"";
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string element(text.substr(start, comma - start));
    start = comma + 1;
    JumpHost hop;
    if (element.rfind("ssh://", 0) == 0) {
      SshOptions parsed;
      bool usage_error = false;
      if (!place_destination(parsed, element, usage_error) || usage_error) return bad(invalid);
      hops.push_back({parsed.user, parsed.host, parsed.port});
      continue;
    }
    size_t at = element.rfind('@');
    if (at != std::string::npos) hop.user = element.substr(0, at);
    std::string rest = at == std::string::npos ? element : element.substr(at + 1);
    std::string port;
    if (!rest.empty() && rest[0] == '[') {  // [v6]:port
      size_t close = rest.find(']');
      if (close == std::string::npos) return bad(invalid);
      hop.host = rest.substr(1, close - 1);
      if (close + 1 < rest.size()) {
        if (rest[close + 1] != ':') return bad(invalid);
        port = rest.substr(close + 2);
        if (port.empty()) return bad(invalid);
      }
    } else if (size_t colon = rest.find(':');
               colon != std::string::npos && rest.find(':', colon + 1) == std::string::npos) {
      hop.host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return bad(invalid);
    } else {
      hop.host = rest;  // a bare IPv6 address has no port
    }
    if (!port.empty()) {
      auto p = parse_ssh_port(port);
      if (!p) return bad(invalid);
      hop.port = *p;
    }
    if (hop.host.empty() || (hop.user && hop.user->empty())) return bad(invalid);
    hops.push_back(std::move(hop));
  }
  return hops;
}

Result<uint16_t> parse_ssh_port(std::string_view text) {
  // misc.c a2port: a number 1-65535, else a service name from the local /etc/services.
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    if (value >= 1 && value <= 65535) return static_cast<uint16_t>(value);
    return bad("Bad port '" + std::string(text) + "'");
  }
  std::string name(text);
  if (!name.empty() && !(name[0] >= '0' && name[0] <= '9')) {
    if (const servent* s = ::getservbyname(name.c_str(), "tcp")) {
      return static_cast<uint16_t>(ntohs(static_cast<uint16_t>(s->s_port)));
    }
  }
  return bad("Bad port '" + std::string(text) + "'");
}

Result<ForwardSpec> parse_forward_spec(std::string_view text) {
  // readconf.c parse_forward: fields separated by ':', a field in [brackets] may hold ':'.
  std::vector<std::string> fields;
  size_t i = 0;
  while (i <= text.size()) {
    std::string field;
    if (i < text.size() && text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return bad("Bad forwarding specification");
      field = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
      if (i < text.size() && text[i] != ':') return bad("Bad forwarding specification");
    } else {
      size_t colon = text.find(':', i);
      if (colon == std::string_view::npos) colon = text.size();
      field = std::string(text.substr(i, colon - i));
      i = colon;
    }
    fields.push_back(std::move(field));
    if (i >= text.size()) break;
    ++i;  // past ':'
    if (i == text.size()) fields.emplace_back();
  }
  ForwardSpec spec;
  size_t first = 0;
  if (fields.size() == 4) {
    spec.bind_address = fields[0].empty() ? "*" : fields[0];
    first = 1;
  } else if (fields.size() != 3) {
    return bad("Bad forwarding specification");
  }
  auto listen = parse_ssh_port(fields[first]);
  auto connect = parse_ssh_port(fields[first + 2]);
  if (!listen || !connect || fields[first + 1].empty()) {
    return bad("Bad forwarding specification");
  }
  spec.listen_port = *listen;
  spec.connect_host = fields[first + 1];
  spec.connect_port = *connect;
  return spec;
}

Result<std::optional<char>> parse_escape_char(std::string_view text) {
  // readconf.c oEscapeChar.
  if (text == "none") return std::optional<char>{};
  if (text.size() == 2 && text[0] == '^' && static_cast<unsigned char>(text[1]) >= 64 &&
      static_cast<unsigned char>(text[1]) < 128) {
    return std::optional<char>{static_cast<char>(text[1] & 31)};
  }
  if (text.size() == 1) return std::optional<char>{text[0]};
  return bad("Bad escape character '" + std::string(text) + "'.");
}

Result<StrictHostKeyChecking> parse_strict_host_key_checking(std::string_view text) {
  std::string l(text);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // readconf.c multistate_strict_hostkey.
  if (l == "true" || l == "yes") return StrictHostKeyChecking::kYes;
  if (l == "false" || l == "no" || l == "off") return StrictHostKeyChecking::kNo;
  if (l == "ask") return StrictHostKeyChecking::kAsk;
  if (l == "accept-new") return StrictHostKeyChecking::kAcceptNew;
  return bad("unsupported option \"" + std::string(text) + "\".");
}

TtyDecision decide_tty(RequestTty mode, bool has_command, bool stdin_is_tty) {
  // ssh.c main(): auto wants a pty for a shell; then no pty unless forced when stdin is not a
  // terminal, said aloud only when one was wanted.
  TtyDecision d;
  bool want = mode == RequestTty::kYes || mode == RequestTty::kForce ||
              (mode == RequestTty::kAuto && !has_command);
  if (!stdin_is_tty && mode != RequestTty::kForce) {
    if (want) d.warning = "Pseudo-terminal will not be allocated because stdin is not a terminal.";
    want = false;
  }
  d.allocate = want;
  return d;
}

}  // namespace wgnet::ssh
