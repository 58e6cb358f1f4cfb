#include "dns/tcp_stream.hpp"

namespace wgnet::dns {

std::vector<uint8_t> frame_for_tcp(std::span<const uint8_t> message) {
  std::vector<uint8_t> framed;
  framed.reserve(message.size() + 2);
  framed.push_back(static_cast<uint8_t>(message.size() >> 8));
  framed.push_back(static_cast<uint8_t>(message.size() & 0xff));
  framed.insert(framed.end(), message.begin(), message.end());
  return framed;
}

std::optional<TcpReplyReader::Accepted> TcpReplyReader::feed(const QueryMessage& query,
                                                             std::span<const uint8_t> bytes) {
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  while (pending_.size() >= 2) {
    size_t len = static_cast<size_t>(pending_[0] << 8 | pending_[1]);
    if (pending_.size() < 2 + len) break;
    std::span<const uint8_t> message(pending_.data() + 2, len);
    CheckedReply checked = check_reply(query, message);
    if (checked.verdict == ReplyVerdict::kAccepted) {
      return Accepted{{message.begin(), message.end()}, std::move(checked.packet)};
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(2 + len));
  }
  return std::nullopt;
}

}  // namespace wgnet::dns
