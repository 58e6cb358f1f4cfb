#include "dns/lookup.hpp"

#include <algorithm>

#include "dns/exchange.hpp"

namespace wgnet::dns {
namespace {

using Deadline = std::optional<Clock::time_point>;
using std::chrono::milliseconds;

// When one wait ends: the try's own timeout, or the caller's deadline if that comes first.
struct TryEnd {
  Clock::time_point at;
  bool capped = false;  // the caller's deadline, not the per-try timeout
};

TryEnd try_end(const ResolverConfig& config, Deadline deadline) {
  Clock::time_point own = Clock::now() + config.timeout;
  if (deadline && *deadline < own) return TryEnd{*deadline, true};
  return TryEnd{own, false};
}

bool passed(Deadline deadline) {
  return deadline && Clock::now() >= *deadline;
}

struct TypeState {
  QueryMessage query;
  bool final = false;     // NOERROR or NXDOMAIN seen: the answer for this type
  bool answered = false;  // some server replied, maybe with SERVFAIL
  unsigned rcode = 0;
  std::vector<IpAddress> addresses;
};

// "DNS server X: <what went wrong>", unless the message already names the server.
std::string about(const IpAddress& server, const std::string& message) {
  std::string who = server.to_string();
  if (message.find(who) != std::string::npos) return message;
  return "DNS server " + who + ": " + message;
}

// The TCP retry of a truncated UDP reply: connect and exchange within one try's time.
Result<AcceptedReply> retry_over_tcp(QueryMessage& query, const IpAddress& server,
                                     const ResolverConfig& config, Transport& transport,
                                     Deadline deadline) {
  renew_id(query);
  TryEnd end = try_end(config, deadline);
  auto left = std::chrono::ceil<milliseconds>(end.at - Clock::now());
  // A zero connect timeout could mean "none" to the transport: never pass one.
  if (left <= milliseconds::zero()) return make_error(ErrorCode::kTimeout, "no time left");
  auto fd = transport.open_tcp(server, config.port, left);
  if (!fd) return fd.error();
  return tcp_exchange(fd->get(), query, end.at);
}

// Records one accepted reply into `state`; returns the failure detail when it is not usable.
std::string take_reply(TypeState& state, AcceptedReply reply, const IpAddress& server,
                       const ResolverConfig& config, Transport& transport, Deadline deadline) {
  state.answered = true;
  if (ldns_pkt_tc(reply.packet.get())) {
    auto full = retry_over_tcp(state.query, server, config, transport, deadline);
    if (full) {
      reply = std::move(*full);
    } else if (answer_addresses(*reply.packet, *state.query.qname, state.query.qtype).empty()) {
      return "DNS server " + server.to_string() +
             " sent a truncated reply and the TCP retry failed: " + full.error().message;
    }
  }
  unsigned rcode = ldns_pkt_get_rcode(reply.packet.get());
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    return "DNS server " + server.to_string() + " answered " + rcode_name(rcode);
  }
  state.final = true;
  state.rcode = rcode;
  state.addresses = answer_addresses(*reply.packet, *state.query.qname, state.query.qtype);
  return {};
}

LookupOutcome summarize(const std::vector<TypeState>& states, bool server_failed,
                        std::string detail, std::vector<IpAddress> silent, bool out_of_time) {
  LookupOutcome out;
  out.detail = std::move(detail);
  out.silent = std::move(silent);
  out.out_of_time = out_of_time;
  bool all_final = true;
  bool nxdomain = false;
  for (const TypeState& s : states) {
    out.addresses.insert(out.addresses.end(), s.addresses.begin(), s.addresses.end());
    all_final = all_final && s.final;
    nxdomain = nxdomain || (s.final && s.rcode == LDNS_RCODE_NXDOMAIN);
  }
  if (!out.addresses.empty()) {
    out.status = LookupStatus::kFound;
  } else if (all_final) {
    out.status = nxdomain ? LookupStatus::kNxdomain : LookupStatus::kNodata;
  } else {
    out.status = server_failed ? LookupStatus::kServerFailure : LookupStatus::kNoReply;
  }
  return out;
}

// Enough to stop asking: every type got a final answer, or some addresses are known and the
// types without them were at least answered (with a failure) rather than waiting on a timeout.
bool done(const std::vector<TypeState>& states) {
  bool any_address = false;
  bool all_final = true;
  bool all_answered = true;
  for (const TypeState& s : states) {
    any_address = any_address || !s.addresses.empty();
    all_final = all_final && s.final;
    all_answered = all_answered && s.answered;
  }
  return all_final || (any_address && all_answered);
}

}  // namespace

Result<LookupOutcome> lookup_addresses(std::string_view name, std::span<const uint16_t> qtypes,
                                       const std::vector<IpAddress>& servers,
                                       const ResolverConfig& config, Transport& transport,
                                       Deadline deadline) {
  std::vector<TypeState> states;
  for (uint16_t qtype : qtypes) {
    // No EDNS: a stub asking for addresses rarely needs more than 512 bytes, and TC handles
    // the rest; some middleboxes still drop OPT records.
    QuerySpec spec;
    spec.qtype = qtype;
    auto query = build_query(name, spec);
    if (!query) return query.error();
    TypeState state;
    state.query = std::move(*query);
    states.push_back(std::move(state));
  }
  bool server_failed = false;
  std::string detail;
  std::vector<IpAddress> silent;
  bool out_of_time = false;
  int attempts = std::max(1, config.attempts);
  for (int round = 0; round < attempts && !out_of_time; ++round) {
    for (const IpAddress& server : servers) {
      if (done(states)) return summarize(states, server_failed, detail, silent, false);
      if (passed(deadline)) {
        out_of_time = true;
        break;
      }
      std::vector<const QueryMessage*> pending;
      std::vector<TypeState*> pending_states;
      for (TypeState& s : states) {
        if (s.final) continue;
        renew_id(s.query);  // a fresh ID per try, as well as the fresh source port
        pending.push_back(&s.query);
        pending_states.push_back(&s);
      }

      auto fd = transport.open_udp(server, config.port);
      if (!fd) {
        detail = about(server, fd.error().message);
        continue;
      }
      std::vector<std::optional<AcceptedReply>> replies;
      TryEnd end = try_end(config, deadline);
      auto sent = udp_exchange(fd->get(), pending, end.at, replies);
      if (!sent) {
        detail = about(server, sent.error().message);
        continue;
      }
      bool answered = false;
      for (size_t i = 0; i < replies.size(); ++i) {
        if (!replies[i]) continue;
        answered = true;
        std::string failure = take_reply(*pending_states[i], std::move(*replies[i]), server, config,
                                         transport, deadline);
        if (!failure.empty()) {
          server_failed = true;
          detail = std::move(failure);
        }
      }
      if (!answered && std::find(silent.begin(), silent.end(), server) == silent.end()) {
        silent.push_back(server);
      }
      // A wait the deadline cut short: this try did not get its full time, and no other will.
      if (end.capped && !done(states) && passed(deadline)) out_of_time = true;
    }
  }
  return summarize(states, server_failed, detail, silent, out_of_time && !done(states));
}

}  // namespace wgnet::dns
