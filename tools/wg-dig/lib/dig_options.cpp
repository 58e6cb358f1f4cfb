#include "dig_options.hpp"

#include <charconv>
#include <sstream>

#include "dig_names.hpp"

namespace wgnet::dig {
namespace {

Error bad(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

std::optional<long> parse_number(std::string_view text, long min, long max) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

// The parse in progress: global defaults until the first name, then the last query.
struct ParseState {
  Command& command;
  std::vector<Query>& queries;
  bool batch = false;                    // a -f line: no options that change the whole run
  std::optional<uint16_t> pending_type;  // type/class words seen before the first name
  std::optional<uint16_t> pending_class;
  // dig keeps +[no]short and +[no]cmd (also set by +[no]all) in global variables: the last
  // one given anywhere wins for every query.
  std::optional<bool> short_everywhere;
  std::optional<bool> cmd_everywhere;

  QuerySettings& settings() { return queries.empty() ? command.defaults : queries.back().settings; }

  Query& new_query(std::string name) {
    Query q;
    q.name = std::move(name);
    q.settings = command.defaults;
    q.server = command.default_server;
    if (pending_type) q.qtype = *pending_type;
    if (pending_class) q.qclass = *pending_class;
    pending_type.reset();
    pending_class.reset();
    queries.push_back(std::move(q));
    return queries.back();
  }

  void set_type(uint16_t type) {
    if (queries.empty()) {
      pending_type = type;
    } else {
      queries.back().qtype = type;
    }
  }
  void set_class(uint16_t klass) {
    if (queries.empty()) {
      pending_class = klass;
    } else {
      queries.back().qclass = klass;
    }
  }
};

// A +option name matches when it is a prefix of the full name at least `min` long, as dig
// accepts +norec for +norecurse.
struct PlusName {
  const char* full;
  size_t min;
};
constexpr PlusName kPlusNames[] = {
    {"all", 2},      {"answer", 2},   {"additional", 2}, {"authority", 2}, {"bufsize", 1},
    {"cmd", 2},      {"comments", 3}, {"dnssec", 2},     {"edns", 2},      {"ignore", 2},
    {"question", 2}, {"recurse", 3},  {"retry", 3},      {"search", 2},    {"short", 2},
    {"stats", 2},    {"tcp", 2},      {"time", 2},       {"tries", 2},     {"vc", 2},
    {"wgdebug", 7},
};

std::optional<std::string_view> full_plus_name(std::string_view name) {
  for (const auto& p : kPlusNames) {
    std::string_view full(p.full);
    if (name.size() >= p.min && name.size() <= full.size() && full.substr(0, name.size()) == name) {
      return full;
    }
  }
  return std::nullopt;
}

Result<void> apply_plus(std::string_view arg, ParseState& state) {
  std::string_view body = arg.substr(1);
  bool on = true;
  if (body.substr(0, 2) == "no") {
    on = false;
    body.remove_prefix(2);
  }
  std::optional<std::string_view> value;
  if (auto eq = body.find('='); eq != std::string_view::npos) {
    value = body.substr(eq + 1);
    body = body.substr(0, eq);
  }
  auto name = full_plus_name(body);
  if (!name) return bad("invalid option `" + std::string(arg) + "'");
  auto bad_value = [&] { return bad("invalid value in `" + std::string(arg) + "'"); };
  auto need_value = [&](long min, long max) -> std::optional<long> {
    if (!on || !value) return std::nullopt;
    return parse_number(*value, min, max);
  };
  QuerySettings& s = state.settings();
  const std::string_view n = *name;
  if (value && n != "bufsize" && n != "time" && n != "tries" && n != "retry" && n != "edns") {
    return bad("option `" + std::string(arg) + "' takes no value");
  }
  if (n == "all" || n == "short") {
    if (n == "short") {
      s.short_form = on;
      state.short_everywhere = on;
    }
    if (n == "all") {
      s.cmd = s.comments = s.question = s.answer = s.authority = s.additional = s.stats = on;
      state.cmd_everywhere = on;
    }
  } else if (n == "answer") {
    s.answer = on;
  } else if (n == "additional") {
    s.additional = on;
  } else if (n == "authority") {
    s.authority = on;
  } else if (n == "question") {
    s.question = on;
  } else if (n == "cmd") {
    s.cmd = on;
    state.cmd_everywhere = on;
  } else if (n == "comments") {
    s.comments = on;
  } else if (n == "stats") {
    s.stats = on;
  } else if (n == "bufsize") {
    if (!on) {
      s.bufsize = QuerySettings{}.bufsize;
    } else if (value) {
      auto v = need_value(0, 65535);
      if (!v) return bad_value();
      s.bufsize = static_cast<uint16_t>(*v);
      s.edns = true;
    }
  } else if (n == "time") {
    auto v = need_value(0, 3600);
    if (!v) return bad_value();
    s.time_s = *v == 0 ? 1 : static_cast<int>(*v);  // dig treats 0 as 1
  } else if (n == "tries" || n == "retry") {
    auto v = need_value(n == "tries" ? 1 : 0, 100);
    if (!v) return bad_value();
    s.tries = static_cast<int>(*v) + (n == "retry" ? 1 : 0);
  } else if (n == "dnssec") {
    s.dnssec = on;
  } else if (n == "edns") {
    if (value && *value != "0") {
      return bad("only EDNS version 0 is supported: `" + std::string(arg) + "'");
    }
    s.edns = on;
  } else if (n == "ignore") {
    s.ignore_tc = on;
  } else if (n == "recurse") {
    s.recurse = on;
  } else if (n == "search") {
    s.search = on;
  } else if (n == "tcp" || n == "vc") {
    s.tcp = on;
    s.tcp_set = true;
  } else if (n == "wgdebug") {
    if (state.batch) return bad("`" + std::string(arg) + "' is not allowed in a batch file");
    state.command.verbosity = on ? std::max(state.command.verbosity, 1) : 0;
  }
  return {};
}

// "-t MX" or "-tMX": the option's value, taking the next argument when needed.
Result<std::string> dash_value(const std::vector<std::string>& args, size_t& i) {
  const std::string& arg = args[i];
  if (arg.size() > 2) return arg.substr(2);
  if (i + 1 >= args.size()) return bad("option `" + arg + "' needs a value");
  return args[++i];
}

Result<void> apply_dash(const std::vector<std::string>& args, size_t& i, ParseState& state) {
  const std::string arg = args[i];
  auto global_only = [&]() -> Result<void> {
    if (state.batch) return bad("`" + arg + "' is not allowed in a batch file");
    return {};
  };
  if (arg == "--help") {
    state.command.help = true;
    return global_only();
  }
  if (arg == "--version") {
    state.command.version = true;
    return global_only();
  }
  if (arg == "--no-share") {
    if (auto ok = global_only(); !ok) return ok;
    state.command.share = false;
    return {};
  }
  if (arg == "--wg-config" || arg.rfind("--wg-config=", 0) == 0) {
    if (auto ok = global_only(); !ok) return ok;
    if (arg.size() > 11) {
      state.command.config_path = arg.substr(12);
    } else if (i + 1 < args.size()) {
      state.command.config_path = args[++i];
    } else {
      return bad("option `--wg-config' needs a value");
    }
    return {};
  }
  if (arg.rfind("--", 0) == 0) return bad("invalid option `" + arg + "'");
  switch (arg[1]) {
    case 'h':
      if (arg.size() != 2) break;
      state.command.help = true;
      return global_only();
    case 'V':
      if (arg.size() != 2) break;
      state.command.version = true;
      return global_only();
    case 'v':
      if (arg.find_first_not_of('v', 1) != std::string::npos) break;
      if (auto ok = global_only(); !ok) return ok;
      state.command.verbosity += static_cast<int>(arg.size() - 1);
      return {};
    case '4':
    case '6':
      if (arg.size() != 2) break;
      state.settings().family = arg[1] == '4' ? AddressFamily::kV4 : AddressFamily::kV6;
      return {};
    case 'c':
    case 'f': {
      if (auto ok = global_only(); !ok) return ok;
      auto value = dash_value(args, i);
      if (!value) return value.error();
      if (arg[1] == 'c') {
        state.command.config_path = *value;
      } else {
        state.command.batch_file = *value;
      }
      return {};
    }
    case 'p': {
      auto value = dash_value(args, i);
      if (!value) return value.error();
      auto port = parse_number(*value, 0, 65535);
      if (!port) return bad("invalid port `" + *value + "'");
      state.settings().port = static_cast<uint16_t>(*port);
      return {};
    }
    case 't': {
      auto value = dash_value(args, i);
      if (!value) return value.error();
      auto type = parse_type(*value);
      if (!type) return bad("invalid type `" + *value + "'");
      state.set_type(*type);
      return {};
    }
    case 'q': {
      auto value = dash_value(args, i);
      if (!value) return value.error();
      state.new_query(*value);
      return {};
    }
    case 'x': {
      auto value = dash_value(args, i);
      if (!value) return value.error();
      auto name = reverse_name(*value);
      if (!name) return bad("invalid address `" + *value + "' for -x");
      Query& q = state.new_query(*name);
      q.qtype = 12;  // PTR
      q.reverse = true;
      return {};
    }
    default:
      break;
  }
  return bad("invalid option `" + arg + "'");
}

void apply_globals(ParseState& state) {
  if (state.short_everywhere) {
    state.command.defaults.short_form = *state.short_everywhere;
    for (Query& q : state.queries) q.settings.short_form = *state.short_everywhere;
  }
  if (state.cmd_everywhere) {
    state.command.defaults.cmd = *state.cmd_everywhere;
    for (Query& q : state.queries) q.settings.cmd = *state.cmd_everywhere;
  }
}

Result<void> parse_words(const std::vector<std::string>& args, ParseState& state) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.empty()) return bad("empty argument");
    if (arg[0] == '@') {
      if (arg.size() == 1) return bad("`@' needs a server address or name");
      if (state.queries.empty()) {
        state.command.default_server = arg.substr(1);
      } else {
        state.queries.back().server = arg.substr(1);
      }
    } else if (arg[0] == '+') {
      if (auto ok = apply_plus(arg, state); !ok) return ok;
    } else if (arg[0] == '-' && arg.size() > 1) {
      if (auto ok = apply_dash(args, i, state); !ok) return ok;
    } else if (auto type = parse_type(arg)) {
      state.set_type(*type);
    } else if (auto klass = parse_class(arg)) {
      state.set_class(*klass);
    } else {
      state.new_query(arg);
    }
  }
  return {};
}

