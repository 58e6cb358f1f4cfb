// The SOCKS5 session's side of the client connection before the relay starts: whole messages in
// (through the sans-I/O parsers of socks5_codec.hpp), whole replies out, each wait bounded by one
// deadline for the whole negotiation and cut short by the cancel fd. The client socket may be
// blocking or not (the caller accepted it); every call here is non-blocking and waits in poll().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "io/socks5_codec.hpp"

namespace wgnet::io::socks5 {

class ClientIo {
 public:
  using Clock = std::chrono::steady_clock;

  ClientIo(int client, int cancel_fd, Clock::time_point deadline)
      : client_(client), cancel_fd_(cancel_fd), deadline_(deadline) {}

  // The next message as `parse` reads it (kOk, kMalformed or kBadAddressType); nullopt when
  // the client closed, the deadline passed or cancel_fd became readable first. Bytes after the
  // message stay buffered (see leftover()).
  template <class T, class Parse>
  std::optional<Parsed<T>> read(Parse parse) {
    for (;;) {
      Parsed<T> parsed = parse(std::span<const uint8_t>(buffer_));
      if (parsed.status != ParseStatus::kNeedMore) {
        buffer_.erase(buffer_.begin(),
                      buffer_.begin() + static_cast<std::ptrdiff_t>(parsed.consumed));
        return parsed;
      }
      if (!receive_more()) return std::nullopt;
    }
  }

  // Sends all of `bytes`; false if the client went away, the deadline passed or cancelled.
  bool send(std::span<const uint8_t> bytes);

  // Bytes the client sent after its request (data it did not wait to send): the caller passes
  // them on before relaying.
  const std::vector<uint8_t>& leftover() const { return buffer_; }

 private:
  // Waits for `events` on the client; false on deadline, cancel or a hang-up without them.
  bool wait(short events);
  bool receive_more();

  int client_;
  int cancel_fd_;
  Clock::time_point deadline_;
  std::vector<uint8_t> buffer_;  // at most one message plus one read: messages are < 600 bytes
};

}  // namespace wgnet::io::socks5
