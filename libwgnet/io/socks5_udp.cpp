// One association: one poll() loop over the control connection, the OS relay socket and the
// tunnel socket. Each readable socket yields one datagram per turn, handled at once and never
// queued: a datagram that cannot be sent now is dropped, as UDP may be.
#include "io/socks5_udp.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "wgnet/sockaddr.hpp"

namespace wgnet::io::socks5 {
namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxUdpPayload = 65535;
constexpr size_t kMaxUdpHeader = 4 + 1 + 255 + 2;  // RSV FRAG ATYP, a 255-byte name, port
// Names resolved per association; a client naming more distinct hosts than this restarts the
// cache rather than growing it.
constexpr size_t kMaxCachedNames = 64;

bool is_unspecified(const IpAddress& ip) {
  auto v = ip.view();
  return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

Error os_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

// The local UDP socket the client sends its datagrams to.
Result<Fd> bind_relay_socket(const std::string& address, Endpoint& bound) {
  auto ip = IpAddress::parse(address);
  if (!ip) {
    return make_error(ErrorCode::kInvalidArgument,
                      "UDP relay address `" + address + "' is not an IP address");
  }
  sockaddr_storage ss{};
  socklen_t length = to_sockaddr(Endpoint{*ip, 0}, ss);
  Fd fd(::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return os_error("UDP relay socket");
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), length) < 0) {
    return os_error("binding the UDP relay to " + address);
  }
  length = sizeof ss;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &length);
  auto local = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), length);
  if (!local) return make_error(ErrorCode::kInternal, "UDP relay socket has no address");
  bound = *local;
  return fd;
}

class Association {
 public:
  Association(Tunnel& tunnel, int client, Fd relay, std::unique_ptr<UdpSocket> socket,
              const Request& request, const Socks5Options& options)
      : tunnel_(tunnel),
        client_(client),
        relay_(std::move(relay)),
        socket_(std::move(socket)),
        options_(options),
        inbound_(kMaxUdpPayload),
        outbound_(kMaxUdpHeader + kMaxUdpPayload) {
    // DST.ADDR/DST.PORT of the request: where the client will send from, when it knows. Zeros
    // (the usual case) leave it to the first datagram.
    const Address& expected = request.destination;
    if (expected.ip && !is_unspecified(*expected.ip)) expected_ip_ = *expected.ip;
    expected_port_ = expected.port;
  }

  // Relays until the control connection ends or cancel; returns the summary for the log.
  std::string run(int cancel_fd) {
    bool done = false;
    while (!done) {
      std::array<pollfd, 4> fds{};
      fds[0] = {client_, POLLIN, 0};
      fds[1] = {relay_.get(), POLLIN, 0};
      fds[2] = {socket_->fd(), POLLIN, 0};
      fds[3] = {cancel_fd, POLLIN, 0};
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if ((fds[3].revents & POLLIN) != 0) break;
      if (fds[0].revents != 0) done = !control_still_open();
      if (!done && fds[1].revents != 0) from_client();
      if (!done && fds[2].revents != 0) done = !from_tunnel();
    }
    std::string line = std::to_string(sent_) + " datagrams out, " + std::to_string(received_) +
                       " in, " + std::to_string(dropped_) + " dropped";
    if (!last_drop_.empty()) line += " (last: " + last_drop_ + ")";
    return line;
  }

 private:
  // The control connection carries nothing after the reply; anything sent is discarded.
  bool control_still_open() {
    std::array<char, 512> scratch{};
    const ssize_t n = ::recv(client_, scratch.data(), scratch.size(), MSG_DONTWAIT);
    if (n > 0) return true;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    return false;
  }

  void drop(std::string why) {
    ++dropped_;
    last_drop_ = std::move(why);
  }

  bool accepted_source(const Endpoint& from) {
    if (client_address_) return from == *client_address_;
    if (expected_ip_ && from.ip != *expected_ip_) return false;
    if (expected_port_ != 0 && from.port != expected_port_) return false;
    client_address_ = from;  // the first datagram fixes the client's address
    return true;
  }

