#include "io/tcp_bridge.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"

namespace wgnet::io {
namespace {

constexpr size_t kReadChunk = 32 * 1024;       // <= 0xFFFF: tcp_write takes a u16 length
constexpr size_t kReadBudget = 256 * 1024;     // per wake-up, so one busy fd cannot starve others
constexpr size_t kSendLowWater = 64 * 1024;    // poll the fd again once lwIP has this much room
// One sendmsg can take a whole flush (kRxFlushThreshold / ~1.4 KB segments); the kernel
// allows 1024 (IOV_MAX).
constexpr int kMaxIov = 256;
constexpr u8_t kPollTicks = 2;                  // tcp_poll period in slow timer ticks (200 ms)
// lwIP ACKs every second segment. While the data is in order, we send at most one ACK per this
// many held ones (2 segments each) within an iteration, and the rest at the flush: fewer ACKs to
// encrypt here and to decrypt and process at the sender, as Linux's GRO does for one batch.
constexpr unsigned kMaxHeldAcks = 8;

// Free space in lwIP's send buffer. Not tcp_sndbuf(): that macro clamps to 0xFFFF for the
// u16 API, which would hide a 1 MiB buffer.
size_t send_room(const tcp_pcb* pcb) { return pcb->snd_buf; }

void detach(tcp_pcb* pcb) {
  tcp_arg(pcb, nullptr);
  tcp_recv(pcb, nullptr);
  tcp_sent(pcb, nullptr);
  tcp_err(pcb, nullptr);
  tcp_poll(pcb, nullptr, 0);
}

}  // namespace

// ---- the flush list ----

void TcpFlushList::add(TcpBridge* bridge) {
  if (bridge->flush_pending_) return;
  bridge->flush_pending_ = true;
  bridges_.push_back(bridge);
}

void TcpFlushList::remove(TcpBridge* bridge) {
  if (!bridge->flush_pending_) return;
  bridge->flush_pending_ = false;
  std::erase(bridges_, bridge);
}

void TcpFlushList::flush() {
  // One at a time from the back, taking each off before it runs: whatever a flush causes (a
  // bridge added, removed or destroyed) leaves the list consistent.
  while (!bridges_.empty()) {
    TcpBridge* bridge = bridges_.back();
    bridges_.pop_back();
    bridge->flush_pending_ = false;
    bridge->flush_rx();
  }
}

// ---- the bridge ----

TcpBridge::TcpBridge(EventLoop& loop, TcpFlushList& flush_list, tcp_pcb* pcb, Fd loop_end,
                     Finished finished)
    : loop_(loop),
      flush_list_(flush_list),
      pcb_(pcb),
      fd_(std::move(loop_end)),
      finished_(std::move(finished)) {
  tcp_arg(pcb_, this);
  tcp_recv(pcb_, &TcpBridge::on_recv);
  tcp_sent(pcb_, &TcpBridge::on_sent);
  tcp_err(pcb_, &TcpBridge::on_err);
  tcp_poll(pcb_, &TcpBridge::on_poll, kPollTicks);
  // The app cannot set TCP_NODELAY on a socketpair, and we already batch whatever it wrote into
  // one tcp_write per read: Nagle would only add a round trip to interactive traffic.
  tcp_nagle_disable(pcb_);
  set_initial_rto(pcb_);
  update_interest();
}

void set_initial_rto(tcp_pcb* pcb) {
  constexpr s16_t kInitialRtoTicks = 1000 / TCP_SLOW_INTERVAL;
  if (pcb->sv > kInitialRtoTicks) {  // never raise one already measured
    pcb->sv = kInitialRtoTicks;
    pcb->rto = static_cast<s16_t>((pcb->sa >> 3) + pcb->sv);
  }
}

TcpBridge::~TcpBridge() {
  flush_list_.remove(this);  // e.g. reset after data in one iteration: finished before the flush
  if (pcb_ != nullptr) {
    detach(pcb_);
    tcp_abort(pcb_);
    pcb_ = nullptr;
  }
  if (interest_ != 0) loop_.remove(fd_.get());
  for (pbuf* p : rx_) pbuf_free(p);
}

// ---- lwIP callbacks (loop thread, from inside tcp_input or the TCP timers) ----

err_t TcpBridge::on_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t err) {
  auto* self = static_cast<TcpBridge*>(arg);
  if (self == nullptr) {  // cannot happen: arg is cleared only together with the callbacks
    if (p != nullptr) {
      tcp_recved(pcb, p->tot_len);
      pbuf_free(p);
    }
    return ERR_OK;
  }
  if (p == nullptr) {
    self->remote_fin_ = true;
  } else if (err != ERR_OK) {
    pbuf_free(p);
    return ERR_OK;
  } else {
    self->enqueue(p);
  }
  // Written before the loop sleeps, together with whatever else arrives in this iteration
  // (a FIN waits too: it must follow the data into the fd anyway).
  if (self->rx_bytes_ < kRxFlushThreshold) {
    if (p != nullptr) self->hold_ack(pcb);
    self->flush_list_.add(self);
    return ERR_OK;
  }
  self->flush_list_.remove(self);
  self->pump_to_fd();
  self->release_held_ack();
  self->maybe_release_pcb();
  self->update_interest();
  self->maybe_finish();
  return self->callback_result();
}

