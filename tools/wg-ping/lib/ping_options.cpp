#include "ping_options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace wgnet::ping {
namespace {

UsageError invalid_argument(const std::string& value) {
  return {"invalid argument: '" + value + "'", EXIT_NO_REPLY};
}

UsageError out_of_range(const std::string& value, long long low, long long high) {
  return {"invalid argument: '" + value + "': out of range: " + std::to_string(low) +
              " <= value <= " + std::to_string(high),
          EXIT_NO_REPLY};
}

// A whole decimal number in [low, high], as iputils' strtol_or_err checks it.
std::optional<UsageError> parse_integer(const std::string& value, long long low, long long high,
                                        long long& out) {
  if (value.empty()) return invalid_argument(value);
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(value.c_str(), &end, 10);
  if (*end != '\0') return invalid_argument(value);
  if (errno == ERANGE || n < low || n > high) return out_of_range(value, low, high);
  out = n;
  return std::nullopt;
}

// Seconds with a fraction ("0.2", "1", "1.5"); nothing else on the line.
std::optional<double> parse_seconds(const std::string& value) {
  if (value.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double s = std::strtod(value.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(s)) return std::nullopt;
  return s;
}

std::chrono::microseconds micros(double seconds) {
  return std::chrono::microseconds(std::llround(seconds * 1e6));
}

// One option that takes a value, applied to `o`.
std::optional<UsageError> apply_value(char flag, const std::string& value, Options& o) {
  long long n = 0;
  switch (flag) {
    case 'c':
      if (auto e = parse_integer(value, 1, std::numeric_limits<int64_t>::max(), n)) return e;
      o.count = static_cast<uint64_t>(n);
      return std::nullopt;
    case 's':
      if (auto e = parse_integer(value, 0, kMaxPayload, n)) return e;
      o.payload_size = static_cast<size_t>(n);
      return std::nullopt;
    case 'w':
      if (auto e = parse_integer(value, 0, std::numeric_limits<int32_t>::max(), n)) return e;
      if (n > 0) o.deadline = std::chrono::seconds(n);  // ping: -w 0 is no deadline
      return std::nullopt;
    case 'i': {
      auto s = parse_seconds(value);
      if (!s || *s < 0 || *s > std::numeric_limits<int32_t>::max() / 1000.0)
        return UsageError{"bad timing interval: " + value, EXIT_ERROR};
      if (micros(*s) < kMinInterval)
        return UsageError{"cannot flood; minimal interval allowed is 2ms", EXIT_ERROR};
      o.interval = micros(*s);
      return std::nullopt;
    }
    case 'W': {
      auto s = parse_seconds(value);
      if (!s || *s < 0 || *s > std::numeric_limits<int32_t>::max() / 1000.0)
        return UsageError{"bad linger time: " + value, EXIT_ERROR};
      o.linger = micros(*s);
      return std::nullopt;
    }
  }
  return UsageError{"invalid option -- '" + std::string(1, flag) + "'", EXIT_ERROR};
}

bool takes_value(char flag) {
  return flag == 'c' || flag == 'i' || flag == 'W' || flag == 'w' || flag == 's';
}

bool apply_flag(char flag, Options& o) {
  switch (flag) {
    case 'q':
      o.quiet = true;
      return true;
    case 'n':
      o.numeric = true;
      return true;
    case '4':
      o.family = AddressFamily::kV4;
      return true;
    case '6':
      o.family = AddressFamily::kV6;
      return true;
    case 'v':
      ++o.verbosity;
      return true;
    case 'h':
      o.help = true;
      return true;
    case 'V':
      o.version = true;
      return true;
  }
  return false;
}

// A --long option; false when `arg` is none of ours.
std::optional<UsageError> apply_long(const std::vector<std::string>& args, size_t& i, Options& o,
                                     bool& known) {
  const std::string& arg = args[i];
  known = true;
  if (arg == "--help") {
    o.help = true;
  } else if (arg == "--version") {
    o.version = true;
  } else if (arg == "--no-share") {
    o.share = false;
  } else if (arg == "--wg-config") {
    if (i + 1 >= args.size())
      return UsageError{"option '--wg-config' requires an argument", EXIT_ERROR};
    o.config_path = args[++i];
  } else if (arg.rfind("--wg-config=", 0) == 0) {
    o.config_path = arg.substr(std::string("--wg-config=").size());
  } else {
    known = false;
  }
  return std::nullopt;
}

}  // namespace

ParseResult parse_command_line(const std::vector<std::string>& args) {
  Options o;
  std::vector<std::string> operands;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      operands.insert(operands.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.rfind("--", 0) == 0) {
      bool known = false;
      if (auto e = apply_long(args, i, o, known)) return {std::nullopt, e};
      if (!known)
        return {std::nullopt, UsageError{"unrecognized option '" + arg + "'", EXIT_ERROR}};
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      operands.push_back(arg);
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      char flag = arg[k];
      if (takes_value(flag)) {
        std::string value;
        if (k + 1 < arg.size()) {
          value = arg.substr(k + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return {std::nullopt,
                  UsageError{"option requires an argument -- '" + std::string(1, flag) + "'",
                             EXIT_ERROR}};
        }
        if (auto e = apply_value(flag, value, o)) return {std::nullopt, e};
        break;
      }
      if (!apply_flag(flag, o))
        return {std::nullopt,
                UsageError{"invalid option -- '" + std::string(1, flag) + "'", EXIT_ERROR}};
    }
  }
  if (o.help || o.version) return {o, std::nullopt};
  if (operands.empty())
    return {std::nullopt, UsageError{"usage error: Destination address required", EXIT_NO_REPLY}};
  if (operands.size() > 1)
    return {std::nullopt,
            UsageError{"usage error: only one destination: '" + operands[1] + "'", EXIT_ERROR}};
  o.destination = operands.front();
  return {o, std::nullopt};
}

std::string usage_text() {
  return R"(Usage
  wg-ping [options] <destination>

ICMP echo through an in-process WireGuard tunnel, as iputils ping.

Options:
  <destination>        name (resolved through the tunnel's DNS=) or IP address
  -c <count>           stop after <count> replies (with -w) or packets
  -i <interval>        seconds between sending each packet (at least 0.002)
  -n                   no names in the output: addresses only
  -q                   quiet output: the statistics only
  -s <size>            use <size> as number of data bytes to be sent
  -v                   report the tunnel (handshake, traffic) on stderr
  -w <deadline>        reply wait <deadline> in seconds
  -W <timeout>         time to wait for the last responses, seconds
  -4                   use IPv4
  -6                   use IPv6
  -h, --help           print help and exit
  -V, --version        print version and exit
  --wg-config <file>   WireGuard config (default: $WGNET_CONFIG); -c is ping's count
  --no-share           a tunnel of our own, not the config's shared agent

Exit status: 0 some reply, 1 no reply (or fewer than -c within -w), 2 other errors.
For more details see wg-ping(1).
)";
}

}  // namespace wgnet::ping