// Zone transfers stream many messages over TCP; Resolver::query reads one reply.
Result<void> check_supported(const std::vector<Query>& queries) {
  for (const Query& q : queries) {
    if (q.qtype == 251 || q.qtype == 252) {
      return bad("zone transfers (AXFR, IXFR) are not supported: `" + q.name + "'");
    }
  }
  return {};
}

}  // namespace

Result<Command> parse_command_line(const std::vector<std::string>& args) {
  Command command;
  for (const auto& a : args) command.args_text += (command.args_text.empty() ? "" : " ") + a;
  std::vector<Query> queries;
  ParseState state{command, queries, false, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  if (auto ok = parse_words(args, state); !ok) return ok.error();
  // dig with no name asks for the root's NS records; a type word alone still counts.
  if (queries.empty() && !command.batch_file) {
    if (!state.pending_type) state.pending_type = 2;  // NS
    state.new_query(".");
  }
  apply_globals(state);
  if (auto ok = check_supported(queries); !ok) return ok.error();
  command.queries = std::move(queries);
  return command;
}

Result<std::vector<Query>> parse_batch_line(std::string_view line, const Command& command) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty() || words[0][0] == ';' || words[0][0] == '#') return std::vector<Query>{};
  Command scratch = command;  // a line may not change the command, only add queries
  std::vector<Query> queries;
  ParseState state{scratch, queries, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  if (auto ok = parse_words(words, state); !ok) return ok.error();
  if (queries.empty()) return bad("no name to query in batch line `" + std::string(line) + "'");
  apply_globals(state);
  if (auto ok = check_supported(queries); !ok) return ok.error();
  return queries;
}