void TcpBridge::flush_rx() {
  pump_to_fd();
  release_held_ack();
  maybe_release_pcb();
  update_interest();
  maybe_finish();
}

err_t TcpBridge::on_sent(void* arg, tcp_pcb* /*pcb*/, u16_t /*len*/) {
  auto* self = static_cast<TcpBridge*>(arg);
  if (self == nullptr) return ERR_OK;
  // Read on right away rather than after another epoll round trip, but only once a useful
  // amount of room is free (every ACK frees a couple of segments).
  if (self->pcb_ != nullptr && (!self->tx_pending_.empty() ||
                                send_room(self->pcb_) >= std::min<size_t>(kSendLowWater, TCP_SND_BUF))) {
    self->pump_from_fd();
  }
  self->update_interest();
  self->maybe_finish();
  return self->callback_result();
}

err_t TcpBridge::on_poll(void* arg, tcp_pcb* /*pcb*/) {
  auto* self = static_cast<TcpBridge*>(arg);
  if (self == nullptr) return ERR_OK;
  // Retries what lwIP refused for lack of memory (tx_pending_, a FIN); idle connections do
  // nothing here.
  if (!self->tx_pending_.empty()) self->pump_from_fd();
  self->maybe_send_fin();
  self->update_interest();
  self->maybe_finish();
  return self->callback_result();
}

void TcpBridge::on_err(void* arg, err_t err) {
  auto* self = static_cast<TcpBridge*>(arg);
  if (self == nullptr) return;
  self->pcb_ = nullptr;  // lwIP has freed it already
  if (err == ERR_CLSD) {
    // Closed in order (our FIN acked after the remote's): nothing lost.
    self->remote_fin_ = true;
    self->fin_queued_ = true;
    self->pump_to_fd();
  } else {
    self->on_reset();
  }
  self->update_interest();
  self->maybe_finish();
}

err_t TcpBridge::callback_result() const { return aborted_ ? ERR_ABRT : ERR_OK; }

// ---- pcb -> fd ----

void TcpBridge::enqueue(pbuf* p) {
  // Keep single pbufs, so each can be freed as soon as it is written: a chain's tot_len is a u16
  // and our queue can hold a whole 1 MiB window.
  while (p != nullptr) {
    pbuf* next = p->next;
    if (next != nullptr) {
      pbuf_ref(next);     // our own reference to the rest of the chain...
      pbuf_dechain(p);    // ...because dechaining drops p's reference to it
    }
    rx_bytes_ += p->len;
    rx_.push_back(p);
    p = next;
  }
}

