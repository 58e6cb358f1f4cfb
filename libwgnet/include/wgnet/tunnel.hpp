// The public API of libwgnet: an in-process WireGuard tunnel with its own TCP/IP stack.
//
//   auto cfg = wgnet::load_config("wg.conf");
//   auto tun = wgnet::Tunnel::open(*cfg, {});
//   auto fd  = (*tun)->dial_tcp("10.0.0.2", 22, {});   // an ordinary connected socket
//
// Nothing here creates an OS network interface or needs privileges: the OS only sees encrypted
// UDP datagrams to the peer's endpoint. Connections are handed out as file descriptors (one end
// of a socketpair) so that libraries which want a socket (libssh2, libcurl) run over the tunnel
// unchanged.
//
// One tunnel per process. The TCP/IP stack (lwIP) is a single global instance, so a process
// holds at most one open Tunnel at a time: a second Tunnel::open while one is open fails with
// kInvalidArgument, saying so. Once the first is destroyed, open works again. (Two tunnels
// that must talk to each other live in two processes; see tests/unit/io/tunnel_self_test.cpp.)
//
// Threads. A Tunnel runs one event loop thread of its own that owns the WireGuard device and
// the stack. Every call below is thread-safe and may block the calling thread (never the loop):
// dial_*, resolve and wait_handshake wait for the handshake and the network; accept and
// recv_from wait for traffic. Call them from your threads, not from the loop thread: the
// LogSink runs there (see LogSink), and a call from it that would wait for the loop fails at
// once with kInvalidArgument instead of waiting for itself forever.
//
// Lifetimes. The Tunnel owns its loop; a TcpListener or UdpSocket may outlive it: once the
// Tunnel is destroyed, every call on such a handle fails with kClosed (a blocked accept or
// recv_from wakes up and returns kClosed), and destroying the handle is safe. Connection fds
// stay valid descriptors; after the Tunnel is gone they read end-of-file or an error.
//
// Sharing one tunnel: Tunnel::open vs Tunnel::attach. open() brings up this process's own
// WireGuard session. The peer keeps one session per key, so two processes that open the same
// config take it from each other (parallel tools time out). attach() (wgnet/agent.hpp) instead
// connects to the wgnet agent that owns this identity's one tunnel -- starting it, detached, when
// none runs -- and returns a Tunnel whose calls run there: the same methods, semantics and error
// codes, connections handed over as file descriptors. An agent whose config differs from ours
// (changed on disk) is retired and a fresh one started; one that died is replaced. attach() is
// not limited to one per process, as the agent holds the stack.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wgnet/config.hpp"
#include "wgnet/dns.hpp"
#include "wgnet/export.hpp"
#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet {

enum class LogLevel { kError, kWarning, kInfo, kDebug };
// The library never writes to stderr itself; tools pass a sink (e.g. for -v). It is called on
// the tunnel's event loop thread (handshakes, drops, roaming) and on the threads that call the
// Tunnel (dial progress), so it must be thread-safe and quick: while it runs, no packet moves.
// It must not wait for the Tunnel: dial_*, resolve, wait_handshake, listen_udp_first, accept
// and recv_from called from the loop thread fail with kInvalidArgument. Hand the message to
// another thread if something must be done about it.
using LogSink = std::function<void(LogLevel, const std::string&)>;

struct TunnelOptions {
  LogSink log;  // may be empty
  // How long open() + first use may wait for the first handshake before reporting
  // kHandshakeTimeout.
  std::chrono::milliseconds handshake_timeout{10000};
  // Local IP address the outer UDP socket binds to (empty: all). A demo or test peer binds to
  // 127.0.0.1 so that nothing outside the machine can reach it.
  std::string listen_address;
};

enum class AddressFamily { kAny, kV4, kV6 };

struct DialOptions {
  AddressFamily family = AddressFamily::kAny;
  bool numeric_only = false;  // -n: the host must be an IP literal, never resolved
  // Whole dial, 0 = none beyond per-attempt. It covers the wait for the first handshake and the
  // name lookup too; a lookup it cuts short fails with kResolve ("... within the N ms allowed").
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds attempt_timeout{5000};  // per address, when a name has several
};

struct Connection {
  Fd fd;           // SOCK_STREAM socketpair end for TCP; for connected UDP SOCK_SEQPACKET (one
                   // datagram per read/write, like SOCK_DGRAM, but the stack sees the close)
  Endpoint local;  // our tunnel address and port
  Endpoint remote;
};

