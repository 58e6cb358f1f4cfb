#include "core/icmp_echo.hpp"

namespace wgnet::core {
namespace {

constexpr uint8_t kEchoRequestV4 = 8;
constexpr uint8_t kEchoReplyV4 = 0;
constexpr uint8_t kEchoRequestV6 = 128;
constexpr uint8_t kEchoReplyV6 = 129;

void put16(uint8_t* at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value >> 8);
  at[1] = static_cast<uint8_t>(value);
}

uint16_t get16(const uint8_t* at) {
  return static_cast<uint16_t>(at[0] << 8 | at[1]);
}

// RFC 1071 Internet checksum over the whole message (its checksum field zero).
uint16_t internet_checksum(std::span<const uint8_t> bytes) {
  uint32_t sum = 0;
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += get16(&bytes[i]);
  if (i < bytes.size()) sum += static_cast<uint32_t>(bytes[i]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

std::vector<uint8_t> build_echo_request(const EchoRequest& request) {
  std::vector<uint8_t> message(kIcmpEchoHeaderBytes + request.data_bytes);
  message[0] = request.family == IcmpFamily::kV4 ? kEchoRequestV4 : kEchoRequestV6;
  put16(&message[4], request.identifier);
  put16(&message[6], request.sequence);
  uint8_t* data = message.data() + kIcmpEchoHeaderBytes;
  size_t pattern_from = 0;
  if (request.data_bytes >= kIcmpEchoStampBytes) {
    for (size_t i = 0; i < kIcmpEchoStampBytes; ++i)
      data[i] = static_cast<uint8_t>(request.stamp_ns >> (8 * (kIcmpEchoStampBytes - 1 - i)));
    pattern_from = kIcmpEchoStampBytes;
  }
  for (size_t i = pattern_from; i < request.data_bytes; ++i) data[i] = static_cast<uint8_t>(i);
  if (request.family == IcmpFamily::kV4) put16(&message[2], internet_checksum(message));
  return message;
}

std::optional<EchoReply> parse_echo_reply(IcmpFamily family, std::span<const uint8_t> message) {
  if (message.size() < kIcmpEchoHeaderBytes) return std::nullopt;
  uint8_t reply_type = family == IcmpFamily::kV4 ? kEchoReplyV4 : kEchoReplyV6;
  if (message[0] != reply_type || message[1] != 0) return std::nullopt;
  EchoReply reply;
  reply.identifier = get16(&message[4]);
  reply.sequence = get16(&message[6]);
  reply.bytes = message.size();
  if (message.size() >= kIcmpEchoHeaderBytes + kIcmpEchoStampBytes) {
    uint64_t stamp = 0;
    for (size_t i = 0; i < kIcmpEchoStampBytes; ++i)
      stamp = stamp << 8 | message[kIcmpEchoHeaderBytes + i];
    reply.stamp_ns = stamp;
  }
  return reply;
}

}  // namespace wgnet::core
