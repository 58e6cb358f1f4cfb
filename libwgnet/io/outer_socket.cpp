#include "io/outer_socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "wgnet/sockaddr.hpp"

namespace wgnet::io {

namespace {

Result<Fd> bind_udp(int family, uint16_t port, std::optional<IpAddress> local) {
  Fd fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  if (family == AF_INET6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  // Larger kernel buffers absorb bursts at full tunnel speed instead of dropping them.
  int buf = 4 << 20;
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  sockaddr_storage ss{};
  Endpoint any{family == AF_INET ? IpAddress::v4(0, 0, 0, 0) : IpAddress{IpAddress::Family::kV6, {}},
               port};
  if (local) any.ip = *local;
  socklen_t len = to_sockaddr(any, ss);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return make_error(ErrorCode::kIo, "cannot bind UDP port " + std::to_string(port) + ": " +
                                          std::strerror(errno));
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  auto bound = from_sockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
  return bound ? bound->port : 0;
}

}  // namespace

Result<OuterSocket> OuterSocket::open(std::optional<uint16_t> listen_port, size_t max_datagram,
                                      std::optional<IpAddress> local) {
  OuterSocket s;
  if (local) {
    auto only = bind_udp(local->is_v4() ? AF_INET : AF_INET6, listen_port.value_or(0), local);
    if (!only) return only.error();
    (local->is_v4() ? s.v4_ : s.v6_) = std::move(*only);
    s.port_ = bound_port(local->is_v4() ? s.v4_.get() : s.v6_.get());
  } else {
    auto v4 = bind_udp(AF_INET, listen_port.value_or(0), std::nullopt);
    if (!v4) return v4.error();
    s.v4_ = std::move(*v4);
    s.port_ = bound_port(s.v4_.get());
    // IPv6 on the same port; a host without IPv6 (or with the port taken) keeps IPv4 only.
    if (auto v6 = bind_udp(AF_INET6, s.port_, std::nullopt)) s.v6_ = std::move(*v6);
  }
  // Receive-side offload: the kernel may hand us a peer's burst of same-size datagrams as one
  // buffer (loopback keeps a GSO send whole), which we split again by the segment size it
  // reports. Without UDP_GRO, each datagram is its own recvmmsg slot.
  int one = 1;
  s.gro_ = true;
  for (int fd : {s.v4_.get(), s.v6_.get()})
    if (fd >= 0 && setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) != 0) s.gro_ = false;
  if (!s.gro_) {
    int zero = 0;
    for (int fd : {s.v4_.get(), s.v6_.get()})
      if (fd >= 0) setsockopt(fd, SOL_UDP, UDP_GRO, &zero, sizeof zero);
  }
  s.slot_size_ = s.gro_ ? std::max(kGroSlot, max_datagram) : max_datagram;
  s.slots_ = s.gro_ ? kGroBatch : kBatch;
  s.buffers_.resize(s.slots_ * s.slot_size_);
  return s;
}

void OuterSocket::send(const Endpoint& to, std::span<const uint8_t> datagram) {
  if (!gso_supported_ || datagram.empty()) {
    send_now(to, datagram);
    return;
  }
  if (gso_count_ > 0 &&
      (gso_closed_ || to != gso_to_ || datagram.size() > gso_size_ ||
       gso_count_ == kGsoMaxSegments || gso_buffer_.size() + datagram.size() > kGsoMaxBytes)) {
    flush();
  }
  if (gso_count_ == 0) {
    gso_to_ = to;
    gso_size_ = datagram.size();
    gso_closed_ = false;
  }
  gso_buffer_.insert(gso_buffer_.end(), datagram.begin(), datagram.end());
  ++gso_count_;
  if (datagram.size() < gso_size_) gso_closed_ = true;  // only the last segment may be short
}

void OuterSocket::flush() {
  if (gso_count_ == 0) return;
  std::span<const uint8_t> all(gso_buffer_);
  if (gso_count_ == 1) {
    send_now(gso_to_, all);
  } else {
    int fd = gso_to_.ip.is_v4() ? v4_.get() : v6_.get();
    sockaddr_storage ss{};
    socklen_t len = to_sockaddr(gso_to_, ss);
    iovec iov{const_cast<uint8_t*>(all.data()), all.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint16_t))] = {};
    msghdr msg{};
    msg.msg_name = &ss;
    msg.msg_namelen = len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t segment = static_cast<uint16_t>(gso_size_);
    std::memcpy(CMSG_DATA(cm), &segment, sizeof segment);
    ssize_t n = fd < 0 ? -1 : ::sendmsg(fd, &msg, 0);
    if (n >= 0) {
      tx_bytes_ += static_cast<uint64_t>(n);
    } else if (fd >= 0 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT ||
                           errno == EOPNOTSUPP)) {
      // No UDP GSO here (old kernel, or a device without checksum offload): send one by one
      // from now on.
      gso_supported_ = false;
      for (size_t off = 0; off < all.size(); off += gso_size_)
        send_now(gso_to_, all.subspan(off, std::min(gso_size_, all.size() - off)));
    } else {
      ++send_errors_;
    }
  }
  gso_buffer_.clear();
  gso_count_ = 0;
}

