#include "dns/engine.hpp"

#include <algorithm>

#include "dns/query_op.hpp"
#include "dns/resolve_op.hpp"

namespace wgnet::dns {

Engine::Engine(RandomBytes random) : random_(std::move(random)) {}

Engine::~Engine() = default;

// Marks a call into the engine: finished operations are freed when the outermost call returns,
// never while one of them may still be on the stack (a completion callback that starts another
// request re-enters the engine from inside an operation).
class Engine::Entered {
 public:
  explicit Entered(Engine& engine) : engine_(engine) { ++engine_.depth_; }
  ~Entered() {
    if (--engine_.depth_ == 0) engine_.reap();
  }
  Entered(const Entered&) = delete;
  Entered& operator=(const Entered&) = delete;

 private:
  Engine& engine_;
};

void Engine::start_resolve(ResolveRequest request, Clock::time_point now, ResolveDone done) {
  add(make_resolve_op(*this, std::move(request), std::move(done)), now);
}

void Engine::start_query(QueryRequest request, Clock::time_point now, QueryDone done) {
  add(make_query_op(*this, std::move(request), std::move(done)), now);
}

void Engine::add(std::unique_ptr<Operation> op, Clock::time_point now) {
  Entered entered(*this);
  operations_.push_back(std::move(op));
  // Started through its slot: a completion callback may start another request meanwhile.
  Operation* started = operations_.back().get();
  started->start(now);
}

std::optional<Transmit> Engine::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  std::optional<Transmit> out(std::in_place, std::move(transmits_.front()));
  transmits_.pop_front();
  return out;
}

Operation* Engine::owner_of(SocketId socket) const {
  auto it = owners_.find(socket);
  return it == owners_.end() ? nullptr : it->second;
}

void Engine::on_udp(SocketId socket, const Endpoint& from, std::span<const uint8_t> datagram,
                    Clock::time_point now) {
  Entered entered(*this);
  if (Operation* op = owner_of(socket)) op->on_udp(socket, from, datagram, now);
}

void Engine::on_tcp_connected(SocketId socket, Clock::time_point now) {
  Entered entered(*this);
  if (Operation* op = owner_of(socket)) op->on_tcp_connected(socket, now);
}

void Engine::on_tcp_data(SocketId socket, std::span<const uint8_t> bytes, Clock::time_point now) {
  Entered entered(*this);
  if (Operation* op = owner_of(socket)) op->on_tcp_data(socket, bytes, now);
}

void Engine::on_socket_error(SocketId socket, const Error& error, Clock::time_point now) {
  Entered entered(*this);
  if (Operation* op = owner_of(socket)) op->on_socket_error(socket, error, now);
}

Clock::time_point Engine::next_deadline() const {
  Clock::time_point at = Clock::time_point::max();
  for (const auto& op : operations_) at = std::min(at, op->deadline());
  return at;
}

void Engine::on_deadline(Clock::time_point now) {
  Entered entered(*this);
  // By index: an operation may start another (appended) from its completion callback.
  for (size_t i = 0; i < operations_.size(); ++i) {
    if (!operations_[i]->finished() && operations_[i]->deadline() <= now) {
      operations_[i]->on_deadline(now);
    }
  }
}

void Engine::abort_all(const Error& error) {
  Entered entered(*this);
  for (size_t i = 0; i < operations_.size(); ++i) {
    if (!operations_[i]->finished()) operations_[i]->abort(error);
  }
}

SocketId Engine::open_socket(Operation* owner) {
  SocketId id = next_socket_++;
  owners_[id] = owner;
  return id;
}

void Engine::send(Transmit transmit) {
  transmits_.push_back(std::move(transmit));
}

void Engine::close_socket(SocketId socket) {
  if (owners_.erase(socket) == 0) return;
  // What was queued for it and not yet taken by the driver need not go out any more.
  std::erase_if(transmits_, [socket](const Transmit& t) { return t.socket == socket; });
  transmits_.push_back(Transmit::close(socket));
}

// Frees the operations that have finished, and any socket they left open.
void Engine::reap() {
  for (auto it = operations_.begin(); it != operations_.end();) {
    if (!(*it)->finished()) {
      ++it;
      continue;
    }
    Operation* op = it->get();
    for (auto s = owners_.begin(); s != owners_.end();) {
      SocketId socket = s->first;
      ++s;
      if (owner_of(socket) == op) close_socket(socket);
    }
    it = operations_.erase(it);
  }
}

}  // namespace wgnet::dns
