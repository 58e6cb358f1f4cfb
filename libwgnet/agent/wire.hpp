// The agent protocol's byte level: little-endian fields into/out of a frame, and frames (with
// file descriptors riding along by SCM_RIGHTS) onto/off a Unix socket.
//
// A frame is u32 LE length (of what follows) + u8 opcode + payload. On the agent's SOCK_STREAM
// socket frames follow each other; on the SOCK_SEQPACKET channels of listeners, UDP sockets and
// pingers each record is one whole frame, so several client threads can read without a lock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wgnet/fd.hpp"
#include "wgnet/ip.hpp"
#include "wgnet/result.hpp"

namespace wgnet::agent {

// A frame no larger than this (a UDP datagram or DNS reply plus fields fits easily).
inline constexpr size_t kMaxFrame = 256 * 1024;

class Writer {
 public:
  Writer& u8(uint8_t v);
  Writer& u16(uint16_t v);
  Writer& u32(uint32_t v);
  Writer& u64(uint64_t v);
  Writer& i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  Writer& boolean(bool v) { return u8(v ? 1 : 0); }
  Writer& bytes(std::span<const uint8_t> data);  // u32 length + data
  Writer& str(const std::string& s);
  Writer& ip(const IpAddress& ip);  // u8 family (4/6) + 16 bytes
  Writer& endpoint(const Endpoint& e);
  Writer& error(const Error& e);  // u8 code + message
  const std::vector<uint8_t>& data() const { return buf_; }

 private:
  std::vector<uint8_t> buf_;
};

// Reads fields in order; a short or malformed payload makes ok() false and every later read
// return zeros, so a handler checks once at the end.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  int64_t i64() { return static_cast<int64_t>(u64()); }
  bool boolean() { return u8() != 0; }
  std::vector<uint8_t> bytes();
  std::string str();
  IpAddress ip();
  Endpoint endpoint();
  Error error();
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && pos_ == data_.size(); }

 private:
  std::span<const uint8_t> take(size_t n);
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct Frame {
  uint8_t op = 0;
  std::vector<uint8_t> payload;
  std::vector<Fd> fds;
  Reader reader() const { return Reader(payload); }
};

// One sendmsg (looping over short writes on a stream), MSG_NOSIGNAL; `fds` go with the first
// byte. `dont_wait`: EAGAIN is returned as kTimeout instead of blocking (datagram channels drop).
Result<void> send_frame(int sock, uint8_t op, const Writer& payload, std::span<const int> fds = {},
                        bool dont_wait = false);
// The next frame from a stream socket: kClosed on end-of-file before its first byte.
Result<Frame> recv_frame(int sock);
// The next record of a SOCK_SEQPACKET channel: kClosed on end-of-file; with `dont_wait`,
// kTimeout when none is there (another thread took it).
Result<Frame> recv_record(int sock, bool dont_wait = false);

// The bytes every agent-protocol connection starts with (before its first frame), so the agent
// tells it from SOCKS5 (first byte 0x05) on the same socket.
inline constexpr char kMagic[4] = {'W', 'G', 'A', '1'};

}  // namespace wgnet::agent
