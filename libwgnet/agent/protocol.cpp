#include "agent/protocol.hpp"

namespace wgnet::agent {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

void put_optional_ms(Writer& w, const std::optional<milliseconds>& v) {
  w.boolean(v.has_value()).i64(v ? v->count() : 0);
}
std::optional<milliseconds> get_optional_ms(Reader& r) {
  bool has = r.boolean();
  int64_t ms = r.i64();
  if (!has) return std::nullopt;
  return milliseconds{ms};
}

void put_dial_options(Writer& w, const DialOptions& o) {
  w.u8(static_cast<uint8_t>(o.family))
      .boolean(o.numeric_only)
      .i64(o.timeout.count())
      .i64(o.attempt_timeout.count());
}
DialOptions get_dial_options(Reader& r) {
  DialOptions o;
  uint8_t family = r.u8();
  o.family = family <= 2 ? static_cast<AddressFamily>(family) : AddressFamily::kAny;
  o.numeric_only = r.boolean();
  o.timeout = milliseconds{r.i64()};
  o.attempt_timeout = milliseconds{r.i64()};
  return o;
}

void put_dns_options(Writer& w, const DnsQueryOptions& o) {
  w.boolean(o.tcp)
      .boolean(o.tcp_fallback)
      .i64(o.timeout.count())
      .u32(static_cast<uint32_t>(o.tries));
}
DnsQueryOptions get_dns_options(Reader& r) {
  DnsQueryOptions o;
  o.tcp = r.boolean();
  o.tcp_fallback = r.boolean();
  o.timeout = milliseconds{r.i64()};
  o.tries = static_cast<int>(r.u32());
  return o;
}

void put_dns_reply(Writer& w, const DnsReply& d) {
  w.bytes(d.wire)
      .boolean(d.via_tcp)
      .boolean(d.truncated_udp_first)
      .i64(d.rtt.count())
      .endpoint(d.server);
}
DnsReply get_dns_reply(Reader& r) {
  DnsReply d;
  d.wire = r.bytes();
  d.via_tcp = r.boolean();
  d.truncated_udp_first = r.boolean();
  d.rtt = microseconds{r.i64()};
  d.server = r.endpoint();
  return d;
}

void put_stats(Writer& w, const TunnelStats& s) {
  w.u64(s.tx_bytes).u64(s.rx_bytes).u64(s.inner_tx_bytes).u64(s.inner_rx_bytes);
  put_optional_ms(w, s.handshake_time);
  w.str(s.peer_public_key).str(s.peer_endpoint);
}
TunnelStats get_stats(Reader& r) {
  TunnelStats s;
  s.tx_bytes = r.u64();
  s.rx_bytes = r.u64();
  s.inner_tx_bytes = r.u64();
  s.inner_rx_bytes = r.u64();
  s.handshake_time = get_optional_ms(r);
  s.peer_public_key = r.str();
  s.peer_endpoint = r.str();
  return s;
}

void put_ping_reply(Writer& w, const PingReply& p) {
  w.ip(p.from)
      .u16(p.sequence)
      .u64(p.bytes)
      .u8(p.ttl)
      .boolean(p.rtt.has_value())
      .i64(p.rtt ? p.rtt->count() : 0);
}
PingReply get_ping_reply(Reader& r) {
  PingReply p;
  p.from = r.ip();
  p.sequence = r.u16();
  p.bytes = r.u64();
  p.ttl = r.u8();
  bool has_rtt = r.boolean();
  int64_t rtt = r.i64();
  if (has_rtt) p.rtt = nanoseconds{rtt};
  return p;
}

void put_status(Writer& w, const AgentStatus& s) {
  w.u32(static_cast<uint32_t>(s.pid))
      .str(s.socket_path)
      .str(s.config_path)
      .u32(s.connections)
      .i64(s.uptime.count());
  put_optional_ms(w, s.handshake_time);
  w.str(s.peer_endpoint).u64(s.rss_kib);
}
AgentStatus get_status(Reader& r) {
  AgentStatus s;
  s.pid = static_cast<int>(r.u32());
  s.socket_path = r.str();
  s.config_path = r.str();
  s.connections = r.u32();
  s.uptime = std::chrono::seconds{r.i64()};
  s.handshake_time = get_optional_ms(r);
  s.peer_endpoint = r.str();
  s.rss_kib = r.u64();
  return s;
}

}  // namespace wgnet::agent
