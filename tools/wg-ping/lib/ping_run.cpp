#include "ping_run.hpp"

#include <algorithm>
#include <chrono>

namespace wgnet::ping {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr milliseconds kWaitSlice{100};  // how long a SIGINT may go unnoticed
constexpr milliseconds kDefaultLinger{10000};

// When to stop waiting for the last replies once -c requests are out (no -w).
Clock::time_point linger_end(const Options& o, const Statistics& stats, Clock::time_point last) {
  if (stats.replies() == 0) return last + o.linger.value_or(kDefaultLinger);
  microseconds wait = o.interval;
  if (auto slowest = stats.max_rtt()) wait = std::max(wait, 2 * *slowest);
  return last + wait;
}

}  // namespace

int run_ping(const RunContext& ctx) {
  const Options& o = ctx.options;
  const bool timing = o.payload_size >= kTimingMinPayload;
  const bool deadline_set = o.deadline.has_value();
  ctx.out(header_line(ctx.destination, o.payload_size));

  Statistics stats;
  const auto start = Clock::now();
  const auto deadline = start + o.deadline.value_or(std::chrono::seconds(0));
  auto next_send = start;
  auto last_send = start;
  uint16_t sequence = 0;
  while (!ctx.interrupted()) {
    auto now = Clock::now();
    if (deadline_set && now >= deadline) break;
    if (o.count && stats.replies() >= *o.count) break;
    const bool sending_done = !deadline_set && o.count && stats.transmitted() >= *o.count;
    if (!sending_done && now >= next_send) {
      ++sequence;
      if (auto sent = ctx.pinger.send(sequence, o.payload_size); !sent) {
        ctx.warn(sent.error().message);
      }
      stats.sent(sequence);
      last_send = now;
      next_send += o.interval;
      if (next_send < now) next_send = now;  // do not burst to catch up after a stall
      continue;
    }
    auto wake = now + kWaitSlice;
    if (!sending_done) wake = std::min(wake, next_send);
    if (deadline_set) wake = std::min(wake, deadline);
    if (sending_done) {
      auto end = linger_end(o, stats, last_send);
      if (now >= end) break;
      wake = std::min(wake, end);
    }
    auto wait = std::max(milliseconds(1), duration_cast<milliseconds>(wake - now));
    auto reply = ctx.pinger.receive(wait);
    if (!reply) continue;
    std::optional<microseconds> rtt;
    if (timing && reply->rtt) rtt = duration_cast<microseconds>(*reply->rtt);
    bool duplicate = stats.received(reply->sequence, rtt);
    if (!o.quiet) ctx.out(reply_line(ctx.destination, *reply, timing, duplicate));
  }
  auto elapsed = duration_cast<milliseconds>(Clock::now() - start);
  ctx.out(stats.summary(ctx.destination.host, elapsed, timing));
  return stats.exit_status(deadline_set, o.count);
}

}  // namespace wgnet::ping