// Per-process counters for -v and benchmarks.
struct TunnelStats {
  uint64_t tx_bytes = 0;  // WireGuard datagram bytes sent / received on the UDP socket
  uint64_t rx_bytes = 0;
  uint64_t inner_tx_bytes = 0;  // IP bytes the stack sent / received through the tunnel
  uint64_t inner_rx_bytes = 0;
  std::optional<std::chrono::milliseconds> handshake_time;  // first handshake, from open()
  std::string peer_public_key;  // base64, of the peer that completed the first handshake
  std::string peer_endpoint;
  // From a Tunnel::attach tunnel: these are the agent's figures, for all of its clients since
  // it started (its first handshake, its byte counts), not this process's alone.
  bool shared = false;
};

// ---- ICMP echo (ping) ----

// One echo reply, as ping reports it.
struct PingReply {
  IpAddress from;
  uint16_t sequence = 0;
  size_t bytes = 0;  // the ICMP message, 8-byte header included: ping's "64 bytes from"
  uint8_t ttl = 0;   // the reply's IPv4 TTL or IPv6 hop limit
  // From handing the request to the stack to the reply reaching it, both timed on the event
  // loop thread (the send time travels in the first 8 data bytes, as ping's does): none when
  // the request carried fewer than 8 data bytes.
  std::optional<std::chrono::nanoseconds> rtt;
};

struct PingOptions {
  uint16_t sequence = 1;
  size_t payload_size = 56;  // data bytes after the ICMP header (ping -s)
  std::chrono::milliseconds timeout{1000};
};

class TcpListener;
class UdpSocket;
class Pinger;
struct AttachOptions;  // wgnet/agent.hpp
struct AttachInfo;

class WGNET_API Tunnel {
 public:
  // Opens the UDP socket, resolves peer endpoints (system resolver; the only time it is used),
  // starts the event loop and begins the handshake at once with every peer that has an endpoint.
  // kInvalidArgument while another Tunnel is open in this process (see the top of this file).
  static Result<std::unique_ptr<Tunnel>> open(const Config& config, TunnelOptions options);
  // The shared tunnel of this config's identity, through its agent (see the top of this file and
  // wgnet/agent.hpp); `info`, when given, says which agent and whether this call started it.
  static Result<std::unique_ptr<Tunnel>> attach(const Config& config, AttachOptions options,
                                                AttachInfo* info = nullptr);
  virtual ~Tunnel() = default;

  // Waits until a handshake with some peer has completed (or the handshake timeout elapses).
  virtual Result<void> wait_handshake() = 0;

  // TCP connection through the tunnel. `host` is an IP literal or a name resolved through the
  // tunnel's DNS (several addresses are tried in turn, IPv6 and IPv4 interleaved).
  virtual Result<Connection> dial_tcp(const std::string& host, uint16_t port,
                                      const DialOptions& options) = 0;
  // Connected UDP "socket": each read/write on the fd is one datagram.
  virtual Result<Connection> dial_udp(const std::string& host, uint16_t port,
                                      const DialOptions& options) = 0;

  // The same to an address already known (e.g. one a library picked, see wgnet/sockaddr.hpp):
  // never resolved, so options.family and numeric_only do not apply.
  Result<Connection> dial_tcp(const Endpoint& remote, const DialOptions& options = {});
  Result<Connection> dial_udp(const Endpoint& remote, const DialOptions& options = {});

  // Listens on a tunnel address (empty = all of ours) and port (0 = any).
  virtual Result<std::unique_ptr<TcpListener>> listen_tcp(const std::string& address,
                                                          uint16_t port) = 0;
  // Binds a UDP port on a tunnel address; the first datagram received fixes the remote and the
  // returned connection behaves as dial_udp's (nc -u -l semantics).
  virtual Result<Connection> listen_udp_first(const std::string& address, uint16_t port,
                                              std::chrono::milliseconds timeout) = 0;

  // An unconnected UDP socket on a tunnel address (servers: one socket, many remotes).
  virtual Result<std::unique_ptr<UdpSocket>> bind_udp(const std::string& address,
                                                      uint16_t port) = 0;

  // Resolves a name through the tunnel's DNS servers (never the system resolver). IP literals
  // are returned as they are. Fails with kResolve and a clear message when the config has no
  // DNS= servers. `timeout` bounds the whole call, the wait for the first handshake included
  // (0: only the resolver's own tries, 3 rounds of 2 s per server): when it runs out the error
  // is kTimeout (or kHandshakeTimeout if no handshake has completed), never kResolve.
  virtual Result<std::vector<IpAddress>> resolve(
      const std::string& name, AddressFamily family,
      std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) = 0;

