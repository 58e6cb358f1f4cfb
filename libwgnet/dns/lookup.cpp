#include "dns/lookup.hpp"

#include <algorithm>

namespace wgnet::dns {
namespace {

using std::chrono::milliseconds;

// "DNS server X: <what went wrong>", unless the message already names the server.
std::string about(const IpAddress& server, const std::string& message) {
  std::string who = server.to_string();
  if (message.find(who) != std::string::npos) return message;
  return "DNS server " + who + ": " + message;
}

}  // namespace

Result<Lookup> Lookup::create(Engine& engine, Operation& owner, std::string_view name,
                              std::span<const uint16_t> qtypes, std::vector<IpAddress> servers,
                              const ResolverConfig& config,
                              std::optional<Clock::time_point> deadline) {
  Lookup lookup(engine, owner, std::move(servers), config, deadline);
  for (uint16_t qtype : qtypes) {
    // No EDNS: a stub asking for addresses rarely needs more than 512 bytes, and TC handles
    // the rest; some middleboxes still drop OPT records.
    QuerySpec spec;
    spec.qtype = qtype;
    auto query = build_query(name, spec, engine.random());
    if (!query) return query.error();
    TypeState state;
    state.query = std::move(*query);
    lookup.states_.push_back(std::move(state));
  }
  return lookup;
}

Lookup::TryEnd Lookup::try_end(Clock::time_point now) const {
  Clock::time_point own = now + config_->timeout;
  if (deadline_ && *deadline_ < own) return TryEnd{*deadline_, true};
  return TryEnd{own, false};
}

// Enough to stop asking: every type got a final answer, or some addresses are known and the
// types without them were at least answered (with a failure) rather than waiting on a timeout.
bool Lookup::done() const {
  bool any_address = false;
  bool all_final = true;
  bool all_answered = true;
  for (const TypeState& s : states_) {
    any_address = any_address || !s.addresses.empty();
    all_final = all_final && s.final;
    all_answered = all_answered && s.answered;
  }
  return all_final || (any_address && all_answered);
}

void Lookup::start(Clock::time_point now) {
  advance(now);
}

// Starts the next try, or ends the lookup when there is none to start.
void Lookup::advance(Clock::time_point now) {
  int attempts = std::max(1, config_->attempts);
  while (!outcome_ && !try_) {
    if (done()) return finish(false);
    if (out_of_time_ || round_ >= attempts) return finish(out_of_time_);
    if (next_server_ >= servers_.size()) {
      ++round_;
      next_server_ = 0;
      continue;
    }
    if (passed(now)) {
      out_of_time_ = true;
      continue;
    }
    begin_try(servers_[next_server_++], now);
  }
}

void Lookup::begin_try(const IpAddress& server, Clock::time_point now) {
  Try t;
  t.server = server;
  t.end = try_end(now);
  t.udp = engine_->open_socket(owner_);
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i].final) continue;
    renew_id(states_[i].query, engine_->random());  // a fresh ID per try, and a fresh port
    t.waiting.push_back(i);
    engine_->send(
        Transmit::udp_send(t.udp, Endpoint{server, config_->port}, states_[i].query.wire));
  }
  try_ = std::move(t);
}

void Lookup::on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
                    Clock::time_point now) {
  if (!try_ || try_->udp != socket) return;
  // Only the server asked, from the port asked: anything else is an off-path guess.
  if (from != Endpoint{try_->server, config_->port}) return;
  auto& waiting = try_->waiting;
  for (auto it = waiting.begin(); it != waiting.end(); ++it) {
    CheckedReply checked = check_reply(states_[*it].query, datagram);
    if (checked.verdict != ReplyVerdict::kAccepted) continue;
    size_t type = *it;
    waiting.erase(it);
    try_->answered = true;
    take_reply(type, {datagram.begin(), datagram.end()}, std::move(checked.packet), now);
    break;
  }
  if (waiting.empty()) end_udp();
  maybe_end_try(now);
}

void Lookup::take_reply(size_t type, std::vector<uint8_t> wire, PktPtr packet,
                        Clock::time_point now) {
  TypeState& state = states_[type];
  state.answered = true;
  if (!ldns_pkt_tc(packet.get())) {
    std::string failure = settle(type, *packet);
    if (!failure.empty()) {
      server_failed_ = true;
      detail_ = std::move(failure);
    }
    return;
  }
  // The TCP retry of a truncated reply, within one try's time of its own.
  renew_id(state.query, engine_->random());
  TcpRetry retry;
  retry.type = type;
  retry.truncated_wire = std::move(wire);
  retry.truncated = std::move(packet);
  retry.end = try_end(now).at;
  auto left = std::chrono::ceil<milliseconds>(retry.end - now);
  try_->tcp.push_back(std::move(retry));
  // A zero connect timeout could mean "none" to the driver: never pass one.
  if (left <= milliseconds::zero()) return tcp_failed(try_->tcp.size() - 1, "no time left");
  TcpRetry& r = try_->tcp.back();
  r.socket = engine_->open_socket(owner_);
  engine_->send(Transmit::tcp_open(r.socket, Endpoint{try_->server, config_->port}, left,
                                   frame_for_tcp(state.query.wire)));
}

