#include "tools/loopback_udp_echo.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace wgnet::test {

LoopbackUdpEcho::LoopbackUdpEcho(std::string prefix)
    : prefix_(std::move(prefix)),
      socket_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)),
      stop_(::eventfd(0, EFD_CLOEXEC)) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (::bind(socket_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    throw std::runtime_error("UDP echo: bind on 127.0.0.1 failed");
  }
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] {
    std::string answer;
    std::array<char, 65536> buf{};
    for (;;) {
      std::array<pollfd, 2> fds{};
      fds[0] = {socket_.get(), POLLIN, 0};
      fds[1] = {stop_.get(), POLLIN, 0};
      if (::poll(fds.data(), fds.size(), -1) <= 0 || fds[1].revents != 0) return;
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      ssize_t n = ::recvfrom(socket_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) continue;
      answer = prefix_ + std::string(buf.data(), static_cast<size_t>(n));
      ::sendto(socket_.get(), answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from),
               from_len);
    }
  });
}

LoopbackUdpEcho::~LoopbackUdpEcho() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_.get(), &one, sizeof one);
  thread_.join();
}

}  // namespace wgnet::test