void OuterSocket::send_now(const Endpoint& to, std::span<const uint8_t> datagram) {
  int fd = to.ip.is_v4() ? v4_.get() : v6_.get();
  if (fd < 0) {
    ++send_errors_;
    return;
  }
  sockaddr_storage ss{};
  socklen_t len = to_sockaddr(to, ss);
  ssize_t n = ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&ss),
                       len);
  if (n < 0) {
    ++send_errors_;
    return;
  }
  tx_bytes_ += static_cast<uint64_t>(n);
}

size_t OuterSocket::receive_batch(int fd, const Receiver& on_datagram) {
  mmsghdr msgs[kBatch];
  iovec iovs[kBatch];
  sockaddr_storage addrs[kBatch];
  alignas(cmsghdr) char controls[kBatch][CMSG_SPACE(sizeof(int))];
  std::memset(msgs, 0, sizeof msgs);
  for (size_t i = 0; i < slots_; ++i) {
    iovs[i] = {buffers_.data() + i * slot_size_, slot_size_};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addrs[i];
    msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
    if (gro_) {
      msgs[i].msg_hdr.msg_control = controls[i];
      msgs[i].msg_hdr.msg_controllen = sizeof controls[i];
    }
  }
  int n = ::recvmmsg(fd, msgs, static_cast<unsigned>(slots_), MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;
  size_t datagrams = 0;
  for (int i = 0; i < n; ++i) {
    const msghdr& hdr = msgs[i].msg_hdr;
    if (hdr.msg_flags & MSG_TRUNC) continue;  // larger than any valid datagram
    size_t len = msgs[i].msg_len;
    size_t segment = len;
    for (cmsghdr* cm = CMSG_FIRSTHDR(&hdr); gro_ && cm; cm = CMSG_NXTHDR(const_cast<msghdr*>(&hdr), cm)) {
      if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
        int size = 0;
        std::memcpy(&size, CMSG_DATA(cm), sizeof size);
        if (size > 0) segment = static_cast<size_t>(size);
      }
    }
    rx_bytes_ += len;
    Endpoint from =
        from_sockaddr(reinterpret_cast<const sockaddr*>(&addrs[i]), msgs[i].msg_hdr.msg_namelen)
            .value_or(Endpoint{});
    uint8_t* base = buffers_.data() + static_cast<size_t>(i) * slot_size_;
    for (size_t off = 0; off < len; off += segment) {
      on_datagram({base + off, std::min(segment, len - off)}, from);
      ++datagrams;
    }
  }
  return datagrams;
}

}  // namespace wgnet::io
