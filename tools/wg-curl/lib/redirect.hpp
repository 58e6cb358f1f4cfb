// -L done by wg-curl instead of libcurl (libcurl would resolve a redirect target's host name
// itself, outside the tunnel), with the rules of libcurl 7.88's Curl_follow():
//   - 301/302: a POST (-d, -F) becomes a GET unless --post301/--post302; PUT stays PUT
//   - 303: anything but GET becomes GET (HEAD stays HEAD) unless POST with --post303
//   - 307/308 (and the other 3xx): method and body kept
//   - -X's method string is sent on every request of the chain, as curl does
//   - at most --max-redirs redirects (exit 47), only to http/https (--proto-redir; exit 1)
//   - credentials (-u, and -H Authorization:/Cookie:) only to the first URL's host, port and
//     scheme unless --location-trusted; a custom Host: only to the first host name
// Pure functions: the transfer asks, libcurl is not involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wgnet::curl {

// What a request sends, as libcurl distinguishes it (its "httpreq").
enum class RequestKind {
  kGet,
  kHead,      // -I
  kPost,      // -d / --data* / --json
  kMimePost,  // -F
  kPut,       // -T
};

struct RedirectPolicy {
  bool follow = false;   // -L
  long max_redirs = 50;  // -1: no limit
  bool post301 = false, post302 = false, post303 = false;
  bool allow_http = true, allow_https = true;  // --proto-redir
};

// The kind of the request that follows a `status` response to a `kind` request.
RequestKind kind_after_redirect(RequestKind kind, long status, const RedirectPolicy& policy);

// Where a request goes, for the credential rules.
struct Origin {
  std::string scheme;  // lower case
  std::string host;
  uint16_t port = 0;
};

// -u, --oauth2-bearer and -H Authorization:/Cookie: go to `now` only when it is the chain's
// first origin (host compared without case), or with --location-trusted.
bool credentials_allowed(const Origin& first, const Origin& now, bool location_trusted);

// A -H Host: goes only to the first host name (any port), as libcurl's Curl_http_host().
bool custom_host_allowed(const Origin& first, const Origin& now);

struct RedirectStep {
  enum class Action { kDone, kFollow, kFail };
  Action action = Action::kDone;
  std::string url;                     // kFollow: the absolute URL to request next
  RequestKind kind = RequestKind::kGet;  // kFollow: what that request sends
  int exit_code = 0;                   // kFail: curl's code (47, 1, 3)
  std::string message;                 // kFail: curl's words
};

// After one response of a chain: done (no redirect, or -L not given), follow, or fail.
// `redirect_url` is libcurl's CURLINFO_REDIRECT_URL (set for a 3xx with Location, already
// absolute); `followed` is how many redirects the chain has followed so far.
RedirectStep next_redirect_step(const RedirectPolicy& policy, RequestKind kind, long status,
                                const std::optional<std::string>& redirect_url, long followed);

}  // namespace wgnet::curl
