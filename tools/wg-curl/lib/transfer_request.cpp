#include "transfer_request.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#ifndef WGNET_CURL_VERSION
#error "tools/CMakeLists.txt defines WGNET_CURL_VERSION for wgnet_curl"
#endif

namespace wgnet::curl {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlFree {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

// The header's name if `line` is "Name: value", "Name:" (removal) or "Name;" (empty value).
std::string header_name(const std::string& line) {
  size_t end = line.find_first_of(":;");
  std::string name = line.substr(0, end == std::string::npos ? line.size() : end);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

bool has_header(const std::vector<std::string>& lines, const std::string& lower_name) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return header_name(l) == lower_name; });
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

RequestKind initial_kind(const CurlOptions& options, const UrlTarget& target) {
  if (target.upload) return RequestKind::kPut;
  if (options.head) return RequestKind::kHead;
  if (!options.form.empty()) return RequestKind::kMimePost;
  if (options.data && !options.get) return RequestKind::kPost;
  return RequestKind::kGet;
}

std::string request_url(const std::string& url, const CurlOptions& options,
                        const std::optional<std::string>& upload) {
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                              CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return url;
  for (const auto* query : {options.get && options.data ? &*options.data : nullptr,
                            options.url_query ? &*options.url_query : nullptr}) {
    // CURLU_APPENDQUERY joins with '&'; the parts are already encoded as curl sends them.
    if (query && !query->empty())
      curl_url_set(handle.get(), CURLUPART_QUERY, query->c_str(), CURLU_APPENDQUERY);
  }
  if (upload && *upload != "-" && *upload != ".") {
    char* raw = nullptr;
    curl_url_get(handle.get(), CURLUPART_PATH, &raw, 0);
    CurlString path(raw);
    std::string p = path ? path.get() : "";
    if (p.empty() || p.back() == '/') {
      CurlString escaped(curl_easy_escape(nullptr, base_name(*upload).c_str(), 0));
      if (escaped) curl_url_set(handle.get(), CURLUPART_PATH, (p + escaped.get()).c_str(), 0);
    }
  }
  char* full = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_URL, &full, 0) != CURLUE_OK || !full) return url;
  CurlString owned(full);
  return owned.get();
}

std::vector<std::string> request_headers(const CurlOptions& options, bool credentials_ok,
                                         bool custom_host_ok) {
  std::vector<std::string> lines;
  for (const auto& line : options.headers) {
    std::string name = header_name(line);
    if (!credentials_ok && (name == "authorization" || name == "cookie")) continue;
    if (!custom_host_ok && name == "host") continue;
    lines.push_back(line);
  }
  if (options.json) {
    if (!has_header(options.headers, "content-type"))
      lines.push_back("Content-Type: application/json");
    if (!has_header(options.headers, "accept")) lines.push_back("Accept: application/json");
  }
  return lines;
}

std::string user_agent(const CurlOptions& options) {
  return options.user_agent.value_or("wg-curl/" WGNET_CURL_VERSION);
}

}  // namespace wgnet::curl
