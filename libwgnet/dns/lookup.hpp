// One name, its address records, every server: the retry state machine under a resolve
// request. Rounds over the servers in order, one try at a time: every type still unanswered
// (A, AAAA) is sent at once from one fresh UDP socket with fresh IDs; the try ends when each
// has an accepted reply or its time is up; a truncated reply is fetched again over TCP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/engine.hpp"
#include "dns/message.hpp"
#include "dns/tcp_stream.hpp"

namespace wgnet::dns {

enum class LookupStatus {
  kFound,          // at least one address
  kNxdomain,       // the name does not exist
  kNodata,         // the name exists without records of the asked types
  kServerFailure,  // only SERVFAIL/REFUSED/... replies (detail says which server)
  kNoReply,        // no usable reply from any server in any attempt
};

struct LookupOutcome {
  LookupStatus status = LookupStatus::kNoReply;
  std::vector<IpAddress> addresses;  // in answer order, the types in `qtypes` order
  std::string detail;                // the server failure or the last transport error
  std::vector<IpAddress> silent;     // servers that gave no reply at all
  bool out_of_time = false;          // the caller's deadline cut a wait short or skipped a try
};

class Lookup {
 public:
  // kInvalidArgument when `name` is not a valid domain name. Every wait ends by `deadline` when
  // there is one, and no try starts after it.
  static Result<Lookup> create(Engine& engine, Operation& owner, std::string_view name,
                               std::span<const uint16_t> qtypes, std::vector<IpAddress> servers,
                               const ResolverConfig& config,
                               std::optional<Clock::time_point> deadline);

  void start(Clock::time_point now);
  void on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
              Clock::time_point now);
  void on_tcp_data(SocketId socket, std::span<const uint8_t> bytes, Clock::time_point now);
  void on_socket_error(SocketId socket, const Error& error, Clock::time_point now);
  Clock::time_point deadline() const;
  void on_deadline(Clock::time_point now);
  void close_sockets();

  // Set when the lookup has ended.
  const std::optional<LookupOutcome>& outcome() const { return outcome_; }

 private:
  struct TypeState {
    QueryMessage query;
    bool final = false;     // NOERROR or NXDOMAIN seen: the answer for this type
    bool answered = false;  // some server replied, maybe with SERVFAIL
    unsigned rcode = 0;
    std::vector<IpAddress> addresses;
  };
  // When one wait ends: the try's own timeout, or the caller's deadline if that comes first.
  struct TryEnd {
    Clock::time_point at;
    bool capped = false;  // the caller's deadline, not the per-try timeout
  };
  struct TcpRetry {
    SocketId socket = 0;
    size_t type = 0;
    std::vector<uint8_t> truncated_wire;
    PktPtr truncated;
    TcpReplyReader reader;
    Clock::time_point end;
  };
  struct Try {
    IpAddress server;
    SocketId udp = 0;  // 0 once the UDP part is over
    TryEnd end;
    std::vector<size_t> waiting;  // types sent in this try without an accepted reply yet
    bool answered = false;
    std::vector<TcpRetry> tcp;
  };

  Lookup(Engine& engine, Operation& owner, std::vector<IpAddress> servers,
         const ResolverConfig& config, std::optional<Clock::time_point> deadline)
      : engine_(&engine),
        owner_(&owner),
        servers_(std::move(servers)),
        config_(&config),
        deadline_(deadline) {}

  TryEnd try_end(Clock::time_point now) const;
  bool passed(Clock::time_point now) const { return deadline_ && now >= *deadline_; }
  bool done() const;
  void advance(Clock::time_point now);
  void begin_try(const IpAddress& server, Clock::time_point now);
  void take_reply(size_t type, std::vector<uint8_t> wire, PktPtr packet, Clock::time_point now);
  void tcp_failed(size_t index, const std::string& message);
  std::string settle(size_t type, const ldns_pkt& reply);
  void end_udp();
  void maybe_end_try(Clock::time_point now);
  void finish(bool out_of_time);

  Engine* engine_;
  Operation* owner_;
  std::vector<IpAddress> servers_;
  const ResolverConfig* config_;
  std::optional<Clock::time_point> deadline_;
  std::vector<TypeState> states_;
  int round_ = 0;
  size_t next_server_ = 0;
  bool server_failed_ = false;
  std::string detail_;
  std::vector<IpAddress> silent_;
  bool out_of_time_ = false;
  std::optional<Try> try_;
  std::optional<LookupOutcome> outcome_;
};

}  // namespace wgnet::dns
