// DNS over a TCP stream (RFC 1035 4.2.2): a 2-byte length before each message. Pure: the bytes
// come from the engine's driver.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/message.hpp"

namespace wgnet::dns {

// The query as it goes on the stream.
std::vector<uint8_t> frame_for_tcp(std::span<const uint8_t> message);

// Collects stream bytes into messages and picks out the reply to one query; frames that do not
// answer it are skipped like stray datagrams.
class TcpReplyReader {
 public:
  struct Accepted {
    std::vector<uint8_t> wire;
    PktPtr packet;
  };
  std::optional<Accepted> feed(const QueryMessage& query, std::span<const uint8_t> bytes);

 private:
  std::vector<uint8_t> pending_;
};

}  // namespace wgnet::dns
