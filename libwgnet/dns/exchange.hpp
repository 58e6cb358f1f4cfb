// Moving DNS messages over the connected file descriptors a Transport hands out: UDP (one
// datagram per message) and TCP (RFC 1035 4.2.2: a 2-byte length before each message). Runs in
// the caller's thread, every wait bounded by a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "dns/message.hpp"
#include "wgnet/result.hpp"

namespace wgnet::dns {

using Clock = std::chrono::steady_clock;

struct AcceptedReply {
  std::vector<uint8_t> wire;
  PktPtr packet;
  Clock::time_point received;
};

// Sends every query on the connected datagram fd, then reads datagrams until each query has an
// accepted reply or `deadline` passes; replies that fail check_reply are ignored. replies[i]
// answers queries[i]. An error only when the fd itself fails (the server's port is closed,
// the tunnel is gone): the caller then moves on to the next server at once.
Result<void> udp_exchange(int fd, std::span<const QueryMessage* const> queries,
                          Clock::time_point deadline,
                          std::vector<std::optional<AcceptedReply>>& replies);

// One query over a connected stream fd. kTimeout at the deadline; kNetwork when the server
// closes the connection or the fd fails.
Result<AcceptedReply> tcp_exchange(int fd, const QueryMessage& query, Clock::time_point deadline);

}  // namespace wgnet::dns
