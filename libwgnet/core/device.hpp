// The sans-I/O WireGuard device: datagrams, IP packets and time in; datagrams, IP packets and
// events out. No sockets, threads or clocks here: the caller (libwgnet/io) owns those and calls
//   receive_datagram()  for every UDP datagram from the network,
//   send_ip()           for every IP packet the TCP/IP stack wants to send into the tunnel,
//   on_deadline(now)    when now >= next_deadline(),
// and the device answers through the DeviceSink it is handed on each call.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wgnet/config.hpp"
#include "wgnet/ip.hpp"

namespace wgnet::core {

// Protocol time: nanoseconds on a CLOCK_BOOTTIME-like clock (keeps running across suspend).
using Time = std::chrono::nanoseconds;
constexpr Time kNever = Time::max();

using PeerIndex = uint32_t;  // position of the peer in DeviceConfig::peers

enum class EventKind {
  kHandshakeInitiated,  // we sent an initiation (detail: "attempt N")
  kHandshakeComplete,   // a session is up with the peer
  kHandshakeGaveUp,     // REKEY_ATTEMPT_TIME elapsed without a response
  kPacketDropped,       // detail says why ("bad mac1", "replay", "no route to peer", ...)
  kEndpointChanged,     // roaming moved the peer's endpoint
  kKeypairsExpired,     // keys zeroed after 3 x REJECT_AFTER_TIME
};

struct Event {
  EventKind kind;
  std::optional<PeerIndex> peer;
  std::string detail;
};

// Where the device's effects go. Spans are only valid during the call.
class DeviceSink {
 public:
  virtual ~DeviceSink() = default;
  virtual void send_datagram(const Endpoint& to, std::span<const uint8_t> datagram) = 0;
  // A decrypted, authenticated inner IP packet that passed the source (AllowedIPs) check.
  virtual void deliver_ip(std::span<const uint8_t> ip_packet) = 0;
  virtual void on_event(const Event&) {}
};

// Injected randomness and wall clock, so tests are deterministic.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual void random_bytes(std::span<uint8_t> out) = 0;
  // Wall-clock time for TAI64N timestamps (nanoseconds since the Unix epoch).
  virtual std::chrono::nanoseconds wall_clock() = 0;
};

struct PeerStatus {
  Key32 public_key{};
  std::optional<Endpoint> endpoint;
  std::optional<Time> last_handshake;  // protocol time of the last completed handshake
  uint64_t rx_bytes = 0;               // datagram bytes received from / sent to this peer
  uint64_t tx_bytes = 0;
  bool has_session = false;  // a current keypair usable for sending (as of the latest `now`
                             // passed to any call; on_deadline(now) early is a harmless no-op)
};

struct DeviceConfig {
  Key32 private_key{};
  struct Peer {
    Key32 public_key{};
    std::optional<Key32> preshared_key;
    // Resolved endpoint candidates (e.g. the IPv4 and IPv6 addresses of a host name); the
    // device starts with the first and moves to the next when handshakes go unanswered.
    std::vector<Endpoint> endpoints;
    std::vector<IpPrefix> allowed_ips;
    uint16_t persistent_keepalive = 0;  // seconds
  };
  std::vector<Peer> peers;
  uint16_t mtu = 1420;  // inner MTU: padding never makes a packet exceed it
};

class Device {
 public:
  // Fails (nullopt + message) on invalid config: a peer equal to ourselves, a low-order key is
  // accepted but never gets a session (TESTPLAN B10/B11).
  static std::unique_ptr<Device> create(const DeviceConfig& config, Environment& env,
                                        std::string* error);
  virtual ~Device() = default;

  // Begins handshakes with every peer that has an endpoint, now, without waiting for traffic.
  // The first handshake is retried a few times within the first second (short growing delays)
  // because a peer may drop an initiation that comes too soon after a previous process's.
  virtual void start(Time now, DeviceSink& sink) = 0;

  // A datagram from the network. `datagram` may be modified (decrypted in place).
  virtual void receive_datagram(std::span<uint8_t> datagram, const Endpoint& from, Time now,
                                DeviceSink& sink) = 0;
  // An IP packet from the stack: routed by destination through AllowedIPs, encrypted and sent,
  // or queued (bounded) while a handshake is under way.
  virtual void send_ip(std::span<const uint8_t> ip_packet, Time now, DeviceSink& sink) = 0;

  virtual Time next_deadline() const = 0;  // kNever when nothing is pending
  virtual void on_deadline(Time now, DeviceSink& sink) = 0;

  virtual void set_endpoints(PeerIndex peer, std::vector<Endpoint> endpoints) = 0;
  // Replaces our private key: every session is expired and re-handshaken at once; a peer whose
  // key now equals ours is disabled (TESTPLAN B11/B12).
  virtual void set_private_key(const Key32& private_key, Time now, DeviceSink& sink) = 0;
  virtual std::vector<PeerStatus> peers() const = 0;
};

}  // namespace wgnet::core
