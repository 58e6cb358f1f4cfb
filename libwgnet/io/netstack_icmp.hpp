// ICMP echo on the tunnel's lwIP stack: a raw pcb for ICMP (IPv4) or ICMPv6 that sends echo
// requests to one address and picks out the replies to them (core/icmp_echo.hpp builds and
// parses the messages). Loop thread only, while the NetstackHost (lwIP) exists.
//
// lwIP offers every incoming ICMP packet to the raw pcbs before its own icmp.c/icmp6.c: this pcb
// takes only echo replies carrying its identifier, so echo requests to us are still answered by
// lwIP and other pingers' replies reach them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "lwip/raw.h"
#include "wgnet/result.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::io {

class IcmpEchoPcb {
 public:
  using ReplyFn = std::function<void(const PingReply& reply)>;

  // The largest data size per family: what fits in one IP datagram (65535 bytes).
  static size_t max_payload(const IpAddress& target);
  // kInvalidArgument naming the size and the limit when `payload_size` exceeds max_payload.
  static Result<void> check_payload(const IpAddress& target, size_t payload_size);

  // on_reply runs on the loop thread, from inside NetstackHost::input().
  static Result<std::unique_ptr<IcmpEchoPcb>> open(const IpAddress& target, uint16_t identifier,
                                                   ReplyFn on_reply);
  ~IcmpEchoPcb();
  IcmpEchoPcb(const IcmpEchoPcb&) = delete;
  IcmpEchoPcb& operator=(const IcmpEchoPcb&) = delete;

  // The stack is gone (its tunnel closed): the destructor must not hand the pcb back to it.
  void forget_stack();

  // One echo request, stamped with the loop's clock now.
  Result<void> send(uint16_t sequence, size_t payload_size);

 private:
  IcmpEchoPcb(raw_pcb* pcb, IpAddress target, uint16_t identifier, ReplyFn on_reply);
  static uint8_t on_recv(void* arg, raw_pcb* pcb, pbuf* p, const ip_addr_t* addr);
  bool take(pbuf* p);

  raw_pcb* pcb_;
  IpAddress target_;
  uint16_t identifier_;
  ReplyFn on_reply_;
  std::vector<uint8_t> scratch_;  // the ICMP part of a reply, copied out of its pbuf chain
};

}  // namespace wgnet::io
