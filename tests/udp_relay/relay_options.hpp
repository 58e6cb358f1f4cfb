// Command line of wgnet-udp-relay, the lab's stand-in for netem (which this kernel lacks): a UDP
// relay between the tool and the WireGuard peer that delays, jitters, drops, reorders and
// duplicates datagrams, the same way in both directions.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace wgnet::relay {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

struct RelayOptions {
  SocketAddress listen;    // where clients send
  SocketAddress upstream;  // where the relay forwards to (the WireGuard peer)
  uint32_t delay_ms = 0;   // each way
  uint32_t jitter_ms = 0;  // each datagram's delay is delay +- uniform(jitter), at least 0
  double loss_pct = 0;
  double reorder_pct = 0;  // held back a further reorder_ms, so later ones overtake it
  uint32_t reorder_ms = 10;
  double dup_pct = 0;  // sent twice (each copy with its own delay)
  uint64_t seed = 1;
  uint32_t max_seconds = 600;   // the relay exits after this long, whatever happens
  uint32_t idle_seconds = 60;   // a client silent this long loses its upstream socket
  uint32_t max_clients = 256;   // beyond this the least recently heard client is forgotten
  uint32_t max_queued = 65536;  // datagrams held at once; more are dropped (counted)
  std::string ready_file;       // written once the listening socket is bound
};

struct ParseResult {
  std::optional<RelayOptions> options;
  std::string error;  // one line naming the option, when options is empty
  bool help = false;
};

ParseResult parse_relay_options(int argc, char** argv);
// ADDR:PORT or [ADDR6]:PORT, numeric only.
std::optional<SocketAddress> parse_socket_address(const std::string& text);
const char* relay_usage();

}  // namespace wgnet::relay
