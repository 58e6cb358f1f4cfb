// --retry with curl 7.88's rules (tool_operate.c, post_per_transfer):
//   transient: a timeout (28), a name that did not resolve (6); with --retry-connrefused a
//   refused connection (7); an HTTP 408, 429, 500, 502, 503 or 504 response (with or without
//   -f); with --retry-all-errors any failure.
//   delay: 1 s, doubled after every retry up to 10 min; --retry-delay fixes it; an HTTP
//   response's Retry-After replaces it. --retry-max-time bounds the whole retrying.
// A pure state machine: the transfer reports each attempt and sleeps as told.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace wgnet::curl {

enum class RetryReason { kNone, kAllErrors, kTimeout, kConnectionRefused, kHttp };

struct RetryPolicy {
  long retries = 0;                                 // --retry N
  std::optional<std::chrono::seconds> delay;        // --retry-delay
  std::optional<std::chrono::seconds> max_time;     // --retry-max-time
  bool all_errors = false;                          // --retry-all-errors
  bool connection_refused = false;                  // --retry-connrefused
};

// How one attempt ended.
struct AttemptOutcome {
  int curl_code = 0;              // the attempt's exit code (0, 22 with -f, 28, ...)
  long http_code = 0;             // the last response's status (0: none)
  bool http = true;               // the URL was http(s)
  bool refused = false;           // the connection was refused (ECONNREFUSED / RST)
  std::optional<std::chrono::seconds> retry_after;  // the response's Retry-After
};

// Why an attempt is worth another, or kNone.
RetryReason retry_reason(const RetryPolicy& policy, const AttemptOutcome& outcome);

class RetryState {
 public:
  explicit RetryState(const RetryPolicy& policy);

  struct Decision {
    bool retry = false;
    std::chrono::milliseconds sleep{0};
    // curl's warning, for "wg-curl: warning: ..." (unless -s): "Problem : timeout. Will retry
    // in 1 seconds. 2 retries left." or why a Retry-After stops the retrying. May be empty.
    std::string warning;
  };

  // After an attempt that ended with `outcome`, `elapsed` after the first attempt started.
  Decision after_attempt(const AttemptOutcome& outcome, std::chrono::milliseconds elapsed);

  long retries_left() const { return left_; }

 private:
  RetryPolicy policy_;
  long left_;
  std::chrono::milliseconds next_sleep_;
};

}  // namespace wgnet::curl
