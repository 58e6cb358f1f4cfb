// What wg-ping prints, in iputils ping's exact shapes, and the counts behind its statistics:
//   PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.          PING fd00::1(fd00::1) 56 data bytes
//   64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.123 ms
//   --- 10.0.0.1 ping statistics ---
//   3 packets transmitted, 3 received, 0% packet loss, time 2003ms
//   rtt min/avg/max/mdev = 0.101/0.123/0.150/0.020 ms
// Pure functions of their inputs (no clock, no I/O), so tests feed them made-up times.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wgnet/ip.hpp"
#include "wgnet/tunnel.hpp"

namespace wgnet::ping {

// ping prints round-trip times only when the data has room for its timestamp (a timeval).
inline constexpr size_t kTimingMinPayload = 16;

// How replies name their sender: "NAME (ADDR)" when a name was given (and not -n), else ADDR.
// wg-ping does no reverse lookups: the name is the one the user typed.
struct Destination {
  std::string host;  // as typed
  IpAddress address;
  bool show_name = false;
};

std::string header_line(const Destination& to, size_t payload_size);
// iputils' time= precision: 3 decimals below 1 ms, 2 below 10 ms, 1 below 100 ms, none above.
std::string format_rtt(std::chrono::microseconds rtt);
std::string reply_line(const Destination& to, const PingReply& reply, bool timing, bool duplicate);

class Statistics {
 public:
  void sent(uint16_t sequence);
  // Counts a reply; true when its sequence was already answered (ping's "(DUP!)").
  bool received(uint16_t sequence, std::optional<std::chrono::microseconds> rtt);

  uint64_t transmitted() const { return transmitted_; }
  uint64_t replies() const { return received_; }  // not counting duplicates
  std::optional<std::chrono::microseconds> max_rtt() const;

  // The block after the run: blank line, "--- host ping statistics ---", the counts line and,
  // with timing and any reply, the rtt line (", pipe N" when replies came N requests behind).
  std::string summary(const std::string& host, std::chrono::milliseconds elapsed,
                      bool timing) const;
  // 0 with a reply, 1 with none, or with -w (deadline) and fewer replies than -c.
  int exit_status(bool deadline, std::optional<uint64_t> count) const;

 private:
  uint64_t transmitted_ = 0, received_ = 0, duplicates_ = 0, pipe_ = 0;
  std::vector<bool> answered_ = std::vector<bool>(65536);
  int64_t rtt_count_ = 0, rtt_sum_ = 0, rtt_min_ = 0, rtt_max_ = 0;
  long double rtt_sum_squares_ = 0;
};

}  // namespace wgnet::ping
