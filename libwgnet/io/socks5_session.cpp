// serve_socks5 (wgnet/socks5.hpp): negotiation, authentication and the request on the client
// connection, then CONNECT's relay or UDP ASSOCIATE's (socks5_udp.cpp). Every byte layout is
// socks5_codec's; this file decides what to do with each message.
#include <string>

#include "io/socks5_client_io.hpp"
#include "io/socks5_codec.hpp"
#include "io/socks5_udp.hpp"
#include "wgnet/relay.hpp"
#include "wgnet/socks5.hpp"

namespace wgnet {
namespace {

using namespace io::socks5;

const Endpoint kNoAddress{IpAddress::v4(0, 0, 0, 0), 0};

class Session {
 public:
  Session(Tunnel& tunnel, int client, const Socks5Options& options, int cancel_fd)
      : tunnel_(tunnel),
        client_(client),
        options_(options),
        cancel_fd_(cancel_fd),
        io_(client, cancel_fd, ClientIo::Clock::now() + options.negotiation_timeout) {}

  // The log line, without the "socks5: " prefix.
  std::string run() {
    if (!negotiate()) return outcome_;
    auto request = io_.read<Request>(parse_request);
    if (!request) return "client closed or timed out before its request";
    if (request->status == ParseStatus::kBadAddressType) {
      (void)io_.send(build_reply(Reply::kAddressTypeNotSupported, kNoAddress));
      return "request with an unknown address type; replied 0x08";
    }
    if (request->status != ParseStatus::kOk) {
      (void)io_.send(build_reply(Reply::kGeneralFailure, kNoAddress));
      return "malformed request; replied 0x01";
    }
    const Request& r = request->value;
    switch (r.command) {
      case kCommandConnect:
        return connect(r.destination);
      case kCommandUdpAssociate:
        return "UDP ASSOCIATE " +
               serve_udp_associate(tunnel_, client_, io_, r, options_, cancel_fd_);
      default:  // BIND (0x02) and anything else
        (void)io_.send(build_reply(Reply::kCommandNotSupported, kNoAddress));
        return "command " + std::to_string(r.command) + " not supported; replied 0x07";
    }
  }

 private:
  // Method negotiation and, with credentials, RFC 1929. false: the session is over (outcome_).
  bool negotiate() {
    auto greeting = io_.read<Greeting>(parse_greeting);
    if (!greeting) return fail("client closed or timed out before its greeting");
    if (greeting->status != ParseStatus::kOk) return fail("not a SOCKS5 greeting");
    const bool need_password = options_.credentials.has_value();
    const uint8_t method = choose_method(greeting->value, need_password);
    if (!io_.send(build_method_reply(method))) return fail("client went away");
    if (method == kMethodNoAcceptable) {
      return fail(need_password ? "client did not offer username/password authentication"
                                : "client did not offer no-authentication");
    }
    if (!need_password) return true;
    auto offered = io_.read<Socks5Credentials>(parse_user_pass);
    if (!offered) return fail("client closed or timed out before authenticating");
    if (offered->status != ParseStatus::kOk) {
      (void)io_.send(build_user_pass_reply(false));
      return fail("malformed username/password message");
    }
    const bool accepted = credentials_match(offered->value, *options_.credentials);
    if (!io_.send(build_user_pass_reply(accepted))) return fail("client went away");
    if (!accepted) return fail("wrong username or password for user `" + offered->value.user + "'");
    return true;
  }

  bool fail(std::string why) {
    outcome_ = std::move(why);
    return false;
  }

  std::string connect(const Address& destination) {
    const std::string what = "CONNECT " + destination.to_string();
    DialOptions dial;
    dial.timeout = options_.dial_timeout;
    // A name goes to dial_tcp as it is: the tunnel resolves it through its own DNS.
    auto connection = tunnel_.dial_tcp(destination.host_text(), destination.port, dial);
    if (!connection) {
      const Reply reply = reply_for(connection.error().code);
      (void)io_.send(build_reply(reply, kNoAddress));
      return what + " failed: " + connection.error().message + " (reply " +
             std::to_string(static_cast<int>(reply)) + ")";
    }
    if (!io_.send(build_reply(Reply::kSucceeded, connection->local))) {
      return what + ": client went away before the reply";
    }
    // Bytes the client sent right behind its request belong to the connection, first.
    if (!io_.leftover().empty()) {
      ClientIo to_remote(connection->fd.get(), cancel_fd_,
                         ClientIo::Clock::now() + options_.dial_timeout);
      if (!to_remote.send(io_.leftover())) return what + ": could not pass on early data";
    }
    RelayTotals totals = relay_streams(client_, connection->fd.get(), cancel_fd_);
    return what + " from " + connection->local.to_string() + ": " + std::to_string(totals.a_to_b) +
           " bytes up, " + std::to_string(totals.b_to_a) + " down" +
           (totals.cancelled ? " (cancelled)" : "");
  }

  Tunnel& tunnel_;
  int client_;
  const Socks5Options& options_;
  int cancel_fd_;
  ClientIo io_;
  std::string outcome_;
};

}  // namespace

void serve_socks5(Tunnel& tunnel, Fd client, const Socks5Options& options, int cancel_fd) {
  Session session(tunnel, client.get(), options, cancel_fd);
  std::string line = session.run();
  if (options.log) options.log(LogLevel::kInfo, "socks5: " + line);
}

}  // namespace wgnet
