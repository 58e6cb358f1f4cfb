// Listening TCP and unconnected UDP sockets on the tunnel: the objects a caller thread holds,
// fed by callbacks that run on the event loop; and listen_udp_first's flow.

#include <atomic>
#include <cerrno>
#include <cstring>

#include "io/handoff_queue.hpp"
#include "io/loop_call.hpp"
#include "io/tunnel_impl.hpp"
#include "io/tunnel_link.hpp"

namespace wgnet::io {

namespace {

using std::chrono::milliseconds;

// The part both handles share: the link to the tunnel, the id of the stack's binding, the queue,
// and closing once.
template <class T>
class QueueHandle {
 public:
  QueueHandle(std::shared_ptr<TunnelLink> link, uint32_t id, Endpoint local,
              std::shared_ptr<HandoffQueue<T>> queue)
      : link_(std::move(link)), id_(id), local_(local), queue_(std::move(queue)) {}

  // Waits for the next item; the errors name `what` ("connection to 10.0.0.1:80").
  Result<T> next(milliseconds timeout, const std::string& call, const std::string& what) {
    if (link_->on_loop_thread()) return called_on_loop_thread(call);
    T item;
    switch (queue_->pop(timeout, item)) {
      case HandoffQueue<T>::Status::kItem:
        return item;
      case HandoffQueue<T>::Status::kTimeout:
        return make_error(ErrorCode::kTimeout, "no " + what + " within the timeout");
      case HandoffQueue<T>::Status::kClosed:
        break;
    }
    if (!link_->is_open()) return TunnelLink::closed_error();
    return make_error(ErrorCode::kClosed, local_.to_string() + " has been closed");
  }

  // Wakes waiters first, then gives the binding back to the stack (if the tunnel is still open).
  template <class Unbind>
  void close_once(Unbind unbind) {
    queue_->close();
    if (closed_.exchange(true)) return;
    (void)link_->on_stack([&](NetstackHost& stack) -> Result<void> {
      unbind(stack, id_);
      return {};
    });
  }

  const std::shared_ptr<TunnelLink>& link() const { return link_; }
  uint32_t id() const { return id_; }
  Endpoint local() const { return local_; }
  int fd() const { return queue_->fd(); }

 private:
  std::shared_ptr<TunnelLink> link_;
  uint32_t id_;
  Endpoint local_;
  std::shared_ptr<HandoffQueue<T>> queue_;
  std::atomic<bool> closed_{false};
};

class TunnelTcpListener final : public TcpListener {
 public:
  template <class... Args>
  explicit TunnelTcpListener(Args&&... args) : handle_(std::forward<Args>(args)...) {}
  ~TunnelTcpListener() override { close(); }
  Endpoint local() const override { return handle_.local(); }
  Result<Connection> accept(milliseconds timeout) override {
    return handle_.next(timeout, "accept", "connection to " + local().to_string());
  }
  int fd() const override { return handle_.fd(); }
  void close() override {
    handle_.close_once([](NetstackHost& stack, uint32_t id) { stack.close_listener(id); });
  }

 private:
  QueueHandle<Connection> handle_;
};

struct Datagram {
  Endpoint from;
  std::vector<uint8_t> data;
};

class TunnelUdpSocket final : public UdpSocket {
 public:
  template <class... Args>
  explicit TunnelUdpSocket(Args&&... args) : handle_(std::forward<Args>(args)...) {}
  ~TunnelUdpSocket() override { close(); }
  Endpoint local() const override { return handle_.local(); }
  Result<size_t> recv_from(std::span<uint8_t> buf, Endpoint& from, milliseconds timeout) override {
    auto d = handle_.next(timeout, "recv_from", "datagram to " + local().to_string());
    if (!d) return d.error();
    from = d->from;
    size_t n = std::min(buf.size(), d->data.size());
    std::copy_n(d->data.begin(), n, buf.begin());
    return n;
  }
  Result<void> send_to(std::span<const uint8_t> data, const Endpoint& to) override {
    if (closed_) return make_error(ErrorCode::kClosed, local().to_string() + " has been closed");
    return handle_.link()->on_stack(
        [&](NetstackHost& stack) { return stack.udp_send_to(handle_.id(), to, data); });
  }
  int fd() const override { return handle_.fd(); }
  void close() override {
    closed_ = true;
    handle_.close_once([](NetstackHost& stack, uint32_t id) { stack.close_udp(id); });
  }

