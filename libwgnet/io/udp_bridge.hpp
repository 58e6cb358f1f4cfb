// A connected UDP flow joined to a SOCK_SEQPACKET socketpair: each datagram from the remote is
// one message on the fd, each message the app writes is one datagram to the remote. Datagrams
// the app's socket cannot take right now are dropped and counted, as a kernel UDP socket would.
#pragma once

#include <cstdint>
#include <functional>

#include "io/event_loop.hpp"
#include "lwip/udp.h"
#include "wgnet/fd.hpp"

namespace wgnet::io {

class UdpBridge {
 public:
  // Called once when the app closed its end; the owner then destroys the bridge (posted).
  using Finished = std::function<void(UdpBridge*)>;

  // Takes over `pcb` (connected to the remote) and `loop_end`. *dropped counts datagrams
  // dropped for a full app socket; it must outlive the bridge.
  UdpBridge(EventLoop& loop, udp_pcb* pcb, Fd loop_end, Finished finished, uint64_t* dropped);
  ~UdpBridge();
  UdpBridge(const UdpBridge&) = delete;
  UdpBridge& operator=(const UdpBridge&) = delete;

 private:
  static void on_recv(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port);
  void on_fd(uint32_t events);
  void finish();

  EventLoop& loop_;
  udp_pcb* pcb_;
  Fd fd_;
  Finished finished_;
  uint64_t* dropped_;
  bool finished_called_ = false;
};

}  // namespace wgnet::io