// Records a usable reply for `type`; returns the failure detail when it is not usable.
std::string Lookup::settle(size_t type, const ldns_pkt& reply) {
  TypeState& state = states_[type];
  unsigned rcode = ldns_pkt_get_rcode(&reply);
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    return "DNS server " + try_->server.to_string() + " answered " + rcode_name(rcode);
  }
  state.final = true;
  state.rcode = rcode;
  state.addresses = answer_addresses(reply, *state.query.qname, state.query.qtype);
  return {};
}

void Lookup::tcp_failed(size_t index, const std::string& message) {
  TcpRetry retry = std::move(try_->tcp[index]);
  try_->tcp.erase(try_->tcp.begin() + static_cast<std::ptrdiff_t>(index));
  if (retry.socket != 0) engine_->close_socket(retry.socket);
  const TypeState& state = states_[retry.type];
  std::string failure;
  if (answer_addresses(*retry.truncated, *state.query.qname, state.query.qtype).empty()) {
    failure = "DNS server " + try_->server.to_string() +
              " sent a truncated reply and the TCP retry failed: " + message;
  } else {
    failure = settle(retry.type, *retry.truncated);  // what the truncated reply holds
  }
  if (!failure.empty()) {
    server_failed_ = true;
    detail_ = std::move(failure);
  }
}

void Lookup::on_tcp_data(SocketId socket, std::span<const uint8_t> bytes, Clock::time_point now) {
  if (!try_) return;
  auto& tcp = try_->tcp;
  auto it =
      std::find_if(tcp.begin(), tcp.end(), [&](const TcpRetry& r) { return r.socket == socket; });
  if (it == tcp.end()) return;
  auto reply = it->reader.feed(states_[it->type].query, bytes);
  if (!reply) return;
  size_t type = it->type;
  engine_->close_socket(socket);
  tcp.erase(it);
  std::string failure = settle(type, *reply->packet);
  if (!failure.empty()) {
    server_failed_ = true;
    detail_ = std::move(failure);
  }
  maybe_end_try(now);
}

void Lookup::on_socket_error(SocketId socket, const Error& error, Clock::time_point now) {
  if (!try_) return;
  if (socket == try_->udp) {
    // The socket itself failed (no route, the tunnel is gone): on to the next server at once.
    detail_ = about(try_->server, error.message);
    end_udp();
    try_->answered = true;  // not silent: it could not be asked
    for (size_t i = try_->tcp.size(); i-- > 0;) tcp_failed(i, error.message);
    try_.reset();
    return advance(now);
  }
  auto& tcp = try_->tcp;
  for (size_t i = 0; i < tcp.size(); ++i) {
    if (tcp[i].socket != socket) continue;
    tcp[i].socket = 0;  // the driver has closed it
    engine_->close_socket(socket);
    tcp_failed(i, error.message);
    break;
  }
  maybe_end_try(now);
}

Clock::time_point Lookup::deadline() const {
  if (!try_) return Clock::time_point::max();
  Clock::time_point at = try_->udp != 0 ? try_->end.at : Clock::time_point::max();
  for (const TcpRetry& r : try_->tcp) at = std::min(at, r.end);
  return at;
}

void Lookup::on_deadline(Clock::time_point now) {
  if (!try_) return;
  for (size_t i = try_->tcp.size(); i-- > 0;) {
    if (try_->tcp[i].end <= now) tcp_failed(i, "no complete DNS reply over TCP in time");
  }
  if (try_->udp != 0 && try_->end.at <= now) end_udp();
  maybe_end_try(now);
}

void Lookup::end_udp() {
  if (try_->udp == 0) return;
  engine_->close_socket(try_->udp);
  try_->udp = 0;
}

void Lookup::maybe_end_try(Clock::time_point now) {
  if (!try_ || try_->udp != 0 || !try_->tcp.empty()) return;
  if (!try_->answered && std::find(silent_.begin(), silent_.end(), try_->server) == silent_.end()) {
    silent_.push_back(try_->server);
  }
  // A wait the deadline cut short: this try did not get its full time, and no other will.
  if (try_->end.capped && !done() && passed(now)) out_of_time_ = true;
  try_.reset();
  advance(now);
}

void Lookup::close_sockets() {
  if (!try_) return;
  end_udp();
  for (TcpRetry& r : try_->tcp) {
    if (r.socket != 0) engine_->close_socket(r.socket);
  }
  try_.reset();
}

void Lookup::finish(bool out_of_time) {
  close_sockets();
  LookupOutcome out;
  out.detail = detail_;
  out.silent = silent_;
  out.out_of_time = out_of_time && !done();
  bool all_final = true;
  bool nxdomain = false;
  for (const TypeState& s : states_) {
    out.addresses.insert(out.addresses.end(), s.addresses.begin(), s.addresses.end());
    all_final = all_final && s.final;
    nxdomain = nxdomain || (s.final && s.rcode == LDNS_RCODE_NXDOMAIN);
  }
  if (!out.addresses.empty()) {
    out.status = LookupStatus::kFound;
  } else if (all_final) {
    out.status = nxdomain ? LookupStatus::kNxdomain : LookupStatus::kNodata;
  } else {
    out.status = server_failed_ ? LookupStatus::kServerFailure : LookupStatus::kNoReply;
  }
  outcome_ = std::move(out);
}

}  // namespace wgnet::dns