void TcpBridge::pump_to_fd() {
  size_t written = 0;
  while (!rx_.empty() && !fd_write_shut_) {
    iovec iov[kMaxIov];
    int n = 0;
    for (auto it = rx_.begin(); it != rx_.end() && n < kMaxIov; ++it, ++n) {
      size_t off = n == 0 ? rx_offset_ : 0;
      iov[n].iov_base = static_cast<uint8_t*>((*it)->payload) + off;
      iov[n].iov_len = (*it)->len - off;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(n);
    ssize_t w = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      abort_connection();  // EPIPE/ECONNRESET: the app closed its end with data still coming
      return;
    }
    size_t left = static_cast<size_t>(w);
    written += left;
    rx_bytes_ -= left;
    while (left > 0 || (!rx_.empty() && rx_offset_ == rx_.front()->len)) {
      pbuf* front = rx_.front();
      size_t avail = front->len - rx_offset_;
      if (left < avail) {
        rx_offset_ += left;
        left = 0;
        break;
      }
      left -= avail;
      rx_.pop_front();
      rx_offset_ = 0;
      pbuf_free(front);
      if (rx_.empty()) break;
    }
  }
  // Open the window only by what the app's socket actually took (H7).
  while (pcb_ != nullptr && written > 0) {
    u16_t chunk = static_cast<u16_t>(std::min<size_t>(written, 0xFFFF));
    tcp_recved(pcb_, chunk);
    written -= chunk;
  }
  if (rx_.empty() && remote_fin_ && !fd_write_shut_) {
    ::shutdown(fd_.get(), SHUT_WR);  // the app reads EOF after the last byte
    fd_write_shut_ = true;
  }
}

void TcpBridge::hold_ack(tcp_pcb* pcb) {
  // Only lwIP's every-second-segment ACK for in-order data on an established connection: an ACK
  // for a FIN (CLOSE_WAIT), a duplicate or out-of-order data (pcb->ooseq) goes out at once.
  if (!(pcb->flags & TF_ACK_NOW) || pcb->state != ESTABLISHED || pcb->ooseq != nullptr) return;
  if (++held_acks_ >= kMaxHeldAcks) {
    held_acks_ = 0;
    return;
  }
  tcp_clear_flags(pcb, TF_ACK_NOW);
  tcp_set_flags(pcb, TF_ACK_DELAY);  // the fast timer's fallback, should the flush not send it
}

void TcpBridge::release_held_ack() {
  held_acks_ = 0;
  // Whatever is still unacknowledged at the end of the iteration is ACKed now, whether we held
  // the ACK or lwIP delayed it (an odd last segment): a sender waiting on that ACK (its cwnd, or
  // our window when the app is slow) would otherwise wait for the 50 ms fast timer. tcp_recved()
  // in pump_to_fd may have sent a window update already, which clears the flags.
  if (pcb_ != nullptr && (pcb_->flags & TF_ACK_DELAY)) {
    tcp_ack_now(pcb_);
    tcp_output(pcb_);
  }
}

// ---- fd -> pcb ----

bool TcpBridge::push_to_pcb(const uint8_t* data, size_t len) {
  err_t err = tcp_write(pcb_, data, static_cast<u16_t>(len), TCP_WRITE_FLAG_COPY);
  if (err == ERR_OK) return true;
  // ERR_MEM: send queue full (pbuf count) or no memory; nothing was queued, the caller keeps the
  // bytes and retries when data is acked. Anything else is a broken connection.
  if (err != ERR_MEM) abort_connection();
  return false;
}