std::string usage_text() {
  return R"(Usage: wg-dig [-c conf] [@server] [name] [type] [class] [-x addr] [-t type] [-q name]
              [-p port] [-4|-6] [-f file] [-v] [+option...] [name [type] [+option...] ...]
Asks the DNS servers on the far side of a WireGuard tunnel (first DNS= of the config unless
@server is given), without any OS network interface. Output in dig's format.
  -c, --wg-config FILE  WireGuard config (default: $WGNET_CONFIG)
      --no-share        a tunnel of our own, not the config's shared agent
  -x ADDR               reverse lookup (IPv4 or IPv6)
  -t TYPE / -q NAME     query type / query name
  -p PORT               server port (default 53)
  -4 / -6               use the server name's IPv4 / IPv6 addresses only
  -f FILE               read queries from FILE, one command line per line
  -v, -vv               tunnel diagnostics on stderr (handshake, peer, bytes)
  -h, -V                this help / version
Query options: +[no]tcp +[no]vc +[no]ignore +time=N +tries=N +retry=N +[no]recurse +[no]dnssec
  +bufsize=N +[no]edns +[no]search +[no]short +[no]all +[no]question +[no]answer +[no]authority
  +[no]additional +[no]comments +[no]cmd +[no]stats +wgdebug
Exit status: 0 answered (NXDOMAIN too), 1 usage error, 8 batch file not readable,
  9 no reply from the server, 10 internal error.
)";
}

}  // namespace wgnet::dig
