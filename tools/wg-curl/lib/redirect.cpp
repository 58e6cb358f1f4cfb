#include "redirect.hpp"

#include <algorithm>
#include <cctype>

#include "tunnel_resolve.hpp"

namespace wgnet::curl {
namespace {

bool is_post(RequestKind kind) {
  return kind == RequestKind::kPost || kind == RequestKind::kMimePost;
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

RequestKind kind_after_redirect(RequestKind kind, long status, const RedirectPolicy& policy) {
  switch (status) {
    case 301:
      return is_post(kind) && !policy.post301 ? RequestKind::kGet : kind;
    case 302:
      return is_post(kind) && !policy.post302 ? RequestKind::kGet : kind;
    case 303:
      // "See Other" names a substitute resource: fetch it (HEAD stays HEAD).
      if (kind == RequestKind::kGet || kind == RequestKind::kHead) return kind;
      if (is_post(kind) && policy.post303) return kind;
      return RequestKind::kGet;
    default:
      return kind;
  }
}

bool credentials_allowed(const Origin& first, const Origin& now, bool location_trusted) {
  return location_trusted || (iequals(first.host, now.host) && first.port == now.port &&
                              first.scheme == now.scheme);
}

bool custom_host_allowed(const Origin& first, const Origin& now) {
  return iequals(first.host, now.host);
}

RedirectStep next_redirect_step(const RedirectPolicy& policy, RequestKind kind, long status,
                                const std::optional<std::string>& redirect_url, long followed) {
  RedirectStep step;
  if (!policy.follow || !redirect_url || status < 300 || status > 399) return step;
  step.action = RedirectStep::Action::kFail;
  if (policy.max_redirs != -1 && followed >= policy.max_redirs) {
    step.exit_code = 47;  // CURLE_TOO_MANY_REDIRECTS
    step.message = "Maximum (" + std::to_string(policy.max_redirs) + ") redirects followed";
    return step;
  }
  auto target = parse_url_host(*redirect_url);
  if (!target) {
    step.exit_code = 3;  // CURLE_URL_MALFORMAT
    step.message = "The redirect target URL could not be parsed: " + target.error().message;
    return step;
  }
  bool allowed = (target->scheme == "http" && policy.allow_http) ||
                 (target->scheme == "https" && policy.allow_https);
  if (!allowed) {
    step.exit_code = 1;  // CURLE_UNSUPPORTED_PROTOCOL, with libcurl's message
    step.message = "Protocol \"" + target->scheme + "\" not supported or disabled in libcurl";
    return step;
  }
  step.action = RedirectStep::Action::kFollow;
  step.url = target->url;
  step.kind = kind_after_redirect(kind, status, policy);
  return step;
}

}  // namespace wgnet::curl
