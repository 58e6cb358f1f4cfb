#include "session_methods.hpp"

#include <algorithm>

#include <libssh2.h>

#include "ssh_config.hpp"

namespace wgnet::ssh {
namespace {

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string_view word = text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                               : comma - start);
    if (!word.empty()) out.emplace_back(word);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool matches_any(const std::string& name, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return match_pattern(name, p); });
}

// Supported names matching `patterns`, in the patterns' order (then libssh2's for a wildcard).
std::vector<std::string> select(const std::vector<std::string>& patterns,
                                const std::vector<std::string>& supported) {
  std::vector<std::string> out;
  for (const auto& pattern : patterns) {
    for (const auto& name : supported) {
      if (match_pattern(name, pattern) && std::find(out.begin(), out.end(), name) == out.end()) {
        out.push_back(name);
      }
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

}  // namespace

Result<std::string> resolve_algorithm_list(std::string_view spec,
                                           const std::vector<std::string>& supported,
                                           std::string_view option) {
  char mode = spec.empty() ? '\0' : spec.front();
  bool prefixed = mode == '+' || mode == '-' || mode == '^';
  std::vector<std::string> patterns = split_commas(prefixed ? spec.substr(1) : spec);
  if (patterns.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad SSH2 " + std::string(option) + " spec '" + std::string(spec) + "'.");
  }
  std::vector<std::string> result;
  if (mode == '+') {
    result = supported;
    for (const auto& name : select(patterns, supported)) {
      if (std::find(result.begin(), result.end(), name) == result.end()) result.push_back(name);
    }
  } else if (mode == '-') {
    for (const auto& name : supported) {
      if (!matches_any(name, patterns)) result.push_back(name);
    }
  } else if (mode == '^') {
    result = select(patterns, supported);
    for (const auto& name : supported) {
      if (std::find(result.begin(), result.end(), name) == result.end()) result.push_back(name);
    }
  } else {
    result = select(patterns, supported);
  }
  if (result.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no " + std::string(option) + " left from '" + std::string(spec) +
                          "' that libssh2 " LIBSSH2_VERSION " supports (it has: " +
                          join(supported) + ")");
  }
  return join(result);
}

std::string host_key_preference(const std::vector<std::string>& known_types,
                                const std::vector<std::string>& supported) {
  auto produces_known = [&](const std::string& algorithm) {
    for (const auto& type : known_types) {
      if (algorithm == type) return true;
      if (type == "ssh-rsa" && (algorithm == "rsa-sha2-512" || algorithm == "rsa-sha2-256")) {
        return true;
      }
    }
    return false;
  };
  std::vector<std::string> first;
  for (const auto& name : supported) {
    if (produces_known(name)) first.push_back(name);
  }
  if (first.empty()) return {};
  // The SHA-2 signatures of an RSA key before SHA-1's, as OpenSSH.
  std::stable_partition(first.begin(), first.end(),
                        [](const std::string& name) { return name != "ssh-rsa"; });
  std::vector<std::string> order = first;
  for (const auto& name : supported) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  return join(order);
}

bool terrapin_exposed(std::string_view cipher, std::string_view mac) {
  bool chacha = cipher.rfind("chacha20-poly1305", 0) == 0;
  bool etm = mac.size() >= 16 && mac.substr(mac.size() - 16) == "-etm@openssh.com";
  return chacha || etm;
}

}  // namespace wgnet::ssh
