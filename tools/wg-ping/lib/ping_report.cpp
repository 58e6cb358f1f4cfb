#include "ping_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wgnet::ping {
namespace {

constexpr size_t kIcmpHeaderBytes = 8;
constexpr size_t kIpv4HeaderBytes = 20;

std::string printf_string(const char* format, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// Microseconds as ping's "%ld.%03ld" milliseconds.
std::string millis3(int64_t us) {
  return printf_string("%ld.%03ld", long(us / 1000), long(us % 1000));
}

}  // namespace

std::string header_line(const Destination& to, size_t payload_size) {
  const std::string addr = to.address.to_string();
  if (to.address.is_v6())
    return "PING " + to.host + "(" + addr + ") " + std::to_string(payload_size) + " data bytes\n";
  return "PING " + to.host + " (" + addr + ") " + std::to_string(payload_size) + "(" +
         std::to_string(payload_size + kIcmpHeaderBytes + kIpv4HeaderBytes) + ") bytes of data.\n";
}

std::string format_rtt(std::chrono::microseconds rtt) {
  long us = static_cast<long>(rtt.count());
  if (us >= 100000 - 50) return printf_string("%ld", (us + 500) / 1000);
  if (us >= 10000 - 5)
    return printf_string("%ld.%01ld", (us + 50) / 1000, ((us + 50) % 1000) / 100);
  if (us >= 1000) return printf_string("%ld.%02ld", (us + 5) / 1000, ((us + 5) % 1000) / 10);
  return printf_string("%ld.%03ld", us / 1000, us % 1000);
}

std::string reply_line(const Destination& to, const PingReply& reply, bool timing, bool duplicate) {
  std::string from = reply.from.to_string();
  if (to.show_name) from = to.host + " (" + from + ")";
  std::string line = std::to_string(reply.bytes) + " bytes from " + from +
                     ": icmp_seq=" + std::to_string(reply.sequence) +
                     " ttl=" + std::to_string(reply.ttl);
  if (timing && reply.rtt)
    line +=
        " time=" + format_rtt(std::chrono::duration_cast<std::chrono::microseconds>(*reply.rtt)) +
        " ms";
  if (duplicate) line += " (DUP!)";
  return line + "\n";
}

void Statistics::sent(uint16_t sequence) {
  ++transmitted_;
  answered_[sequence] = false;  // a sequence number used again after wrapping is new
}

bool Statistics::received(uint16_t sequence, std::optional<std::chrono::microseconds> rtt) {
  // ping's "pipe": the most requests that were out when a reply came (sequence numbers are
  // the transmit count modulo 2^16).
  auto behind = static_cast<uint16_t>(static_cast<uint16_t>(transmitted_) - sequence);
  if (behind <= 0x7fff) pipe_ = std::max<uint64_t>(pipe_, behind + 1u);
  bool duplicate = answered_[sequence];
  answered_[sequence] = true;
  if (duplicate) {
    ++duplicates_;
  } else {
    ++received_;
  }
  if (rtt) {  // ping counts duplicates' times too
    int64_t us = rtt->count();
    if (rtt_count_ == 0 || us < rtt_min_) rtt_min_ = us;
    if (rtt_count_ == 0 || us > rtt_max_) rtt_max_ = us;
    ++rtt_count_;
    rtt_sum_ += us;
    rtt_sum_squares_ += static_cast<long double>(us) * us;
  }
  return duplicate;
}

std::optional<std::chrono::microseconds> Statistics::max_rtt() const {
  if (rtt_count_ == 0) return std::nullopt;
  return std::chrono::microseconds(rtt_max_);
}

std::string Statistics::summary(const std::string& host, std::chrono::milliseconds elapsed,
                                bool timing) const {
  std::string text = "\n--- " + host + " ping statistics ---\n";
  text += std::to_string(transmitted_) + " packets transmitted, " + std::to_string(received_) +
          " received, ";
  if (duplicates_ > 0) text += "+" + std::to_string(duplicates_) + " duplicates, ";
  if (transmitted_ > 0) {
    float loss =
        static_cast<float>(static_cast<double>(transmitted_ - std::min(received_, transmitted_)) *
                           100.0 / static_cast<double>(transmitted_));
    text += printf_string("%g%% packet loss", static_cast<double>(loss));
  }
  text += ", time " + std::to_string(elapsed.count()) + "ms\n";
  if (timing && received_ > 0 && rtt_count_ > 0) {
    int64_t avg = rtt_sum_ / rtt_count_;
    long double mean_square = rtt_sum_squares_ / rtt_count_;
    long double variance = mean_square - static_cast<long double>(avg) * avg;
    int64_t mdev = variance > 0 ? static_cast<int64_t>(std::sqrt(variance)) : 0;
    text += "rtt min/avg/max/mdev = " + millis3(rtt_min_) + "/" + millis3(avg) + "/" +
            millis3(rtt_max_) + "/" + millis3(mdev) + " ms";
    if (pipe_ > 1) text += ", ";
  }
  if (pipe_ > 1) text += "pipe " + std::to_string(pipe_);
  return text + "\n";
}

int Statistics::exit_status(bool deadline, std::optional<uint64_t> count) const {
  if (received_ == 0) return 1;
  if (deadline && count && received_ < *count) return 1;
  return 0;
}

}  // namespace wgnet::ping