void TcpBridge::pump_from_fd() {
  if (pcb_ == nullptr || fin_queued_) return;
  bool queued = false;
  size_t off = 0;
  while (off < tx_pending_.size()) {
    size_t len = std::min(kReadChunk, tx_pending_.size() - off);
    if (!push_to_pcb(tx_pending_.data() + off, len)) break;
    off += len;
    queued = true;
  }
  if (aborted_) return;
  tx_pending_.erase(tx_pending_.begin(), tx_pending_.begin() + static_cast<ptrdiff_t>(off));

  uint8_t buf[kReadChunk];
  size_t budget = kReadBudget;
  while (pcb_ != nullptr && !fd_eof_ && tx_pending_.empty() && budget > 0) {
    size_t room = send_room(pcb_);
    if (room == 0) break;
    size_t want = std::min({room, sizeof buf, budget});
    ssize_t n = ::read(fd_.get(), buf, want);
    if (n > 0) {
      budget -= static_cast<size_t>(n);
      if (push_to_pcb(buf, static_cast<size_t>(n))) {
        queued = true;
        continue;
      }
      if (aborted_) return;
      tx_pending_.assign(buf, buf + n);
      break;
    }
    if (n == 0) {
      fd_eof_ = true;  // shutdown(SHUT_WR) or close() by the app
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    abort_connection();  // ECONNRESET: the app closed without reading what we wrote
    return;
  }
  if (queued && pcb_ != nullptr) tcp_output(pcb_);
  maybe_send_fin();
}

void TcpBridge::maybe_send_fin() {
  if (!fd_eof_ || fin_queued_ || pcb_ == nullptr || !tx_pending_.empty()) return;
  // Queued behind the data already in lwIP's send queue. On ERR_MEM lwIP sets TF_CLOSEPEND
  // itself and still returns ERR_OK.
  if (tcp_shutdown(pcb_, 0, 1) != ERR_OK) {
    abort_connection();
    return;
  }
  fin_queued_ = true;
  maybe_release_pcb();
}

// ---- closing ----

void TcpBridge::maybe_release_pcb() {
  if (pcb_ == nullptr || !fin_queued_ || !remote_fin_) return;
  // Both FINs are exchanged or queued: lwIP finishes the close on its own (retransmissions,
  // LAST_ACK, TIME_WAIT) and frees the pcb; we must not touch it again. tcp_close sends no RST
  // in these states.
  detach(pcb_);
  tcp_close(pcb_);
  pcb_ = nullptr;
}

void TcpBridge::abort_connection() {
  if (pcb_ != nullptr) {
    detach(pcb_);
    tcp_abort(pcb_);  // RST to the remote
    pcb_ = nullptr;
    aborted_ = true;
  }
  remote_fin_ = fin_queued_ = fd_eof_ = fd_write_shut_ = true;
  for (pbuf* p : rx_) pbuf_free(p);
  rx_.clear();
  rx_offset_ = rx_bytes_ = 0;
  tx_pending_.clear();
}

void TcpBridge::on_reset() {
  // The remote reset (or lwIP gave up retransmitting): hand the app what already arrived, as
  // far as its socket takes it without waiting, then close. Closing with the app's unread
  // writes still in our socket makes the app's next call fail with ECONNRESET.
  pcb_ = nullptr;
  remote_fin_ = true;
  pump_to_fd();
  abort_connection();
}

void TcpBridge::update_interest() {
  uint32_t want = 0;
  if (!finished_called_) {
    // (A pending flush writes anyway: polling for EPOLLOUT meanwhile would only cost syscalls.)
    if (!rx_.empty() && !fd_write_shut_ && !flush_pending_) want |= EPOLLOUT;
    if (pcb_ != nullptr && !fd_eof_ && !fin_queued_ && tx_pending_.empty() &&
        send_room(pcb_) >= std::min<size_t>(kSendLowWater, TCP_SND_BUF)) {
      want |= EPOLLIN;
    }
  }
  if (want == interest_) return;
  // An fd with nothing to wait for is unregistered: EPOLLHUP would otherwise be reported
  // (level-triggered) on every iteration once the app has closed its end.
  if (want == 0) {
    loop_.remove(fd_.get());
  } else if (interest_ == 0) {
    loop_.add(fd_.get(), want, [this](uint32_t events) { on_fd(events); });
  } else {
    loop_.modify(fd_.get(), want);
  }
  interest_ = want;
}

void TcpBridge::on_fd(uint32_t events) {
  if (events & EPOLLERR) {
    abort_connection();
  } else {
    if (events & (EPOLLOUT | EPOLLHUP)) pump_to_fd();
    if (events & (EPOLLIN | EPOLLHUP)) pump_from_fd();
    maybe_release_pcb();
  }
  update_interest();
  maybe_finish();
}

void TcpBridge::maybe_finish() {
  if (finished_called_ || !fin_queued_ || !fd_write_shut_) return;
  maybe_release_pcb();  // (already done on every path that gets here; kept as a guard)
  if (pcb_ != nullptr) abort_connection();
  finished_called_ = true;
  update_interest();  // unregisters the fd
  finished_(this);
}

}  // namespace wgnet::io
