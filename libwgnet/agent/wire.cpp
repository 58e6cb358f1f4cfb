#include "agent/wire.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace wgnet::agent {

namespace {

constexpr size_t kMaxFds = 4;

Error io_error(const char* what) {
  return make_error(ErrorCode::kIo,
                    std::string("agent socket: ") + what + ": " + std::strerror(errno));
}

Error closed_error() {
  return make_error(ErrorCode::kClosed, "the wgnet agent closed the connection");
}

// Takes every descriptor a control message carries (CLOEXEC was asked of the kernel).
void collect_fds(msghdr& msg, std::vector<Fd>& out) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      out.emplace_back(fd);
    }
  }
}

// recvmsg into buf, collecting descriptors; 0 on end-of-file.
Result<size_t> recv_some(int sock, uint8_t* buf, size_t len, std::vector<Fd>& fds,
                         bool* truncated = nullptr, int flags = 0) {
  alignas(cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))];
  iovec iov{buf, len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return make_error(ErrorCode::kTimeout, "nothing to read");
    if (errno == ECONNRESET) return closed_error();
    return io_error("recvmsg");
  }
  collect_fds(msg, fds);
  if (truncated) *truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  return static_cast<size_t>(n);
}

uint32_t load_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

Writer& Writer::u8(uint8_t v) {
  buf_.push_back(v);
  return *this;
}
Writer& Writer::u16(uint16_t v) {
  for (int i = 0; i < 2; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
Writer& Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
Writer& Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
Writer& Writer::bytes(std::span<const uint8_t> data) {
  u32(static_cast<uint32_t>(data.size()));
  buf_.insert(buf_.end(), data.begin(), data.end());
  return *this;
}
Writer& Writer::str(const std::string& s) {
  return bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}
Writer& Writer::ip(const IpAddress& ip) {
  u8(static_cast<uint8_t>(ip.family));
  buf_.insert(buf_.end(), ip.bytes.begin(), ip.bytes.end());
  return *this;
}
Writer& Writer::endpoint(const Endpoint& e) {
  return ip(e.ip).u16(e.port);
}
Writer& Writer::error(const Error& e) {
  return u8(static_cast<uint8_t>(e.code)).str(e.message);
}

std::span<const uint8_t> Reader::take(size_t n) {
  if (!ok_ || data_.size() - pos_ < n) {
    ok_ = false;
    return {};
  }
  auto out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}
uint8_t Reader::u8() {
  auto b = take(1);
  return b.empty() ? 0 : b[0];
}
uint16_t Reader::u16() {
  auto b = take(2);
  return b.empty() ? 0 : static_cast<uint16_t>(b[0] | b[1] << 8);
}
uint32_t Reader::u32() {
  auto b = take(4);
  return b.empty() ? 0 : load_u32(b.data());
}
uint64_t Reader::u64() {
  auto b = take(8);
  if (b.empty()) return 0;
  return static_cast<uint64_t>(load_u32(b.data())) | static_cast<uint64_t>(load_u32(b.data() + 4))
                                                         << 32;
}
std::vector<uint8_t> Reader::bytes() {
  uint32_t n = u32();
  auto b = take(n);
  return {b.begin(), b.end()};
}
std::string Reader::str() {
  auto b = bytes();
  return {b.begin(), b.end()};
}
IpAddress Reader::ip() {
  uint8_t family = u8();
  auto b = take(16);
  IpAddress out;
  if (b.empty()) return out;
  if (family != 4 && family != 6) {
    ok_ = false;
    return out;
  }
  out.family = static_cast<IpAddress::Family>(family);
  std::memcpy(out.bytes.data(), b.data(), 16);
  return out;
}
Endpoint Reader::endpoint() {
  Endpoint e;
  e.ip = ip();
  e.port = u16();
  return e;
}
Error Reader::error() {
  uint8_t code = u8();
  std::string message = str();
  if (code > static_cast<uint8_t>(ErrorCode::kInternal)) ok_ = false;
  return make_error(ok_ ? static_cast<ErrorCode>(code) : ErrorCode::kInternal, message);
}

Result<void> send_frame(int sock, uint8_t op, const Writer& payload, std::span<const int> fds,
                        bool dont_wait) {
  if (fds.size() > kMaxFds) return make_error(ErrorCode::kInternal, "too many descriptors");
  std::vector<uint8_t> frame;
  frame.reserve(5 + payload.data().size());
  uint32_t len = static_cast<uint32_t>(1 + payload.data().size());
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<uint8_t>(len >> (8 * i)));
  frame.push_back(op);
  frame.insert(frame.end(), payload.data().begin(), payload.data().end());
  if (frame.size() > kMaxFrame) return make_error(ErrorCode::kInvalidArgument, "message too large");

  alignas(cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))];
  size_t off = 0;
  bool first = true;
  while (off < frame.size()) {
    iovec iov{frame.data() + off, frame.size() - off};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (first && !fds.empty()) {
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
      std::memcpy(CMSG_DATA(c), fds.data(), fds.size() * sizeof(int));
    }
    ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL | (dont_wait ? MSG_DONTWAIT : 0));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (dont_wait && (errno == EAGAIN || errno == EWOULDBLOCK))
        return make_error(ErrorCode::kTimeout, "agent channel full");
      if (errno == EPIPE || errno == ECONNRESET) return closed_error();
      return io_error("sendmsg");
    }
    first = false;
    off += static_cast<size_t>(n);
  }
  return {};
}

Result<Frame> recv_frame(int sock) {
  Frame frame;
  uint8_t header[5];
  size_t got = 0;
  while (got < sizeof header) {
    auto n = recv_some(sock, header + got, sizeof header - got, frame.fds);
    if (!n) return n.error();
    if (*n == 0) {
      if (got == 0) return closed_error();
      return make_error(ErrorCode::kClosed, "the wgnet agent closed the connection mid-message");
    }
    got += *n;
  }
  uint32_t len = load_u32(header);
  if (len < 1 || static_cast<size_t>(len) + 4 > kMaxFrame)
    return make_error(ErrorCode::kInternal, "agent protocol: bad frame length");
  frame.op = header[4];
  frame.payload.resize(len - 1);
  got = 0;
  while (got < frame.payload.size()) {
    auto n = recv_some(sock, frame.payload.data() + got, frame.payload.size() - got, frame.fds);
    if (!n) return n.error();
    if (*n == 0)
      return make_error(ErrorCode::kClosed, "the wgnet agent closed the connection mid-message");
    got += *n;
  }
  return frame;
}

Result<Frame> recv_record(int sock, bool dont_wait) {
  Frame frame;
  thread_local std::vector<uint8_t> buf(kMaxFrame);
  bool truncated = false;
  auto n =
      recv_some(sock, buf.data(), buf.size(), frame.fds, &truncated, dont_wait ? MSG_DONTWAIT : 0);
  if (!n) return n.error();
  if (*n == 0) return closed_error();
  if (truncated || *n < 5 || load_u32(buf.data()) != *n - 4)
    return make_error(ErrorCode::kInternal, "agent protocol: bad channel record");
  frame.op = buf[4];
  frame.payload.assign(buf.begin() + 5, buf.begin() + static_cast<std::ptrdiff_t>(*n));
  return frame;
}

}  // namespace wgnet::agent
