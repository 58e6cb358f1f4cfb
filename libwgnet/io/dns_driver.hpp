// The DNS engine (dns/engine.hpp) on the tunnel's event loop: its datagrams go through lwIP UDP
// pcbs the loop owns (one per try, from a random port), a TCP retry through the netstack's TCP,
// its deadlines through a loop timer. Callers block on a future the loop fulfils; the engine
// bounds every request by its own deadlines. No thread and no file descriptor per lookup (a
// TCP retry after a truncated reply uses the connection's socketpair while it lasts).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "dns/engine.hpp"
#include "io/event_loop.hpp"
#include "io/netstack_host.hpp"
#include "wgnet/fd.hpp"

namespace wgnet::io {

class DnsDriver {
 public:
  using Routable = std::function<bool(const IpAddress&)>;
  // On the loop thread (or before it runs). `routable`: whether a peer's AllowedIPs cover a
  // server (one that none covers fails at once instead of waiting for its timeout).
  DnsDriver(EventLoop& loop, NetstackHost& netstack, Routable routable);
  // On the loop thread or after it stopped: requests still running end with kClosed.
  ~DnsDriver();
  DnsDriver(const DnsDriver&) = delete;
  DnsDriver& operator=(const DnsDriver&) = delete;

  // Caller threads: block until the engine completes the request.
  Result<std::vector<IpAddress>> resolve(dns::ResolveRequest request);
  Result<DnsReply> query(dns::QueryRequest request);

  size_t open_sockets() const { return udp_.size() + tcp_.size(); }  // loop thread

 private:
  struct TcpSocket {
    Fd fd;  // invalid while connecting
  };
  void pump();
  void udp_send(const dns::Transmit& t);
  void tcp_open(const dns::Transmit& t);
  void close(dns::SocketId socket);
  void on_tcp_readable(dns::SocketId socket);

  EventLoop& loop_;
  NetstackHost& netstack_;
  Routable routable_;
  dns::Engine engine_;
  EventLoop::TimerId timer_ = 0;
  std::map<dns::SocketId, uint32_t> udp_;  // netstack UDP binding ids
  std::map<dns::SocketId, TcpSocket> tcp_;
  std::vector<uint8_t> buffer_;
  // Expires with the driver: a TCP dial the netstack completes later (kClosed when the stack
  // is torn down after us) then finds no driver to report to.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wgnet::io
