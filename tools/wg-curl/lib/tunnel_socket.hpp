// libcurl's connections, made by a wgnet::Tunnel instead of the OS.
//
// libcurl picks an address (from the CURLOPT_RESOLVE entries the transfer filled from the
// tunnel's DNS) and asks CURLOPT_OPENSOCKETFUNCTION for a socket; we dial that address through
// the tunnel and hand back the connected socketpair end. CURLOPT_SOCKOPTFUNCTION then says
// "already connected" and CURLOPT_CLOSESOCKETFUNCTION closes it. Nothing here ever resolves a
// name: every dial is to the IP literal libcurl chose.
//
// Two things in libcurl 7.88.1 (Debian 12) need the socket to look like the TCP connection it
// stands for, so tunnel_socket.cpp defines connect(), getpeername() and getsockname() for the
// whole program; for a socket this class handed to libcurl they answer with the tunnel
// connection's endpoints, for every other socket they are the system calls:
//   - libcurl 7.88.0/7.88.1 call connect() even after CURL_SOCKOPT_ALREADY_CONNECTED
//     (https://github.com/curl/curl/issues/10626, fixed in 8.0.0); on a socketpair end that
//     fails with EINVAL and the transfer with "Couldn't connect".
//   - libcurl takes a connection's address from getpeername(); a socketpair has none, and with
//     an empty address libcurl never reuses the connection for the next request ("still name
//     resolving"), reports no %{remote_ip} and says "Connected to web ()".
#pragma once

#include <curl/curl.h>
#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "diagnostics.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::curl {

// The tunnel addresses of one connection: what %{local_ip} and %{remote_ip} report (libcurl's
// own view would describe the socketpair).
struct SocketEndpoints {
  Endpoint local;
  Endpoint remote;
};

class TunnelSockets {
 public:
  using Clock = std::chrono::steady_clock;

  TunnelSockets(Tunnel& tunnel, tools::Diagnostics diag);
  // Closes what libcurl left open. Destroy the easy handle first: it closes its connections
  // through this object.
  ~TunnelSockets();
  TunnelSockets(const TunnelSockets&) = delete;
  TunnelSockets& operator=(const TunnelSockets&) = delete;

  // Sets the open/sockopt/close socket callbacks of `easy` to this object.
  void install(CURL* easy);

  // Limits for the dials of the next transfer: a deadline (the rest of --connect-timeout or
  // -m; nullopt = the tunnel's own connect timeout) and how many addresses the host has (with
  // several, one that never answers must leave time for the next).
  void set_dial_limits(std::optional<Clock::time_point> deadline, size_t address_count);

  // The error of the latest failed dial since the previous call; cleared by the call.
  std::optional<Error> take_dial_error();

  // The tunnel endpoints of socket `fd` while it is open, otherwise those of the most recent
  // connection to `remote` (libcurl may have closed it by the time -w asks), or of the most
  // recent connection when `remote` is unknown (libcurl 7.88 takes its primary IP from
  // getpeername(), which says nothing on a socketpair).
  std::optional<SocketEndpoints> endpoints(curl_socket_t fd,
                                           const std::optional<Endpoint>& remote) const;

  size_t open_count() const;
  int dials() const { return dials_; }

 private:
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int socket_options(void* self, curl_socket_t fd, curlsocktype purpose);
  static int close_socket(void* self, curl_socket_t fd);

  curl_socket_t dial(const Endpoint& remote);
  DialOptions dial_options() const;

  Tunnel& tunnel_;
  tools::Diagnostics diag_;
  std::optional<Clock::time_point> deadline_;
  size_t address_count_ = 1;
  int dials_ = 0;

  mutable std::mutex mutex_;  // libcurl calls back on the transfer's thread; -w may ask later
  std::map<curl_socket_t, SocketEndpoints> open_;
  std::deque<SocketEndpoints> recent_;  // newest first, a few, for endpoints()
  std::optional<Error> dial_error_;
};

}  // namespace wgnet::curl
