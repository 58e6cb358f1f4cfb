// The DNS client as a sans-I/O state machine, in the shape of the WireGuard core: requests in
// (resolve a name, send one query), transmissions out (poll_transmit: datagrams on fresh UDP
// sockets, TCP streams to open for a truncated reply), datagrams and stream bytes in with the
// time they arrived, and the time passed in (next_deadline / on_deadline). It never reads a
// clock, opens a socket or calls the OS: the tunnel drives it on its event loop through lwIP
// (io/dns_driver), the tests with a fake clock or over loopback.
//
//   Engine engine(random);
//   engine.start_resolve(request, now, [](Result<std::vector<IpAddress>> r) { ... });
//   while (auto t = engine.poll_transmit()) send(*t);   // after every call into the engine
//   ... engine.on_udp(socket, from, datagram, now); engine.on_deadline(now); ...
//
// Completion callbacks run inside the engine call that completed the request, after the
// engine's own state is updated; they may start new requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/query_id.hpp"
#include "dns/resolver_config.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::dns {

using Clock = std::chrono::steady_clock;
// A socket the engine asked for, named by the engine; the driver maps it to a real one.
using SocketId = uint64_t;

// What the driver is to do for the engine.
struct Transmit {
  enum class Kind {
    // Send `bytes` (one datagram) to `server` from `socket`. The first of a socket id opens it,
    // from a fresh random local port; datagrams that come back to it go to on_udp().
    kUdpSend,
    // Connect `socket` to `server` (giving up after connect_timeout) and write `bytes` once
    // connected; report on_tcp_connected, then on_tcp_data for every chunk received, or
    // on_socket_error.
    kTcpOpen,
    // The engine is done with `socket`: close it and report nothing more about it.
    kClose,
  };
  Kind kind = Kind::kClose;
  SocketId socket = 0;
  Endpoint server;
  std::vector<uint8_t> bytes;
  std::chrono::milliseconds connect_timeout{0};

  static Transmit udp_send(SocketId socket, const Endpoint& server, std::vector<uint8_t> datagram) {
    return {Kind::kUdpSend, socket, server, std::move(datagram), {}};
  }
  static Transmit tcp_open(SocketId socket, const Endpoint& server,
                           std::chrono::milliseconds connect_timeout, std::vector<uint8_t> stream) {
    return {Kind::kTcpOpen, socket, server, std::move(stream), connect_timeout};
  }
  static Transmit close(SocketId socket) { return {Kind::kClose, socket, {}, {}, {}}; }
};

// Resolve: the A/AAAA records of a name, through the search list, over `config.servers`.
struct ResolveRequest {
  std::string name;
  AddressFamily family = AddressFamily::kAny;
  ResolverConfig config;
  std::optional<Clock::time_point> deadline;  // the caller's budget (see resolve_op.hpp)
  // What the caller allowed, for messages ("within the 300 ms allowed"); without it, the time
  // from the request's start to the deadline. The caller knows it best: its request may reach
  // a busy loop some milliseconds later.
  std::optional<std::chrono::milliseconds> allowed;
};
using ResolveDone = std::function<void(Result<std::vector<IpAddress>>)>;

// One prepared query (wg-dig) to one server: the reply whatever its RCODE.
struct QueryRequest {
  Endpoint server;
  std::vector<uint8_t> query;  // a DNS query message with one question; its ID is renewed
  DnsQueryOptions options;
};
using QueryDone = std::function<void(Result<DnsReply>)>;

class Operation;

class Engine {
 public:
  explicit Engine(RandomBytes random);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Errors: see resolve_op.hpp. Completes at once (inside this call) when no query is needed.
  void start_resolve(ResolveRequest request, Clock::time_point now, ResolveDone done);
  void start_query(QueryRequest request, Clock::time_point now, QueryDone done);

  std::optional<Transmit> poll_transmit();

  void on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
              Clock::time_point now);
  void on_tcp_connected(SocketId socket, Clock::time_point now);
  void on_tcp_data(SocketId socket, std::span<const uint8_t> bytes, Clock::time_point now);
  // The socket failed (send error, refused, connect timeout, peer closed the stream).
  void on_socket_error(SocketId socket, const Error& error, Clock::time_point now);

  // The earliest time on_deadline() has something to do; time_point::max() for none.
  Clock::time_point next_deadline() const;
  void on_deadline(Clock::time_point now);

  // Ends every request with `error` (the tunnel is closing) and closes their sockets.
  void abort_all(const Error& error);

  size_t active() const { return operations_.size(); }
  size_t open_sockets() const { return owners_.size(); }

  // ---- for operations ----
  SocketId open_socket(Operation* owner);
  void send(Transmit transmit);
  void close_socket(SocketId socket);
  const RandomBytes& random() const { return random_; }

 private:
  class Entered;
  void add(std::unique_ptr<Operation> op, Clock::time_point now);
  Operation* owner_of(SocketId socket) const;
  void reap();

  RandomBytes random_;
  std::vector<std::unique_ptr<Operation>> operations_;
  std::map<SocketId, Operation*> owners_;
  std::deque<Transmit> transmits_;
  SocketId next_socket_ = 1;
  int depth_ = 0;
};

// What every request is inside the engine.
class Operation {
 public:
  explicit Operation(Engine& engine) : engine_(engine) {}
  virtual ~Operation() = default;
  virtual void start(Clock::time_point now) = 0;
  virtual void on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
                      Clock::time_point now) = 0;
  virtual void on_tcp_connected(SocketId socket, Clock::time_point now) = 0;
  virtual void on_tcp_data(SocketId socket, std::span<const uint8_t> bytes,
                           Clock::time_point now) = 0;
  virtual void on_socket_error(SocketId socket, const Error& error, Clock::time_point now) = 0;
  virtual Clock::time_point deadline() const = 0;
  virtual void on_deadline(Clock::time_point now) = 0;
  virtual void abort(const Error& error) = 0;
  // Set once the result is out; the engine then frees the operation.
  bool finished() const { return finished_; }

 protected:
  Engine& engine_;
  bool finished_ = false;
};

}  // namespace wgnet::dns
