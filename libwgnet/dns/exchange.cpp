#include "dns/exchange.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

namespace wgnet::dns {
namespace {

constexpr size_t MAX_MESSAGE = 65535;

enum class Wait { kReady, kTimedOut, kFailed };

// Waits for `events` on fd until the deadline (retrying on EINTR).
Wait wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto now = Clock::now();
    if (now >= deadline) return Wait::kTimedOut;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{fd, events, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left, INT_MAX)));
    if (n > 0) return Wait::kReady;  // POLLERR/POLLHUP show up as a failing recv/send
    if (n == 0) continue;            // re-check the clock: poll may wake a little early
    if (errno != EINTR) return Wait::kFailed;
  }
}

Error fd_error(const char* what, int err) {
  if (err == ECONNREFUSED) {
    return make_error(ErrorCode::kConnectRefused,
                      std::string(what) + ": connection refused (nothing listens on the DNS port)");
  }
  return make_error(ErrorCode::kNetwork, std::string(what) + ": " + std::strerror(err));
}

Result<void> send_all(int fd, std::span<const uint8_t> data, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fd_error("sending a DNS query", errno);
    Wait w = wait_for(fd, POLLOUT, deadline);
    if (w == Wait::kTimedOut)
      return make_error(ErrorCode::kTimeout, "sending a DNS query timed out");
    if (w == Wait::kFailed) return fd_error("waiting to send a DNS query", errno);
  }
  return {};
}

}  // namespace

Result<void> udp_exchange(int fd, std::span<const QueryMessage* const> queries,
                          Clock::time_point deadline,
                          std::vector<std::optional<AcceptedReply>>& replies) {
  replies.clear();
  replies.resize(queries.size());
  for (const QueryMessage* q : queries) {
    if (auto r = send_all(fd, q->wire, deadline); !r) return r;
  }
  std::vector<uint8_t> buf(MAX_MESSAGE);
  size_t unanswered = queries.size();
  while (unanswered > 0) {
    Wait w = wait_for(fd, POLLIN, deadline);
    if (w == Wait::kTimedOut) return {};
    if (w == Wait::kFailed) return fd_error("waiting for a DNS reply", errno);
    ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return fd_error("receiving a DNS reply", errno);
    }
    std::span<const uint8_t> datagram(buf.data(), static_cast<size_t>(n));
    for (size_t i = 0; i < queries.size(); ++i) {
      if (replies[i]) continue;
      CheckedReply checked = check_reply(*queries[i], datagram);
      if (checked.verdict != ReplyVerdict::kAccepted) continue;
      replies[i] = AcceptedReply{
          {datagram.begin(), datagram.end()}, std::move(checked.packet), Clock::now()};
      --unanswered;
      break;
    }
  }
  return {};
}

Result<AcceptedReply> tcp_exchange(int fd, const QueryMessage& query, Clock::time_point deadline) {
  std::vector<uint8_t> framed;
  framed.reserve(query.wire.size() + 2);
  framed.push_back(static_cast<uint8_t>(query.wire.size() >> 8));
  framed.push_back(static_cast<uint8_t>(query.wire.size() & 0xff));
  framed.insert(framed.end(), query.wire.begin(), query.wire.end());
  if (auto r = send_all(fd, framed, deadline); !r) return r.error();

  // Messages on the stream are read one frame at a time; a frame that is not our reply is
  // skipped like a stray datagram.
  std::vector<uint8_t> pending;
  std::vector<uint8_t> chunk(MAX_MESSAGE + 2);
  for (;;) {
    while (pending.size() >= 2) {
      size_t len = static_cast<size_t>(pending[0] << 8 | pending[1]);
      if (pending.size() < 2 + len) break;
      std::span<const uint8_t> message(pending.data() + 2, len);
      CheckedReply checked = check_reply(query, message);
      if (checked.verdict == ReplyVerdict::kAccepted) {
        return AcceptedReply{
            {message.begin(), message.end()}, std::move(checked.packet), Clock::now()};
      }
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(2 + len));
    }
    Wait w = wait_for(fd, POLLIN, deadline);
    if (w == Wait::kTimedOut) {
      return make_error(ErrorCode::kTimeout, "no complete DNS reply over TCP in time");
    }
    if (w == Wait::kFailed) return fd_error("waiting for a DNS reply over TCP", errno);
    ssize_t n = ::recv(fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return fd_error("receiving a DNS reply over TCP", errno);
    }
    if (n == 0) {
      return make_error(ErrorCode::kNetwork,
                        "the DNS server closed the TCP connection without answering");
    }
    pending.insert(pending.end(), chunk.begin(), chunk.begin() + n);
  }
}

}  // namespace wgnet::dns
