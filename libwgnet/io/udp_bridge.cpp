#include "io/udp_bridge.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "lwip/pbuf.h"

namespace wgnet::io {
namespace {

constexpr size_t kMaxDatagram = 65507;  // largest UDP payload in an IPv4 packet
constexpr int kBatch = 64;              // datagrams per wake-up, so one flow cannot starve others
constexpr int kMaxIov = 64;

}  // namespace

UdpBridge::UdpBridge(EventLoop& loop, udp_pcb* pcb, Fd loop_end, Finished finished,
                     uint64_t* dropped)
    : loop_(loop), pcb_(pcb), fd_(std::move(loop_end)), finished_(std::move(finished)),
      dropped_(dropped) {
  udp_recv(pcb_, &UdpBridge::on_recv, this);
  loop_.add(fd_.get(), EPOLLIN, [this](uint32_t events) { on_fd(events); });
}

UdpBridge::~UdpBridge() {
  if (pcb_ != nullptr) udp_remove(pcb_);
  if (!finished_called_) loop_.remove(fd_.get());
}

void UdpBridge::on_recv(void* arg, udp_pcb* /*pcb*/, pbuf* p, const ip_addr_t* /*addr*/,
                        u16_t /*port*/) {
  auto* self = static_cast<UdpBridge*>(arg);
  // A connected pcb only receives from its remote. One message, gathered from the chain.
  iovec iov[kMaxIov];
  size_t n = 0;
  for (pbuf* q = p; q != nullptr && n < kMaxIov; q = q->next, ++n) {
    iov[n].iov_base = q->payload;
    iov[n].iov_len = q->len;
  }
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = n;
  ssize_t w = self->finished_called_ ? -1 : ::sendmsg(self->fd_.get(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  pbuf_free(p);
  if (w < 0 && !self->finished_called_) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      ++*self->dropped_;
    } else {
      self->finish();  // EPIPE: the app is gone
    }
  }
}

void UdpBridge::on_fd(uint32_t events) {
  static thread_local uint8_t buf[kMaxDatagram + 1];
  for (int i = 0; i < kBatch && !finished_called_; ++i) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) {
      finish();  // the app closed its end
      return;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) finish();
      else if (events & (EPOLLHUP | EPOLLERR)) finish();
      return;
    }
    if (static_cast<size_t>(n) > kMaxDatagram) continue;  // too large for UDP: dropped
    pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(n), PBUF_RAM);
    if (p == nullptr) continue;  // out of memory: dropped, as a congested link would
    std::memcpy(p->payload, buf, static_cast<size_t>(n));
    (void)udp_send(pcb_, p);  // errors (no route) drop the datagram, as a kernel would
    pbuf_free(p);
  }
}

void UdpBridge::finish() {
  if (finished_called_) return;
  finished_called_ = true;
  loop_.remove(fd_.get());
  udp_recv(pcb_, nullptr, nullptr);
  finished_(this);
}

}  // namespace wgnet::io
