#include "agent/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "agent/protocol.hpp"

namespace wgnet::agent {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

Error malformed() {
  return make_error(ErrorCode::kInternal, "agent protocol: malformed reply");
}

// Waits up to `timeout` (0: forever) for a record on `channel` that this thread gets to read;
// several threads may wait on one channel.
Result<Frame> next_record(int channel, milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    int wait_ms = -1;
    if (timeout.count() > 0) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(left.count(), 0));
    }
    pollfd p{channel, POLLIN, 0};
    int n = ::poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return make_error(ErrorCode::kTimeout, "");
    auto rec = recv_record(channel, true);
    if (rec || rec.error().code != ErrorCode::kTimeout) return rec;
    if (timeout.count() > 0 && SteadyClock::now() >= deadline)
      return make_error(ErrorCode::kTimeout, "");
  }
}

Result<Connection> connection_from(Frame& f) {
  auto r = f.reader();
  Connection c;
  c.local = r.endpoint();
  c.remote = r.endpoint();
  if (!r.at_end() || f.fds.size() != 1) return malformed();
  c.fd = std::move(f.fds.front());
  return c;
}

// What every handle shares: the control connection, the channel, closing both.
class ChannelHandle {
 public:
  ChannelHandle(Fd conn, Fd channel) : conn_(std::move(conn)), channel_(std::move(channel)) {}
  void close() {
    if (closed_.exchange(true)) return;
    ::shutdown(channel_.get(), SHUT_RDWR);
    ::shutdown(conn_.get(), SHUT_RDWR);
  }
  bool closed() const { return closed_; }
  int channel() const { return channel_.get(); }
  // A request on the control connection (one at a time).
  Result<void> request(Op o, const Writer& w, const std::string& closed_text) {
    std::lock_guard lock(mu_);
    if (closed_) return make_error(ErrorCode::kClosed, closed_text);
    auto reply = exchange(conn_.get(), op(o), w);
    if (!reply) return reply.error();
    return {};
  }
  // The next record, or the error a handle reports: kTimeout with `what`, kClosed.
  Result<Frame> next(milliseconds timeout, const std::string& timeout_text,
                     const std::string& closed_text) {
    if (closed_) return make_error(ErrorCode::kClosed, closed_text);
    auto rec = next_record(channel_.get(), timeout);
    if (rec) {
      if (rec->op == op(Op::kChannelError)) {
        auto r = rec->reader();
        return r.error();
      }
      return rec;
    }
    if (rec.error().code == ErrorCode::kTimeout)
      return make_error(ErrorCode::kTimeout, timeout_text);
    if (closed_) return make_error(ErrorCode::kClosed, closed_text);
    return make_error(ErrorCode::kClosed, "the tunnel has been closed (its wgnet agent exited)");
  }

 private:
  Fd conn_;
  Fd channel_;
  std::mutex mu_;
  std::atomic<bool> closed_{false};
};

class AgentListener final : public TcpListener {
 public:
  AgentListener(Fd conn, Fd channel, Endpoint local)
      : h_(std::move(conn), std::move(channel)), local_(local) {}
  ~AgentListener() override { close(); }
  Endpoint local() const override { return local_; }
  Result<Connection> accept(milliseconds timeout) override {
    auto rec = h_.next(timeout, "no connection to " + local_.to_string() + " within the timeout",
                       local_.to_string() + " has been closed");
    if (!rec) return rec.error();
    if (rec->op != op(Op::kAccepted)) return malformed();
    return connection_from(*rec);
  }
  int fd() const override { return h_.channel(); }
  void close() override { h_.close(); }

 private:
  ChannelHandle h_;
  Endpoint local_;
};

class AgentUdpSocket final : public UdpSocket {
 public:
  AgentUdpSocket(Fd conn, Fd channel, Endpoint local)
      : h_(std::move(conn), std::move(channel)), local_(local) {}
  ~AgentUdpSocket() override { close(); }
  Endpoint local() const override { return local_; }
  Result<size_t> recv_from(std::span<uint8_t> buf, Endpoint& from, milliseconds timeout) override {
    auto rec = h_.next(timeout, "no datagram to " + local_.to_string() + " within the timeout",
                       local_.to_string() + " has been closed");
    if (!rec) return rec.error();
    auto r = rec->reader();
    Endpoint sender = r.endpoint();
    auto data = r.bytes();
    if (rec->op != op(Op::kDatagram) || !r.at_end()) return malformed();
    from = sender;
    size_t n = std::min(buf.size(), data.size());
    std::memcpy(buf.data(), data.data(), n);
    return n;
  }
  Result<void> send_to(std::span<const uint8_t> data, const Endpoint& to) override {
    return h_.request(Op::kSendTo, Writer().endpoint(to).bytes(data),
                      local_.to_string() + " has been closed");
  }
  int fd() const override { return h_.channel(); }
  void close() override { h_.close(); }