  // ICMP (IPv4) or ICMPv6 echo requests to `to` through the tunnel, any number outstanding
  // (see Pinger). Waits for the first handshake (kHandshakeTimeout); kNetwork when no peer's
  // AllowedIPs covers `to` or the tunnel has no address of its family. Names are the caller's
  // to resolve (resolve() above): a pinger has one address.
  virtual Result<std::unique_ptr<Pinger>> open_pinger(const IpAddress& to) = 0;
  // One echo request and its reply: kTimeout when none came within options.timeout.
  Result<PingReply> ping(const IpAddress& to, const PingOptions& options);
  // Sends one prepared DNS query (build_dns_query) to `server` through the tunnel and returns
  // the reply, whatever its RCODE: over UDP, `tries` tries of `timeout` each from a fresh port
  // with a fresh ID; over TCP after a truncated reply unless told not to, or only over TCP.
  // kTimeout when no try got a reply; the error of the last try when it was not a timeout
  // (kNetwork: the server is not covered by any peer's AllowedIPs, ...); kInvalidArgument for a
  // message that is not a query with one question. Runs on the tunnel's event loop: no thread
  // and no file descriptor per query.
  virtual Result<DnsReply> query_dns(const Endpoint& server, std::span<const uint8_t> query,
                                     const DnsQueryOptions& options) {
    (void)server, (void)query, (void)options;
    return make_error(ErrorCode::kInternal, "this tunnel cannot send DNS queries");
  }

  // Our tunnel addresses (from Address=).
  virtual std::vector<IpPrefix> addresses() const = 0;
  virtual TunnelStats stats() const = 0;
};

// Destroying a listener or socket closes it (as close() does). Both may outlive the Tunnel:
// see Lifetimes at the top of this file.
class WGNET_API TcpListener {
 public:
  virtual ~TcpListener() = default;
  virtual Endpoint local() const = 0;
  // Waits for the next connection; timeout 0 waits forever. kTimeout when none came in time,
  // kClosed once the listener is closed or its Tunnel destroyed.
  virtual Result<Connection> accept(std::chrono::milliseconds timeout) = 0;
  // For poll/epoll: readable while a connection is waiting to be accepted, and for good once
  // the listener is closed (accept then returns kClosed at once). Owned by the listener.
  virtual int fd() const = 0;
  // Stops listening and wakes every accept waiting on this listener (they return kClosed);
  // connections not yet accepted are closed. Any thread; idempotent.
  virtual void close() = 0;
};

class WGNET_API UdpSocket {
 public:
  virtual ~UdpSocket() = default;
  virtual Endpoint local() const = 0;
  // Receives one datagram into buf; returns its length (truncated to buf.size()). timeout 0
  // waits forever; kTimeout when nothing arrived in time, kClosed once the socket is closed or
  // its Tunnel destroyed.
  virtual Result<size_t> recv_from(std::span<uint8_t> buf, Endpoint& from,
                                   std::chrono::milliseconds timeout) = 0;
  // kClosed once the socket is closed or its Tunnel destroyed.
  virtual Result<void> send_to(std::span<const uint8_t> data, const Endpoint& to) = 0;
  // For poll/epoll: readable while a datagram is waiting, and for good once closed.
  virtual int fd() const = 0;
  // Unbinds the port and wakes every recv_from waiting on this socket (kClosed). Idempotent.
  virtual void close() = 0;
};

// Echo requests to one address, as ping sends them: send() returns at once, any number of
// requests may be outstanding, and receive() hands over the replies in the order they arrive
// (late ones and duplicates included; telling those apart is the caller's, by sequence). Each
// pinger has its own random ICMP identifier and sees only replies carrying it, from its address;
// echo requests to us are still answered by the stack. Replies not yet received are queued, up
// to 1024 (more are dropped). A Pinger must not outlive its Tunnel.
class Pinger {
 public:
  virtual ~Pinger() = default;
  virtual IpAddress target() const = 0;
  virtual uint16_t identifier() const = 0;
  // One echo request with `payload_size` data bytes (at most 65507 for IPv4, 65527 for IPv6,
  // else kInvalidArgument); larger than the tunnel's MTU allows, it leaves in IP fragments.
  virtual Result<void> send(uint16_t sequence, size_t payload_size) = 0;
  // The next reply; kTimeout when none arrived within `timeout` (0 waits forever).
  virtual Result<PingReply> receive(std::chrono::milliseconds timeout) = 0;
};

}  // namespace wgnet
