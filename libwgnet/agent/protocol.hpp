// The agent protocol's messages: opcodes and the encoding of the values that cross (see wire.hpp
// for frames). A client connection: kMagic, HELLO (-> OK with the agent's fingerprint and pid),
// then requests, each answered by OK (+ fields, + a descriptor) or ERROR (code + message: the
// Tunnel's own error crosses unchanged).
#pragma once

#include <cstdint>

#include "agent/wire.hpp"
#include "wgnet/agent.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::agent {

inline constexpr uint32_t kProtocolVersion = 1;

enum class Op : uint8_t {
  // requests
  kHello = 1,   // u32 version, str fingerprint, u32 client pid
  kRetire = 2,  // config changed: unlink the socket and exit now
  kStop = 3,    // exit now
  kStatus = 4,  // -> AgentStatus
  kWaitHandshake = 5,
  kDialTcp = 6,  // str host, u16 port, DialOptions -> Connection (+fd)
  kDialUdp = 7,
  kListenTcp = 8,       // str address, u16 port -> local endpoint (+channel fd)
  kListenUdpFirst = 9,  // str address, u16 port, i64 timeout ms -> Connection (+fd)
  kBindUdp = 10,        // str address, u16 port -> local endpoint (+channel fd)
  kResolve = 11,        // str name, u8 family, i64 timeout ms -> u32 n, ip...
  kQueryDns = 12,       // endpoint, bytes, DnsQueryOptions -> DnsReply
  kOpenPinger = 13,     // ip -> u16 identifier (+channel fd)
  kStats = 14,          // -> TunnelStats
  // on the control connection of a bound UDP socket / pinger
  kSendTo = 20,    // endpoint, bytes -> OK / ERROR
  kPingSend = 21,  // u16 sequence, u64 payload size -> OK / ERROR
  // replies
  kOk = 64,
  kError = 65,
  // channel records, agent -> client
  kAccepted = 80,      // endpoint local, endpoint remote (+fd)
  kDatagram = 81,      // endpoint from, bytes
  kPingReply = 82,     // PingReply
  kChannelError = 83,  // error: the listener/socket/pinger failed for good
};

inline uint8_t op(Op o) {
  return static_cast<uint8_t>(o);
}

void put_dial_options(Writer& w, const DialOptions& o);
DialOptions get_dial_options(Reader& r);
void put_dns_options(Writer& w, const DnsQueryOptions& o);
DnsQueryOptions get_dns_options(Reader& r);
void put_dns_reply(Writer& w, const DnsReply& d);
DnsReply get_dns_reply(Reader& r);
void put_stats(Writer& w, const TunnelStats& s);
TunnelStats get_stats(Reader& r);
void put_ping_reply(Writer& w, const PingReply& p);
PingReply get_ping_reply(Reader& r);
void put_status(Writer& w, const AgentStatus& s);
AgentStatus get_status(Reader& r);
void put_optional_ms(Writer& w, const std::optional<std::chrono::milliseconds>& v);
std::optional<std::chrono::milliseconds> get_optional_ms(Reader& r);

}  // namespace wgnet::agent
