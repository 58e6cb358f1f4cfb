#include "io/netstack_icmp.hpp"

#include <chrono>
#include <string>

#include "core/icmp_echo.hpp"
#include "io/lwip_convert.hpp"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/raw.h"

namespace wgnet::io {
namespace {

constexpr size_t kMaxIpDatagram = 65535;
constexpr size_t kIpv4HeaderBytes = 20;
constexpr uint16_t kIcmpv6ChecksumOffset = 2;  // lwIP fills it in, pseudo-header and all

uint64_t loop_clock_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

core::IcmpFamily family_of(const IpAddress& ip) {
  return ip.is_v4() ? core::IcmpFamily::kV4 : core::IcmpFamily::kV6;
}

}  // namespace

size_t IcmpEchoPcb::max_payload(const IpAddress& target) {
  // IPv4's total length covers its header; IPv6's payload length does not.
  size_t ip_header = target.is_v4() ? kIpv4HeaderBytes : 0;
  return kMaxIpDatagram - ip_header - core::kIcmpEchoHeaderBytes;
}

Result<std::unique_ptr<IcmpEchoPcb>> IcmpEchoPcb::open(const IpAddress& target, uint16_t identifier,
                                                       ReplyFn on_reply) {
  raw_pcb* pcb = target.is_v4() ? raw_new_ip_type(IPADDR_TYPE_V4, IP_PROTO_ICMP)
                                : raw_new_ip_type(IPADDR_TYPE_V6, IP6_NEXTH_ICMP6);
  if (pcb == nullptr) return lwip_error(ERR_MEM, "ICMP echo to " + target.to_string());
  ip_addr_t remote = to_lwip(target);
  if (err_t err = raw_connect(pcb, &remote); err != ERR_OK) {
    raw_remove(pcb);
    return lwip_error(err, "ICMP echo to " + target.to_string());
  }
  if (target.is_v6()) {
    pcb->chksum_reqd = 1;
    pcb->chksum_offset = kIcmpv6ChecksumOffset;
  }
  auto echo =
      std::unique_ptr<IcmpEchoPcb>(new IcmpEchoPcb(pcb, target, identifier, std::move(on_reply)));
  raw_recv(pcb, &IcmpEchoPcb::on_recv, echo.get());
  return echo;
}

IcmpEchoPcb::IcmpEchoPcb(raw_pcb* pcb, IpAddress target, uint16_t identifier, ReplyFn on_reply)
    : pcb_(pcb), target_(target), identifier_(identifier), on_reply_(std::move(on_reply)) {}

IcmpEchoPcb::~IcmpEchoPcb() {
  if (pcb_ != nullptr) raw_remove(pcb_);
}

void IcmpEchoPcb::forget_stack() {
  pcb_ = nullptr;
}

Result<void> IcmpEchoPcb::check_payload(const IpAddress& target, size_t payload_size) {
  if (payload_size <= max_payload(target)) return {};
  return make_error(ErrorCode::kInvalidArgument,
                    "ICMP echo to " + target.to_string() + ": " + std::to_string(payload_size) +
                        " data bytes do not fit in an IP datagram (at most " +
                        std::to_string(max_payload(target)) + ")");
}

Result<void> IcmpEchoPcb::send(uint16_t sequence, size_t payload_size) {
  const std::string what = "ICMP echo to " + target_.to_string();
  if (auto fits = check_payload(target_, payload_size); !fits) return fits;
  auto message = core::build_echo_request(
      {family_of(target_), identifier_, sequence, payload_size, loop_clock_ns()});
  pbuf* p = pbuf_alloc(PBUF_IP, static_cast<u16_t>(message.size()), PBUF_RAM);
  if (p == nullptr) return lwip_error(ERR_MEM, what);
  pbuf_take(p, message.data(), static_cast<u16_t>(message.size()));
  err_t err = raw_send(pcb_, p);
  pbuf_free(p);
  if (err != ERR_OK) return lwip_error(err, what);
  return {};
}

uint8_t IcmpEchoPcb::on_recv(void* arg, raw_pcb* /*pcb*/, pbuf* p, const ip_addr_t* /*addr*/) {
  return static_cast<IcmpEchoPcb*>(arg)->take(p) ? 1 : 0;
}

// p starts at the IP header (lwIP's raw input convention). Returns true when the packet was a
// reply to us and is consumed (freed) here; false leaves it, untouched, to lwIP.
bool IcmpEchoPcb::take(pbuf* p) {
  const size_t header = ip_current_header_tot_len();
  if (p->tot_len <= header) return false;
  scratch_.resize(p->tot_len - header);
  pbuf_copy_partial(p, scratch_.data(), static_cast<u16_t>(scratch_.size()),
                    static_cast<u16_t>(header));
  auto echo = core::parse_echo_reply(family_of(target_), scratch_);
  if (!echo || echo->identifier != identifier_) return false;
  PingReply reply;
  reply.from = from_lwip(*ip_current_src_addr());
  reply.sequence = echo->sequence;
  reply.bytes = echo->bytes;
  reply.ttl =
      ip_current_is_v6() ? IP6H_HOPLIM(ip6_current_header()) : IPH_TTL(ip4_current_header());
  uint64_t now = loop_clock_ns();
  if (echo->stamp_ns && *echo->stamp_ns <= now)
    reply.rtt = std::chrono::nanoseconds(now - *echo->stamp_ns);
  pbuf_free(p);
  on_reply_(reply);
  return true;
}

}  // namespace wgnet::io
