#include "tunnel_resolve.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace wgnet::curl {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || !text) return std::nullopt;
  std::string value(text);
  curl_free(text);
  return value;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

std::optional<uint16_t> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  unsigned long value = std::stoul(text);
  if (value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// One "host" field of --connect-to: "[v6]" or up to the next ':'. Advances `pos` past the ':'.
std::optional<std::string> take_host(const std::string& text, size_t& pos) {
  size_t end;
  std::string host;
  if (pos < text.size() && text[pos] == '[') {
    size_t close = text.find(']', pos);
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(pos + 1, close - pos - 1);
    end = close + 1;
    if (end < text.size() && text[end] != ':') return std::nullopt;
  } else {
    end = text.find(':', pos);
    if (end == std::string::npos) return std::nullopt;
    host = text.substr(pos, end - pos);
  }
  pos = end + 1;
  return host;
}

}  // namespace

Result<UrlHost> parse_url_host(const std::string& url) {
  UrlHandle handle(curl_url());
  if (!handle) return make_error(ErrorCode::kInternal, "out of memory");
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                              CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) return make_error(ErrorCode::kInvalidArgument, curl_url_strerror(rc));
  UrlHost parts;
  parts.url = url_part(handle.get(), CURLUPART_URL).value_or(url);
  parts.scheme = lower(url_part(handle.get(), CURLUPART_SCHEME).value_or(""));
  parts.host = strip_brackets(url_part(handle.get(), CURLUPART_HOST).value_or(""));
  if (auto port = url_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT)) {
    auto number = parse_port(*port);
    if (!number) return make_error(ErrorCode::kInvalidArgument, "Port number was not a decimal number between 0 and 65535");
    parts.port = *number;
  }
  // A zone ("fe80::1%eth0") is the OS's business, not the tunnel's: no literal then.
  parts.ip_literal = IpAddress::parse(parts.host).has_value();
  parts.has_credentials = url_part(handle.get(), CURLUPART_USER).has_value();
  return parts;
}

std::string resolve_entry(const std::string& host, uint16_t port,
                          const std::vector<IpAddress>& addresses) {
  std::string entry = host + ":" + std::to_string(port) + ":";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) entry += ',';
    const auto& ip = addresses[i];
    entry += ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string();
  }
  return entry;
}

const ResolveEntry* user_resolve_for(const std::vector<ResolveEntry>& entries,
                                     const std::string& host, uint16_t port) {
  const ResolveEntry* found = nullptr;
  for (const auto& entry : entries) {
    if (entry.port != port || !iequals(entry.host, host)) continue;
    found = entry.remove ? nullptr : &entry;
  }
  return found;
}

std::optional<std::pair<std::string, uint16_t>> connect_to_target(
    const std::vector<std::string>& entries, const std::string& host, uint16_t port) {
  for (const auto& entry : entries) {
    size_t pos = 0;
    auto host1 = take_host(entry, pos);
    if (!host1) continue;
    size_t colon = entry.find(':', pos);
    if (colon == std::string::npos) continue;
    std::string port1 = entry.substr(pos, colon - pos);
    pos = colon + 1;
    auto host2 = take_host(entry, pos);
    if (!host2) continue;
    std::string port2 = entry.substr(pos);
    if (!host1->empty() && !iequals(*host1, host)) continue;
    if (!port1.empty() && parse_port(port1) != port) continue;
    std::optional<uint16_t> target_port = port2.empty() ? std::optional<uint16_t>(port) : parse_port(port2);
    if (!target_port) continue;
    return std::make_pair(host2->empty() ? host : *host2, *target_port);
  }
  return std::nullopt;
}

}  // namespace wgnet::curl
