// The agent's answers: each request is run on the agent's Tunnel and its result (or its error,
// code and message unchanged) sent back. Listeners, UDP sockets and pingers live as long as
// their connection: records flow on a SOCK_SEQPACKET channel handed to the client, requests on
// the connection, and its end-of-file closes them.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "agent/protocol.hpp"
#include "agent/server.hpp"

namespace wgnet::agent {

namespace {

using std::chrono::milliseconds;

void reply_error(int conn, const Error& e) {
  (void)send_frame(conn, op(Op::kError), Writer().error(e));
}

void reply_ok(int conn, const Writer& w = Writer(), std::span<const int> fds = {}) {
  (void)send_frame(conn, op(Op::kOk), w, fds);
}

void reply_connection(int conn, Result<Connection>& c) {
  if (!c) return reply_error(conn, c.error());
  int fd = c->fd.get();
  reply_ok(conn, Writer().endpoint(c->local).endpoint(c->remote), {&fd, 1});
}

Error bad_request() {
  return make_error(ErrorCode::kInternal, "agent protocol: malformed request");
}

// A SOCK_SEQPACKET pair: [0] stays with the agent, [1] goes to the client.
Result<std::pair<Fd, Fd>> make_channel() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return make_error(ErrorCode::kIo, std::string("socketpair: ") + std::strerror(errno));
  return std::pair<Fd, Fd>{Fd(sv[0]), Fd(sv[1])};
}

// Polls the object's fd (or none: -1), the connection and the channel's far end.
struct Readiness {
  bool object = false;
  bool conn = false;
  bool hangup = false;
};
Readiness wait_ready(int object_fd, int conn, int channel, int timeout_ms) {
  pollfd fds[3] = {{conn, POLLIN, 0}, {channel, 0, 0}, {object_fd, POLLIN, 0}};
  int n = ::poll(fds, object_fd >= 0 ? 3 : 2, timeout_ms);
  Readiness r;
  if (n <= 0) return r;
  r.conn = fds[0].revents != 0;
  r.hangup = (fds[1].revents & (POLLHUP | POLLERR)) != 0;
  r.object = object_fd >= 0 && fds[2].revents != 0;
  return r;
}

void serve_listener(int conn, TcpListener& listener, int channel) {
  for (;;) {
    auto ready = wait_ready(listener.fd(), conn, channel, -1);
    if (ready.hangup) break;
    if (ready.conn) {
      (void)recv_frame(conn);  // nothing is asked on a listener: any frame or EOF closes it
      break;
    }
    if (!ready.object) continue;
    auto c = listener.accept(milliseconds{1});
    if (!c) {
      if (c.error().code == ErrorCode::kTimeout) continue;
      (void)send_frame(channel, op(Op::kChannelError), Writer().error(c.error()));
      break;
    }
    int fd = c->fd.get();
    if (!send_frame(channel, op(Op::kAccepted), Writer().endpoint(c->local).endpoint(c->remote),
                    {&fd, 1}))
      break;
  }
  listener.close();
}

void serve_udp(int conn, UdpSocket& socket, int channel) {
  std::vector<uint8_t> buf(65536);
  for (;;) {
    auto ready = wait_ready(socket.fd(), conn, channel, -1);
    if (ready.hangup) break;
    if (ready.object) {
      Endpoint from;
      auto n = socket.recv_from(buf, from, milliseconds{1});
      if (!n && n.error().code != ErrorCode::kTimeout) {
        (void)send_frame(channel, op(Op::kChannelError), Writer().error(n.error()));
        break;
      }
      // A client that does not read loses datagrams, as a full socket buffer does.
      if (n)
        (void)send_frame(channel, op(Op::kDatagram),
                         Writer().endpoint(from).bytes({buf.data(), *n}), {}, true);
    }
    if (ready.conn) {
      auto f = recv_frame(conn);
      if (!f) break;
      auto r = f->reader();
      Endpoint to = r.endpoint();
      auto data = r.bytes();
      if (f->op != op(Op::kSendTo) || !r.at_end()) {
        reply_error(conn, bad_request());
        break;
      }
      auto sent = socket.send_to(data, to);
      if (sent)
        reply_ok(conn);
      else
        reply_error(conn, sent.error());
    }
  }
  socket.close();
}

void serve_pinger(int conn, Pinger& pinger, int channel) {
  // Pinger has no descriptor to poll: a thread of its own waits for replies.
  std::atomic<bool> done{false};
  std::thread replies([&] {
    while (!done) {
      auto reply = pinger.receive(milliseconds{100});
      if (!reply) {
        if (reply.error().code == ErrorCode::kTimeout) continue;
        (void)send_frame(channel, op(Op::kChannelError), Writer().error(reply.error()));
        break;
      }
      Writer w;
      put_ping_reply(w, *reply);
      (void)send_frame(channel, op(Op::kPingReply), w, {}, true);
    }
  });
  for (;;) {
    auto ready = wait_ready(-1, conn, channel, -1);
    if (ready.hangup) break;
    if (!ready.conn) continue;
    auto f = recv_frame(conn);
    if (!f) break;
    auto r = f->reader();
    uint16_t seq = r.u16();
    uint64_t size = r.u64();
    if (f->op != op(Op::kPingSend) || !r.at_end()) {
      reply_error(conn, bad_request());
      break;
    }
    auto sent = pinger.send(seq, static_cast<size_t>(size));
    if (sent)
      reply_ok(conn);
    else
      reply_error(conn, sent.error());
  }
  done = true;
  replies.join();
}

// Runs one request; false when the connection is done (it became a channel, or must close).
bool handle(AgentServer& server, int conn, const Frame& f) {
  Tunnel& tunnel = server.tunnel();
  auto r = f.reader();
  switch (static_cast<Op>(f.op)) {
    case Op::kRetire:
    case Op::kStop:
      server.log(LogLevel::kInfo, f.op == op(Op::kRetire)
                                      ? "a client has a different config: retiring"
                                      : "asked to stop: exiting");
      reply_ok(conn);
      server.request_exit(f.op == op(Op::kRetire));
      return false;
    case Op::kStatus: {
      Writer w;
      put_status(w, server.status());
      reply_ok(conn, w);
      return true;
    }
    case Op::kWaitHandshake: {
      auto ok = tunnel.wait_handshake();
      if (ok)
        reply_ok(conn);
      else
        reply_error(conn, ok.error());
      return true;
    }
    case Op::kDialTcp:
    case Op::kDialUdp: {
      std::string host = r.str();
      uint16_t port = r.u16();
      DialOptions o = get_dial_options(r);
      if (!r.at_end()) break;
      auto c = f.op == op(Op::kDialTcp) ? tunnel.dial_tcp(host, port, o)
                                        : tunnel.dial_udp(host, port, o);
      reply_connection(conn, c);
      return true;
    }
    case Op::kListenUdpFirst: {
      std::string address = r.str();
      uint16_t port = r.u16();
      milliseconds timeout{r.i64()};
      if (!r.at_end()) break;
      auto c = tunnel.listen_udp_first(address, port, timeout);
      reply_connection(conn, c);
      return true;
    }
    case Op::kResolve: {
      std::string name = r.str();
      uint8_t family = r.u8();
      milliseconds timeout{r.i64()};
      if (!r.at_end() || family > 2) break;
      auto ips = tunnel.resolve(name, static_cast<AddressFamily>(family), timeout);
      if (!ips) {
        reply_error(conn, ips.error());
        return true;
      }
      Writer w;
      w.u32(static_cast<uint32_t>(ips->size()));
      for (const auto& ip : *ips) w.ip(ip);
      reply_ok(conn, w);
      return true;
    }
    case Op::kQueryDns: {
      Endpoint server_ep = r.endpoint();
      auto query = r.bytes();
      DnsQueryOptions o = get_dns_options(r);
      if (!r.at_end()) break;
      auto reply = tunnel.query_dns(server_ep, query, o);
      if (!reply) {
        reply_error(conn, reply.error());
        return true;
      }
      Writer w;
      put_dns_reply(w, *reply);
      reply_ok(conn, w);
      return true;
    }
    case Op::kStats: {
      Writer w;
      put_stats(w, tunnel.stats());
      reply_ok(conn, w);
      return true;
    }
    case Op::kListenTcp:
    case Op::kBindUdp: {
      std::string address = r.str();
      uint16_t port = r.u16();
      if (!r.at_end()) break;
      auto channel = make_channel();
      if (!channel) {
        reply_error(conn, channel.error());
        return false;
      }
      int client_end = channel->second.get();
      if (f.op == op(Op::kListenTcp)) {
        auto l = tunnel.listen_tcp(address, port);
        if (!l) {
          reply_error(conn, l.error());
          return true;
        }
        reply_ok(conn, Writer().endpoint((*l)->local()), {&client_end, 1});
        channel->second.reset();
        serve_listener(conn, **l, channel->first.get());
      } else {
        auto u = tunnel.bind_udp(address, port);
        if (!u) {
          reply_error(conn, u.error());
          return true;
        }
        reply_ok(conn, Writer().endpoint((*u)->local()), {&client_end, 1});
        channel->second.reset();
        serve_udp(conn, **u, channel->first.get());
      }
      return false;
    }
    case Op::kOpenPinger: {
      IpAddress to = r.ip();
      if (!r.at_end()) break;
      auto p = tunnel.open_pinger(to);
      if (!p) {
        reply_error(conn, p.error());
        return true;
      }
      auto channel = make_channel();
      if (!channel) {
        reply_error(conn, channel.error());
        return false;
      }
      int client_end = channel->second.get();
      reply_ok(conn, Writer().u16((*p)->identifier()), {&client_end, 1});
      channel->second.reset();
      serve_pinger(conn, **p, channel->first.get());
      return false;
    }
    default:
      break;
  }
  reply_error(conn, bad_request());
  return false;
}

}  // namespace

void serve_protocol(AgentServer& server, int conn) {
  auto hello = recv_frame(conn);
  if (!hello) return;
  auto r = hello->reader();
  uint32_t version = r.u32();
  std::string their_fingerprint = r.str();
  r.u32();  // the client's pid, for the log
  if (hello->op != op(Op::kHello) || !r.at_end() || version != kProtocolVersion) {
    reply_error(conn,
                make_error(ErrorCode::kInternal, "the wgnet agent speaks protocol version " +
                                                     std::to_string(kProtocolVersion) +
                                                     ": stop it (wgnet-agent stop) and run again"));
    return;
  }
  reply_ok(conn, Writer().str(server.fingerprint()).u32(static_cast<uint32_t>(::getpid())));
  while (!server.exiting()) {
    auto f = recv_frame(conn);
    if (!f) return;
    bool more = handle(server, conn, *f);
    if (server.retire_if_handshake_gave_up() || !more) return;
  }
}

}  // namespace wgnet::agent
