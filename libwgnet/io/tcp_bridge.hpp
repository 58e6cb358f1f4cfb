// One TCP connection joined to a socketpair: bytes flow between the lwIP pcb and the loop end of
// the pair, with back-pressure both ways, half-close both ways, and resets mapped to resets.
//
//   app -> fd -> tcp_write   only while tcp_sndbuf() has room (else EPOLLIN is not polled; the
//                            sent callback resumes it), so a slow peer stalls the app's writes.
//   pcb -> queue -> fd       tcp_recved() only for bytes the fd accepted, so an app that stops
//                            reading closes the TCP window (H7) instead of growing our memory.
//                            Written once per loop iteration (TcpFlushList), one sendmsg for
//                            every segment that arrived, not one per 1.4 KB segment.
//                            ACKs for in-order data: at most one per 16 segments within an
//                            iteration, and whatever is unacked at its end (hold_ack).
//   EOF on fd                -> FIN after the data already queued in lwIP (tcp_shutdown TX).
//   remote FIN               -> shutdown(fd, SHUT_WR) once every received byte is in the fd.
//   remote RST               -> received bytes flushed as far as the fd takes them, fd closed.
//   app gone (EPIPE/ECONNRESET on the fd) -> tcp_abort: RST to the remote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "io/event_loop.hpp"
#include "lwip/tcp.h"
#include "wgnet/fd.hpp"

namespace wgnet::io {

class TcpBridge;

// Bridges holding received data for the end of the loop iteration. The owner (NetstackHost)
// calls flush() from an EventLoop before-sleep hook; it must outlive every bridge given it. A
// bridge leaves the list when flushed or destroyed, so the list never holds a dangling pointer.
class TcpFlushList {
 public:
  // Pumps every listed bridge's queue into its fd once; the list is empty afterwards.
  void flush();
  size_t size() const { return bridges_.size(); }

 private:
  friend class TcpBridge;
  void add(TcpBridge* bridge);
  void remove(TcpBridge* bridge);
  std::vector<TcpBridge*> bridges_;  // few at a time: a vector beats a set here
};

// Lowers a new pcb's retransmission timeout to RFC 6298's 1 s: lwIP starts at 3 s and needs a
// few RTT samples to come down, so until then every lost segment (or SYN) would stall 3 s.
void set_initial_rto(tcp_pcb* pcb);

class TcpBridge {
 public:
  // Called once, on the loop thread, when both directions are finished; the owner then destroys
  // the bridge (not from inside this call: post it).
  using Finished = std::function<void(TcpBridge*)>;

  // Takes over `pcb` (its arg and callbacks) and `loop_end`, and starts moving data.
  TcpBridge(EventLoop& loop, TcpFlushList& flush_list, tcp_pcb* pcb, Fd loop_end,
            Finished finished);
  ~TcpBridge();  // aborts the pcb (RST) if still attached; frees queued data
  TcpBridge(const TcpBridge&) = delete;
  TcpBridge& operator=(const TcpBridge&) = delete;

  size_t rx_queued() const { return rx_bytes_; }       // received, not yet written to the fd
  size_t tx_pending() const { return tx_pending_.size(); }  // read from the fd, refused by lwIP
  bool flush_pending() const { return flush_pending_; }    // on the flush list

  // Received bytes that make a bridge write at once instead of at the end of the iteration, so
  // one iteration's burst (a GRO batch: hundreds of segments) cannot grow our memory unbounded.
  static constexpr size_t kRxFlushThreshold = 256 * 1024;

 private:
  static err_t on_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t err);
  static err_t on_sent(void* arg, tcp_pcb* pcb, u16_t len);
  static err_t on_poll(void* arg, tcp_pcb* pcb);
  static void on_err(void* arg, err_t err);
  void on_fd(uint32_t events);
  friend class TcpFlushList;
  void flush_rx();  // the end-of-iteration write (TcpFlushList::flush)
  void hold_ack(tcp_pcb* pcb);  // defers lwIP's ACK for in-order data to the flush
  void release_held_ack();

  void enqueue(pbuf* p);
  void pump_to_fd();
  void pump_from_fd();
  bool push_to_pcb(const uint8_t* data, size_t len);
  void maybe_send_fin();
  void maybe_release_pcb();
  void abort_connection();
  void on_reset();
  void update_interest();
  void maybe_finish();
  err_t callback_result() const;

  EventLoop& loop_;
  TcpFlushList& flush_list_;
  tcp_pcb* pcb_;
  Fd fd_;
  Finished finished_;

  std::deque<pbuf*> rx_;    // single (dechained) pbufs, in order
  size_t rx_offset_ = 0;    // bytes of rx_.front() already written
  size_t rx_bytes_ = 0;
  std::vector<uint8_t> tx_pending_;

  bool remote_fin_ = false;    // no more data will come from the remote
  bool fd_write_shut_ = false;  // rx direction done: SHUT_WR on the fd (or the fd is gone)
  bool fd_eof_ = false;         // the app will write no more
  bool fin_queued_ = false;     // tx direction done: FIN queued in lwIP (or connection reset)
  bool aborted_ = false;        // we called tcp_abort (callbacks must return ERR_ABRT)
  bool finished_called_ = false;
  unsigned held_acks_ = 0;      // ACKs for in-order data deferred to the flush (hold_ack)
  bool flush_pending_ = false;  // in flush_list_: the queue is written before the loop sleeps
  uint32_t interest_ = 0;       // what the fd is registered for (0 = not registered)
};

}  // namespace wgnet::io
