#include "relay_options.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string_view>

namespace wgnet::relay {

namespace {

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_percent(std::string_view text, double& out) {
  // std::from_chars for double is in libstdc++ 11+.
  return parse_number(text, out) && out >= 0 && out <= 100;
}

struct NumberOption {
  std::string_view name;
  uint32_t RelayOptions::*field;
  uint32_t min;
};
constexpr NumberOption kNumbers[] = {
    {"--delay-ms", &RelayOptions::delay_ms, 0},        // milliseconds
    {"--jitter-ms", &RelayOptions::jitter_ms, 0},      // milliseconds
    {"--reorder-ms", &RelayOptions::reorder_ms, 0},    // milliseconds
    {"--max-seconds", &RelayOptions::max_seconds, 1},  // the relay must end
    {"--idle-seconds", &RelayOptions::idle_seconds, 1},
    {"--max-clients", &RelayOptions::max_clients, 1},
    {"--max-queued", &RelayOptions::max_queued, 1},
};

struct PercentOption {
  std::string_view name;
  double RelayOptions::*field;
};
constexpr PercentOption kPercentages[] = {
    {"--loss", &RelayOptions::loss_pct},
    {"--reorder", &RelayOptions::reorder_pct},
    {"--dup", &RelayOptions::dup_pct},
};

template <typename Option, size_t N>
const Option* find_option(const Option (&table)[N], std::string_view name) {
  for (const Option& o : table) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace

const char* relay_usage() {
  return "usage: wgnet-udp-relay --listen ADDR:PORT --upstream ADDR:PORT [--delay-ms N]\n"
         "         [--jitter-ms N] [--loss PCT] [--reorder PCT] [--reorder-ms N] [--dup PCT]\n"
         "         [--seed N] [--max-seconds N] [--idle-seconds N] [--max-clients N]\n"
         "         [--max-queued N] [--ready FILE]\n"
         "Relays UDP between clients and one upstream, impairing both directions alike; each\n"
         "client gets its own upstream socket. Counters go to stderr at exit.\n";
}

std::optional<SocketAddress> parse_socket_address(const std::string& text) {
  SocketAddress out;
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return std::nullopt;
    host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  uint16_t port = 0;
  if (!parse_number(port_text, port) || port == 0) return std::nullopt;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.length = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.length = sizeof *v6;
  } else {
    return std::nullopt;
  }
  return out;
}

ParseResult parse_relay_options(int argc, char** argv) {
  ParseResult result;
  RelayOptions o;
  bool have_listen = false;
  bool have_upstream = false;
  auto fail = [&](std::string message) {
    result.error = std::move(message);
    return result;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (name == "-h" || name == "--help") {
      result.help = true;
      return result;
    }
    if (i + 1 >= argc) return fail(std::string(name) + ": missing value");
    const std::string value = argv[++i];
    auto bad = [&](const char* what) {
      return fail(std::string(name) + ": `" + value + "' is not " + what);
    };
    if (name == "--listen" || name == "--upstream") {
      auto addr = parse_socket_address(value);
      if (!addr) return bad("a numeric ADDR:PORT or [ADDR6]:PORT");
      (name == "--listen" ? o.listen : o.upstream) = *addr;
      (name == "--listen" ? have_listen : have_upstream) = true;
    } else if (const auto* n = find_option(kNumbers, name)) {
      if (!parse_number(value, o.*(n->field)) || o.*(n->field) < n->min) {
        return bad(n->min == 0 ? "a number" : "a number > 0");
      }
    } else if (const auto* pct = find_option(kPercentages, name)) {
      if (!parse_percent(value, o.*(pct->field))) return bad("a percentage 0..100");
    } else if (name == "--seed") {
      if (!parse_number(value, o.seed)) return bad("a number");
    } else if (name == "--ready") {
      o.ready_file = value;
    } else {
      return fail(std::string(name) + ": unknown option");
    }
  }
  if (!have_listen) return fail("--listen: required");
  if (!have_upstream) return fail("--upstream: required");
  result.options = o;
  return result;
}

}  // namespace wgnet::relay