 private:
  ChannelHandle h_;
  Endpoint local_;
};

class AgentPinger final : public Pinger {
 public:
  AgentPinger(Fd conn, Fd channel, IpAddress target, uint16_t identifier)
      : h_(std::move(conn), std::move(channel)), target_(target), identifier_(identifier) {}
  ~AgentPinger() override { h_.close(); }
  IpAddress target() const override { return target_; }
  uint16_t identifier() const override { return identifier_; }
  Result<void> send(uint16_t sequence, size_t payload_size) override {
    return h_.request(Op::kPingSend, Writer().u16(sequence).u64(payload_size),
                      "the tunnel has been closed");
  }
  Result<PingReply> receive(milliseconds timeout) override {
    auto rec =
        h_.next(timeout, "no echo reply from " + target_.to_string(), "the tunnel has been closed");
    if (!rec) return rec.error();
    auto r = rec->reader();
    PingReply reply = get_ping_reply(r);
    if (rec->op != op(Op::kPingReply) || !r.at_end()) return malformed();
    return reply;
  }

 private:
  ChannelHandle h_;
  IpAddress target_;
  uint16_t identifier_;
};

class AgentTunnel final : public Tunnel {
 public:
  AgentTunnel(AgentHello attachment, const Config& config, std::string socket_path)
      : attachment_(std::move(attachment.conn)),
        fingerprint_(std::move(attachment.fingerprint)),
        agent_pid_(attachment.pid),
        addresses_(config.interface.addresses),
        socket_path_(std::move(socket_path)) {}

  Result<void> wait_handshake() override {
    auto reply = call(Op::kWaitHandshake, Writer());
    if (!reply) return reply.error();
    return {};
  }
  Result<Connection> dial_tcp(const std::string& host, uint16_t port,
                              const DialOptions& options) override {
    return dial(Op::kDialTcp, host, port, options);
  }
  Result<Connection> dial_udp(const std::string& host, uint16_t port,
                              const DialOptions& options) override {
    return dial(Op::kDialUdp, host, port, options);
  }
  Result<std::unique_ptr<TcpListener>> listen_tcp(const std::string& address,
                                                  uint16_t port) override {
    auto ch = open_channel(Op::kListenTcp, Writer().str(address).u16(port));
    if (!ch) return ch.error();
    return std::unique_ptr<TcpListener>(
        std::make_unique<AgentListener>(std::move(ch->conn), std::move(ch->channel), ch->local));
  }
  Result<Connection> listen_udp_first(const std::string& address, uint16_t port,
                                      milliseconds timeout) override {
    auto reply = call(Op::kListenUdpFirst, Writer().str(address).u16(port).i64(timeout.count()));
    if (!reply) return reply.error();
    return connection_from(reply->frame);
  }
  Result<std::unique_ptr<UdpSocket>> bind_udp(const std::string& address, uint16_t port) override {
    auto ch = open_channel(Op::kBindUdp, Writer().str(address).u16(port));
    if (!ch) return ch.error();
    return std::unique_ptr<UdpSocket>(
        std::make_unique<AgentUdpSocket>(std::move(ch->conn), std::move(ch->channel), ch->local));
  }
  Result<std::vector<IpAddress>> resolve(const std::string& name, AddressFamily family,
                                         milliseconds timeout) override {
    auto reply = call(Op::kResolve,
                      Writer().str(name).u8(static_cast<uint8_t>(family)).i64(timeout.count()));
    if (!reply) return reply.error();
    auto r = reply->frame.reader();
    uint32_t n = r.u32();
    std::vector<IpAddress> ips;
    for (uint32_t i = 0; i < n && r.ok(); ++i) ips.push_back(r.ip());
    if (!r.at_end()) return malformed();
    return ips;
  }
  Result<std::unique_ptr<Pinger>> open_pinger(const IpAddress& to) override {
    auto reply = call(Op::kOpenPinger, Writer().ip(to));
    if (!reply) return reply.error();
    auto r = reply->frame.reader();
    uint16_t identifier = r.u16();
    if (!r.at_end() || reply->frame.fds.size() != 1) return malformed();
    return std::unique_ptr<Pinger>(std::make_unique<AgentPinger>(
        std::move(reply->conn), std::move(reply->frame.fds.front()), to, identifier));
  }
  Result<DnsReply> query_dns(const Endpoint& server, std::span<const uint8_t> query,
                             const DnsQueryOptions& options) override {
    Writer w;
    w.endpoint(server).bytes(query);
    put_dns_options(w, options);
    auto reply = call(Op::kQueryDns, w);
    if (!reply) return reply.error();
    auto r = reply->frame.reader();
    DnsReply d = get_dns_reply(r);
    if (!r.at_end()) return malformed();
    return d;
  }
  std::vector<IpPrefix> addresses() const override { return addresses_; }
  TunnelStats stats() const override {
    auto reply = call(Op::kStats, Writer());
    if (!reply) return {};
    auto r = reply->frame.reader();
    TunnelStats s = get_stats(r);
    if (!r.at_end()) s = TunnelStats{};
    s.shared = true;
    return s;
  }

