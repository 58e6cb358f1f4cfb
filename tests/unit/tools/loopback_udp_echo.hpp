// A UDP echo on 127.0.0.1 for tests: answers each datagram to its sender, prefixed with `prefix`
// (so a test can tell the echo's answer from its own datagram); stops on destruction.
#pragma once

#include <cstdint>
#include <string>
#include <thread>

#include "wgnet/fd.hpp"

namespace wgnet::test {

class LoopbackUdpEcho {
 public:
  explicit LoopbackUdpEcho(std::string prefix = "");
  ~LoopbackUdpEcho();
  LoopbackUdpEcho(const LoopbackUdpEcho&) = delete;
  LoopbackUdpEcho& operator=(const LoopbackUdpEcho&) = delete;
  uint16_t port() const { return port_; }

 private:
  std::string prefix_;
  Fd socket_;
  Fd stop_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace wgnet::test
