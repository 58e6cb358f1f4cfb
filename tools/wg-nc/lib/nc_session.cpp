#include "nc_session.hpp"

#include "exit_status.hpp"

namespace wgnet::nc {
namespace {

using std::chrono::milliseconds;

const char* proto(bool udp) {
  return udp ? "udp" : "tcp";
}

DialOptions dial_options(const NcOptions& o) {
  DialOptions d;
  d.family = o.family;
  d.numeric_only = o.numeric;
  if (o.timeout) {
    d.timeout = *o.timeout;
    d.attempt_timeout = *o.timeout;
  }
  return d;
}

tools::RelayOptions relay_options(const NcOptions& o, const tools::Diagnostics& diag) {
  tools::RelayOptions r;
  r.datagram = o.udp;
  // Debian nc: "Specifying a non-negative seconds [-q] implies -N."
  r.half_close = o.half_close || o.quit_after_eof.has_value();
  r.quit_after_eof = o.quit_after_eof;
  r.idle_timeout = o.timeout;
  r.on_warning = [diag](const std::string& message) { diag.info(message); };
  return r;
}

// Failures that concern one port of a scan; anything else (resolution, the tunnel) stops it.
bool per_port_failure(ErrorCode code) {
  return code == ErrorCode::kConnectRefused || code == ErrorCode::kTimeout ||
         code == ErrorCode::kNetwork;
}

// The end of one relayed session, as an exit status.
int session_status(const tools::RelayResult& r, const tools::Diagnostics& diag) {
  diag.info("sent " + std::to_string(r.bytes_sent) + " bytes, received " +
            std::to_string(r.bytes_received) + " bytes");
  if (r.end == tools::RelayEnd::kIdleTimeout) diag.info("idle timeout (-w): closing");
  if (r.end != tools::RelayEnd::kNetworkError) return 0;
  diag.error(r.error);
  return 1;
}

int run_scan(Tunnel& tunnel, const NcOptions& o, const tools::Diagnostics& diag) {
  bool any_open = false;
  for (uint16_t port : o.ports) {
    auto conn = tunnel.dial_tcp(o.host, port, dial_options(o));
    if (conn) {
      any_open = true;
      if (diag.verbose())
        diag.plain(connect_succeeded_line(o.host, conn->remote, port, false, o.numeric));
      continue;  // the connection closes here: -z only asks whether it opens
    }
    if (!per_port_failure(conn.error().code)) return tools::report_error(diag, conn.error());
    if (diag.verbose()) diag.note(connect_failed_text(o.host, port, false, conn.error()));
  }
  return any_open ? 0 : 1;
}

int run_client(Tunnel& tunnel, const NcOptions& o, tools::RelayStreams& streams,
               const tools::Diagnostics& diag) {
  uint16_t port = o.ports.front();
  auto conn = o.udp ? tunnel.dial_udp(o.host, port, dial_options(o))
                    : tunnel.dial_tcp(o.host, port, dial_options(o));
  if (!conn) {
    // Unlike nc, say why even without -v: a silent exit 1 is no help over a tunnel.
    if (per_port_failure(conn.error().code)) {
      diag.error(connect_failed_text(o.host, port, o.udp, conn.error()));
      return 1;
    }
    return tools::report_error(diag, conn.error());
  }
  if (diag.verbose())
    diag.plain(connect_succeeded_line(o.host, conn->remote, port, o.udp, o.numeric));
  return session_status(tools::relay(conn->fd.get(), streams, relay_options(o, diag)), diag);
}

int run_listen_tcp(Tunnel& tunnel, const NcOptions& o, tools::RelayStreams& streams,
                   const tools::Diagnostics& diag) {
  auto listener = tunnel.listen_tcp(o.host, o.ports.front());
  if (!listener) return tools::report_error(diag, listener.error());
  auto local = (*listener)->local();
  diag.info("Listening on " + local.ip.to_string() + " " + std::to_string(local.port));
  int status = 0;
  do {
    // -w bounds a connection's idle time, never the wait for one (as nc).
    auto conn = (*listener)->accept(milliseconds(0));
    if (!conn) return tools::report_error(diag, conn.error());
    diag.info("Connection received on " + conn->remote.ip.to_string() + " " +
              std::to_string(conn->remote.port));
    auto result = tools::relay(conn->fd.get(), streams, relay_options(o, diag));
    status = session_status(result, diag);
    if (result.end == tools::RelayEnd::kQuitAfterEof) break;  // -q ends the program, not a session
  } while (o.keep_listening);
  return status;
}

int run_listen_udp(Tunnel& tunnel, const NcOptions& o, tools::RelayStreams& streams,
                   const tools::Diagnostics& diag) {
  int status = 0;
  do {
    diag.info("Bound on " + (o.host.empty() ? std::string("our tunnel addresses") : o.host) + " " +
              std::to_string(o.ports.front()) + " (udp), waiting for a datagram");
    auto conn = tunnel.listen_udp_first(o.host, o.ports.front(), milliseconds(0));
    if (!conn) return tools::report_error(diag, conn.error());
    diag.info("Connection received on " + conn->remote.ip.to_string() + " " +
              std::to_string(conn->remote.port));
    auto result = tools::relay(conn->fd.get(), streams, relay_options(o, diag));
    status = session_status(result, diag);
    if (result.end == tools::RelayEnd::kQuitAfterEof) break;
  } while (o.keep_listening);
  return status;
}

}  // namespace

Result<void> check_nc_options(const NcOptions& o) {
  if (o.numeric && !o.host.empty() && !IpAddress::parse(o.host)) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "-n: `" + o.host + "' is not an IP address (names need the tunnel's DNS; drop -n)");
  }
  if (o.ports.empty()) return make_error(ErrorCode::kInvalidArgument, "no port given");
  return {};
}

int run_nc(Tunnel& tunnel, const NcOptions& options, tools::RelayStreams& streams,
           const tools::Diagnostics& diag) {
  if (auto ok = check_nc_options(options); !ok) return tools::report_error(diag, ok.error());
  if (options.scan) return run_scan(tunnel, options, diag);
  if (!options.listen) return run_client(tunnel, options, streams, diag);
  return options.udp ? run_listen_udp(tunnel, options, streams, diag)
                     : run_listen_tcp(tunnel, options, streams, diag);
}

std::string connect_succeeded_line(const std::string& host, const Endpoint& remote, uint16_t port,
                                   bool udp, bool numeric) {
  std::string line = "Connection to " + host;
  std::string ip = remote.ip.to_string();
  if (!numeric && ip != host) line += " (" + ip + ")";
  return line + " " + std::to_string(port) + " port [" + proto(udp) + "/*] succeeded!";
}

std::string connect_failed_text(const std::string& host, uint16_t port, bool udp,
                                const Error& error) {
  std::string head =
      "connect to " + host + " port " + std::to_string(port) + " (" + proto(udp) + ")";
  switch (error.code) {
    case ErrorCode::kConnectRefused:
      return head + " failed: Connection refused";
    case ErrorCode::kTimeout:
      return head + " timed out";
    default:
      return head + " failed: " + tools::describe_error(error);
  }
}

}  // namespace wgnet::nc