 private:
  QueueHandle<Datagram> handle_;
  std::atomic<bool> closed_{false};
};

// Datagrams queued for a caller that has not read them yet; more are dropped, as a kernel
// socket's full receive buffer would.
constexpr size_t kUdpQueueLimit = 1024;
constexpr size_t kAcceptBacklog = 128;

// A new queue watched by the tunnel's link; an error if no eventfd could be had.
template <class T>
Result<std::shared_ptr<HandoffQueue<T>>> make_queue(TunnelLink& link, size_t limit) {
  auto queue = std::make_shared<HandoffQueue<T>>(limit);
  if (!queue->pollable())
    return make_error(ErrorCode::kIo, std::string("eventfd: ") + std::strerror(errno));
  link.watch(queue);
  return queue;
}

}  // namespace

Result<std::unique_ptr<TcpListener>> TunnelImpl::listen_tcp(const std::string& address,
                                                            uint16_t port) {
  auto ip = local_address_for(address);
  if (!ip) return ip.error();
  auto made = make_queue<Connection>(*link_, kAcceptBacklog);
  if (!made) return made.error();
  auto queue = std::move(*made);
  Endpoint bound;
  auto id = call_on_loop(*loop_, [&] {
    return netstack_->listen_tcp(
        Endpoint{*ip, port}, [queue](Connection conn) { queue->push(std::move(conn)); }, &bound);
  });
  if (!id) return id.error();
  log(LogLevel::kDebug, "listening on " + bound.to_string());
  return std::unique_ptr<TcpListener>(
      std::make_unique<TunnelTcpListener>(link_, *id, bound, queue));
}

Result<std::unique_ptr<UdpSocket>> TunnelImpl::bind_udp(const std::string& address, uint16_t port) {
  auto ip = local_address_for(address);
  if (!ip) return ip.error();
  auto made = make_queue<Datagram>(*link_, kUdpQueueLimit);
  if (!made) return made.error();
  auto queue = std::move(*made);
  Endpoint bound;
  auto id = call_on_loop(*loop_, [&] {
    return netstack_->bind_udp(
        Endpoint{*ip, port},
        [queue](const Endpoint& from, std::span<const uint8_t> data) {
          queue->push(Datagram{from, {data.begin(), data.end()}});
        },
        &bound);
  });
  if (!id) return id.error();
  return std::unique_ptr<UdpSocket>(std::make_unique<TunnelUdpSocket>(link_, *id, bound, queue));
}

// nc -u -l: the first datagram's sender becomes the only remote. The stack turns the binding
// into a flow like dial_udp's from inside that datagram's callback, so nothing from anyone else
// slips in between and the first datagram is the first message the caller reads.
Result<Connection> TunnelImpl::listen_udp_first(const std::string& address, uint16_t port,
                                                milliseconds timeout) {
  if (link_->on_loop_thread()) return called_on_loop_thread("listen_udp_first");
  auto ip = local_address_for(address);
  if (!ip) return ip.error();
  auto made = make_queue<Result<Connection>>(*link_, 1);
  if (!made) return made.error();
  auto flow = std::move(*made);
  auto binding = std::make_shared<uint32_t>(0);  // set on the loop before any datagram can come
  Endpoint bound;
  auto id = call_on_loop(*loop_, [&]() -> Result<uint32_t> {
    auto made_id = netstack_->bind_udp(
        Endpoint{*ip, port},
        [stack = netstack_.get(), flow, binding](const Endpoint& from,
                                                 std::span<const uint8_t> data) {
          // If the caller gave up (flow closed), the push fails and the flow ends with it.
          flow->push(stack->connect_udp(*binding, from, data));
        },
        &bound);
    if (made_id) *binding = *made_id;
    return made_id;
  });
  if (!id) return id.error();
  log(LogLevel::kDebug, "listening on " + bound.to_string() + " (UDP)");

  Result<Connection> conn = TunnelLink::closed_error();
  switch (flow->pop(timeout, conn)) {
    case HandoffQueue<Result<Connection>>::Status::kItem:
      return conn;
    case HandoffQueue<Result<Connection>>::Status::kTimeout:
      flow->close();
      call_on_loop(*loop_, [&] { netstack_->close_udp(*id); });  // no-op if it became a flow
      return make_error(ErrorCode::kTimeout, "no datagram to " + bound.to_string() + " in time");
    case HandoffQueue<Result<Connection>>::Status::kClosed:
      break;
  }
  return TunnelLink::closed_error();
}

}  // namespace wgnet::io