  Result<IpAddress> destination_ip(const Address& destination) {
    if (destination.ip) return *destination.ip;
    if (auto hit = names_.find(destination.host); hit != names_.end()) return hit->second;
    // Through the tunnel's DNS only, as CONNECT's names are.
    auto addresses = tunnel_.resolve(destination.host, AddressFamily::kAny, options_.dial_timeout);
    if (!addresses) return addresses.error();
    if (addresses->empty()) {
      return make_error(ErrorCode::kResolve, destination.host + " has no address");
    }
    if (names_.size() >= kMaxCachedNames) names_.clear();
    names_[destination.host] = addresses->front();
    return addresses->front();
  }

  void from_client() {
    sockaddr_storage ss{};
    socklen_t length = sizeof ss;
    const ssize_t n = ::recvfrom(relay_.get(), outbound_.data(), outbound_.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&ss), &length);
    if (n < 0) return;
    auto from = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), length);
    if (!from || !accepted_source(*from)) {
      drop("a datagram from " + (from ? from->to_string() : std::string("elsewhere")) +
           ", not the client");
      return;
    }
    std::span<const uint8_t> datagram(outbound_.data(), static_cast<size_t>(n));
    auto header = parse_udp_header(datagram);
    if (header.status != ParseStatus::kOk) {
      drop("a datagram without a valid SOCKS5 UDP header");
      return;
    }
    if (header.value.fragment != 0) {  // fragmentation is optional (RFC 1928 section 7)
      drop("a fragment (FRAG " + std::to_string(header.value.fragment) + ")");
      return;
    }
    auto ip = destination_ip(header.value.destination);
    if (!ip) {
      drop(ip.error().message);
      return;
    }
    auto sent = socket_->send_to(datagram.subspan(header.consumed),
                                 Endpoint{*ip, header.value.destination.port});
    if (!sent) {
      drop(sent.error().message);
      return;
    }
    ++sent_;
  }

  // false once the tunnel socket is closed (the tunnel is gone).
  bool from_tunnel() {
    Endpoint from;
    // The fd said readable: a datagram is there, so 1 ms is only a guard against waiting.
    auto n = socket_->recv_from(inbound_, from, milliseconds(1));
    if (!n) return n.error().code != ErrorCode::kClosed;
    if (!client_address_) {
      drop("a reply from " + from.to_string() + " before the client sent anything");
      return true;
    }
    std::vector<uint8_t> header = build_udp_header(from);
    std::array<iovec, 2> parts{};
    parts[0] = {header.data(), header.size()};
    parts[1] = {inbound_.data(), *n};
    sockaddr_storage ss{};
    msghdr message{};
    message.msg_name = &ss;
    message.msg_namelen = to_sockaddr(*client_address_, ss);
    message.msg_iov = parts.data();
    message.msg_iovlen = parts.size();
    if (::sendmsg(relay_.get(), &message, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
      drop(std::string("to the client: ") + std::strerror(errno));
      return true;
    }
    ++received_;
    return true;
  }

  Tunnel& tunnel_;
  int client_;
  Fd relay_;
  std::unique_ptr<UdpSocket> socket_;
  const Socks5Options& options_;
  std::optional<IpAddress> expected_ip_;
  uint16_t expected_port_ = 0;
  std::optional<Endpoint> client_address_;
  std::map<std::string, IpAddress> names_;
  std::vector<uint8_t> inbound_;   // one datagram from the tunnel
  std::vector<uint8_t> outbound_;  // one datagram from the client, header included
  uint64_t sent_ = 0, received_ = 0, dropped_ = 0;
  std::string last_drop_;
};

}  // namespace

std::string serve_udp_associate(Tunnel& tunnel, int client, ClientIo& io, const Request& request,
                                const Socks5Options& options, int cancel_fd) {
  const Endpoint none{IpAddress::v4(0, 0, 0, 0), 0};
  Endpoint relay_address;
  auto relay = bind_relay_socket(options.udp_relay_address, relay_address);
  if (!relay) {
    (void)io.send(build_reply(Reply::kGeneralFailure, none));
    return "failed: " + relay.error().message;
  }
  auto socket = tunnel.bind_udp("", 0);
  if (!socket) {
    (void)io.send(build_reply(reply_for(socket.error().code), none));
    return "failed: " + socket.error().message;
  }
  if (!io.send(build_reply(Reply::kSucceeded, relay_address))) return "client went away";
  Association association(tunnel, client, std::move(*relay), std::move(*socket), request, options);
  return "relay " + relay_address.to_string() + ": " + association.run(cancel_fd);
}

}  // namespace wgnet::io::socks5
