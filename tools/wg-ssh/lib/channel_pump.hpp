// Moves bytes between local descriptors and one SSH channel, both ways, through bounded
// buffers, with libssh2 in non-blocking mode. Used for the session channel (stdin -> channel,
// channel stdout/stderr -> our stdout/stderr) and for each -L connection (one socket both ways).
//
// Back-pressure: a local descriptor is read only when its buffer towards the channel is empty
// and the transport is not congested; a channel is read only while its buffers towards the local
// side have room, so its SSH window stops the server when we cannot write (libssh2 opens the
// window only as the application reads). Nothing here blocks.
#pragma once

#include <libssh2.h>
#include <poll.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "session_connection.hpp"

namespace wgnet::ssh {

// pollfd registrations of one loop iteration.
class PollSet {
 public:
  // Returns the slot of fd (or -1 when fd < 0 or events == 0: nothing to ask).
  int add(int fd, short events);
  short revents(int slot) const { return slot < 0 ? 0 : fds_[static_cast<size_t>(slot)].revents; }
  std::vector<pollfd>& fds() { return fds_; }
  void clear() { fds_.clear(); }

 private:
  std::vector<pollfd> fds_;
};

// Bytes read from one side and not yet written to the other.
class ByteQueue {
 public:
  size_t size() const { return data_.size() - offset_; }
  bool empty() const { return size() == 0; }
  const uint8_t* data() const { return data_.data() + offset_; }
  void append(const void* bytes, size_t n);
  void consume(size_t n);
  void clear() {
    data_.clear();
    offset_ = 0;
  }

 private:
  std::vector<uint8_t> data_;
  size_t offset_ = 0;
};

struct PumpEnds {
  int in = -1;   // read: towards the channel; -1 = none
  int out = -1;  // written with the channel's data
  int err = -1;  // written with the channel's extended (stderr) data; -1 = merged into out
  bool sockets = false;  // in == out is a socket of ours (non-blocking, shutdown on EOF)
};

class ChannelPump {
 public:
  // Buffers towards the local side hold at most this much per stream before reading pauses.
  static constexpr size_t kBufferLimit = 256 * 1024;

  ChannelPump(SshSession& session, ChannelHandle channel, PumpEnds ends);

  LIBSSH2_CHANNEL* channel() const { return channel_.get(); }

  // Optional: transforms what is read from `in` before it goes out (the escape filter).
  std::function<std::string(std::string_view)> input_filter;

  void register_fds(PollSet& set);
  // Local reads and writes for this iteration's poll results.
  void on_fd_events(const PollSet& set);
  // The libssh2 side: writes pending input, sends EOF, reads output, notices the close.
  // Returns true if any byte moved or the state changed.
  bool pump();

  // Whether this channel wants the transport read now (room for data, or waiting on the window).
  bool wants_network() const;
  // The server closed the channel and our side has written everything it sent.
  bool finished() const { return finished_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool remote_eof() const { return remote_eof_; }

  // Stop reading local input (e.g. ~. or end of session); send EOF once drained.
  void end_input() { in_eof_ = true; }
  // Writes what is still buffered towards the local side, waiting at most `ms` for it.
  void flush_local(int ms);

  uint64_t bytes_in() const { return bytes_in_; }    // local -> channel
  uint64_t bytes_out() const { return bytes_out_; }  // channel -> local

 private:
  void read_local();
  void write_local(int fd, ByteQueue& queue, bool after_poll);
  bool write_channel();
  bool read_channel(int stream, ByteQueue& queue);
  bool check_close();
  void fail(std::string message);

  SshSession& session_;
  ChannelHandle channel_;
  PumpEnds ends_;
  ByteQueue to_channel_, to_out_, to_err_;
  int in_slot_ = -1, out_slot_ = -1, err_slot_ = -1;
  bool in_eof_ = false;
  bool eof_sent_ = false;
  bool remote_eof_ = false;
  bool out_shut_ = false;  // sockets: SHUT_WR done after the remote EOF
  bool window_wait_ = false;
  bool finished_ = false;
  bool out_regular_ = false, err_regular_ = false;
  std::string error_;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

}  // namespace wgnet::ssh