 private:
  struct Reply {
    Fd conn;
    Frame frame;
  };
  struct Channel {
    Fd conn;
    Fd channel;
    Endpoint local;
  };

  // A short connection of its own for one request: calls from many threads run at once.
  Result<Reply> call(Op o, const Writer& w) const {
    auto hello = connect_agent(socket_path_, fingerprint_);
    if (!hello) return gone(hello.error());
    if (hello->pid != agent_pid_ || hello->fingerprint != fingerprint_)
      return make_error(ErrorCode::kClosed, "the tunnel has been closed: its wgnet agent (pid " +
                                                std::to_string(agent_pid_) +
                                                ") was replaced by pid " +
                                                std::to_string(hello->pid));
    auto frame = exchange(hello->conn.get(), op(o), w);
    if (!frame) return frame.error();
    return Reply{std::move(hello->conn), std::move(*frame)};
  }
  Error gone(const Error& why) const {
    return make_error(ErrorCode::kClosed, "the tunnel has been closed: its wgnet agent (pid " +
                                              std::to_string(agent_pid_) + ", " + socket_path_ +
                                              ") is gone (" + why.message + ")");
  }
  Result<Connection> dial(Op o, const std::string& host, uint16_t port,
                          const DialOptions& options) {
    Writer w;
    w.str(host).u16(port);
    put_dial_options(w, options);
    auto reply = call(o, w);
    if (!reply) return reply.error();
    return connection_from(reply->frame);
  }
  Result<Channel> open_channel(Op o, const Writer& w) {
    auto reply = call(o, w);
    if (!reply) return reply.error();
    auto r = reply->frame.reader();
    Endpoint local = r.endpoint();
    if (!r.at_end() || reply->frame.fds.size() != 1) return malformed();
    return Channel{std::move(reply->conn), std::move(reply->frame.fds.front()), local};
  }

  Fd attachment_;
  std::string fingerprint_;
  int agent_pid_;
  std::vector<IpPrefix> addresses_;
  std::string socket_path_;
};

}  // namespace

Result<AgentHello> connect_agent(const std::string& socket_path, const std::string& fingerprint,
                                 bool* absent) {
  if (absent) *absent = false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path)
    return make_error(ErrorCode::kInvalidArgument,
                      "agent socket path " + socket_path +
                          " is too long for a Unix socket: set XDG_RUNTIME_DIR to a shorter "
                          "directory");
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  Fd conn(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!conn) return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  int rc;
  do {
    rc = ::connect(conn.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (absent) *absent = errno == ENOENT || errno == ECONNREFUSED;
    return make_error(ErrorCode::kClosed,
                      "cannot connect to " + socket_path + ": " + std::strerror(errno));
  }
  if (::send(conn.get(), kMagic, sizeof kMagic, MSG_NOSIGNAL) != sizeof kMagic) {
    if (absent) *absent = true;
    return make_error(ErrorCode::kClosed, "the wgnet agent closed the connection");
  }
  auto reply = exchange(
      conn.get(), op(Op::kHello),
      Writer().u32(kProtocolVersion).str(fingerprint).u32(static_cast<uint32_t>(::getpid())));
  if (!reply) {
    // Closed before it answered: an agent on its way out (its socket not yet removed).
    if (absent) *absent = reply.error().code == ErrorCode::kClosed;
    return reply.error();
  }
  auto r = reply->reader();
  AgentHello hello;
  hello.fingerprint = r.str();
  hello.pid = static_cast<int>(r.u32());
  if (!r.at_end()) return malformed();
  hello.conn = std::move(conn);
  return hello;
}

Result<Frame> exchange(int conn, uint8_t o, const Writer& request) {
  if (auto sent = send_frame(conn, o, request); !sent) return sent.error();
  auto reply = recv_frame(conn);
  if (!reply) return reply.error();
  if (reply->op == op(Op::kError)) {
    auto r = reply->reader();
    Error e = r.error();
    if (!r.at_end()) return malformed();
    return e;
  }
  if (reply->op != op(Op::kOk)) return malformed();
  return reply;
}

std::unique_ptr<Tunnel> make_agent_tunnel(AgentHello attachment, const Config& config,
                                          std::string socket_path) {
  return std::make_unique<AgentTunnel>(std::move(attachment), config, std::move(socket_path));
}

}  // namespace wgnet::agent
