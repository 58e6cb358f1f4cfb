#include "nc_options.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>

#include "config_select.hpp"

namespace wgnet::nc {
namespace {

Error bad(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

std::optional<uint16_t> parse_port_number(const std::string& text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

Result<uint16_t> parse_one_port(const std::string& text) {
  if (text.empty()) return bad("empty port");
  if (text[0] >= '0' && text[0] <= '9') {
    if (auto port = parse_port_number(text)) return *port;
    return bad("invalid port `" + text + "' (1-65535)");
  }
  // Service names come from the local /etc/services, never from the network.
  if (const servent* service = ::getservbyname(text.c_str(), "tcp")) {
    return static_cast<uint16_t>(ntohs(static_cast<uint16_t>(service->s_port)));
  }
  return bad("unknown service `" + text + "'");
}

// Splits the positional arguments into host and ports, for nc's two shapes of -l.
Result<void> place_positionals(NcOptions& o, const std::vector<std::string>& args,
                               std::optional<uint16_t> listen_port) {
  std::vector<std::string> port_args;
  if (o.listen) {
    // -l [host] port  |  -l -p port [host]
    if (listen_port) {
      if (args.size() > 1) return bad("too many arguments for -l -p PORT: give at most a host");
      if (!args.empty()) o.host = args[0];
      o.ports = {*listen_port};
      return {};
    }
    if (args.empty()) return bad("-l needs a port: wg-nc -l [host] port");
    if (args.size() > 2) return bad("too many arguments for -l: wg-nc -l [host] port");
    if (args.size() == 2) o.host = args[0];
    port_args = {args.back()};
  } else {
    if (listen_port) return bad("-p only sets the port to listen on; use it with -l");
    if (args.size() < 2) return bad("need a host and a port: wg-nc [options] host port");
    if (args.size() > 2 && !o.scan) {
      return bad("too many arguments from `" + args[2] +
                 "': wg-nc [options] host port "
                 "(several ports only with -z)");
    }
    o.host = args[0];
    port_args.assign(args.begin() + 1, args.end());
  }
  for (const auto& spec : port_args) {
    auto ports = parse_port_spec(spec);
    if (!ports) return ports.error();
    o.ports.insert(o.ports.end(), ports->begin(), ports->end());
  }
  if (o.listen && o.ports.size() != 1) return bad("-l listens on one port, not a range");
  if (!o.listen && !o.scan && o.ports.size() != 1) {
    return bad("several ports are only for -z (scan); give one port to connect to");
  }
  return {};
}

Result<void> check_combinations(const NcOptions& o) {
  if (o.keep_listening && !o.listen) return bad("-k needs -l");
  if (o.scan && o.listen) return bad("-z and -l cannot be used together");
  if (o.scan && o.udp) return bad("-z scans TCP ports only; -u -z is not supported");
  return {};
}

}  // namespace

Result<std::vector<uint16_t>> parse_port_spec(const std::string& spec) {
  auto dash = spec.find('-');
  if (dash == std::string::npos || spec.empty() || !(spec[0] >= '0' && spec[0] <= '9')) {
    auto port = parse_one_port(spec);
    if (!port) return port.error();
    return std::vector<uint16_t>{*port};
  }
  auto lo = parse_port_number(spec.substr(0, dash));
  auto hi = parse_port_number(spec.substr(dash + 1));
  if (!lo || !hi) return bad("invalid port range `" + spec + "' (like 20-30, 1-65535)");
  if (*lo > *hi) std::swap(lo, hi);
  std::vector<uint16_t> ports;
  for (unsigned p = *lo; p <= *hi; ++p) ports.push_back(static_cast<uint16_t>(p));
  return ports;
}

Result<std::chrono::milliseconds> parse_seconds(const std::string& text, const char* option) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(seconds) || seconds > 1e6) {
    return bad(std::string(option) + " wants seconds, not `" + text + "'");
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}

Result<NcCommand> parse_nc_command_line(int argc, const char* const* argv) {
  CLI::App app{
      "Netcat through an in-process WireGuard tunnel (OpenBSD nc options).\n"
      "  wg-nc [-c FILE] [-46Nnuv] [-q SECS] [-w SECS] host port\n"
      "  wg-nc [-c FILE] -z [-v] [-w SECS] host port[-port]...\n"
      "  wg-nc [-c FILE] -l [-k] [-u] [host] port   (or -l -p port)",
      "wg-nc"};
  app.footer("Names resolve only through the tunnel's DNS= servers. See wg-nc(1).");
  NcOptions o;
  std::string timeout_text, quit_text, rtable;
  int listen_port = 0;
  bool v4 = false, v6 = false;
  std::vector<std::string> args;

  tools::add_config_option(app, o.config_path);
  app.add_flag("--no-share", o.no_share,
               "Open this process's own tunnel instead of sharing the wgnet agent's");
  app.add_flag("-l", o.listen, "Listen on our tunnel address instead of connecting");
  app.add_flag("-k", o.keep_listening, "With -l: accept the next connection after one ends");
  app.add_flag("-u", o.udp, "UDP instead of TCP");
  app.add_flag("-z", o.scan, "Scan: only report whether the TCP ports accept a connection");
  app.add_flag("-N", o.half_close, "Shut down the sending side of the connection after stdin EOF");
  app.add_flag("-n", o.numeric, "No name resolution: host must be an IP address");
  app.add_flag("-4", v4, "IPv4 only");
  app.add_flag("-6", v6, "IPv6 only");
  app.add_flag("-v", o.verbosity,
               "Verbose: handshake, addresses tried, connection and traffic on stderr; -vv adds "
               "debug messages");
  app.add_option("-w", timeout_text, "Connect and idle timeout")->type_name("SECS");
  app.add_option("-q", quit_text,
                 "As Debian nc: implies -N; quit SECS after the remote closes (negative: no -q)")
      ->type_name("SECS");
  auto* rtable_option =
      app.add_option("-V", rtable, "Routing table (as Debian nc on Linux: not supported)")
          ->type_name("RTABLE");
  app.add_option("-p", listen_port, "With -l: the port to listen on")
      ->type_name("PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("args", args, "host port, or with -l: [host] port")->type_name("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return NcCommand{std::nullopt, app.help()};
  } catch (const CLI::ParseError& e) {
    return bad(e.what());
  }

  // Debian's nc takes -V's argument and refuses it on Linux, whatever it is, with this line.
  if (rtable_option->count() > 0) return bad("no alternate routing table support available");
  if (v4 && v6) return bad("-4 and -6 cannot be used together");
  if (v4) o.family = AddressFamily::kV4;
  if (v6) o.family = AddressFamily::kV6;
  if (!timeout_text.empty()) {
    auto t = parse_seconds(timeout_text, "-w");
    if (!t) return t.error();
    if (t->count() <= 0)
      return bad("-w wants a positive number of seconds, not `" + timeout_text + "'");
    o.timeout = *t;
  }
  if (!quit_text.empty() && quit_text[0] != '-') {  // negative: wait forever, nc's default
    auto q = parse_seconds(quit_text, "-q");
    if (!q) return q.error();
    o.quit_after_eof = *q;
  }
  if (auto r = check_combinations(o); !r) return r.error();
  std::optional<uint16_t> p;
  if (listen_port != 0) p = static_cast<uint16_t>(listen_port);
  if (auto r = place_positionals(o, args, p); !r) return r.error();
  return NcCommand{std::move(o), {}};
}

}  // namespace wgnet::nc
