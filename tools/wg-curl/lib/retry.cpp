#include "retry.hpp"

#include <algorithm>

namespace wgnet::curl {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kFirstSleep{1000};     // RETRY_SLEEP_DEFAULT
constexpr milliseconds kLongestSleep{600000};  // RETRY_SLEEP_MAX

constexpr int kCouldntResolveHost = 6;
constexpr int kCouldntConnect = 7;
constexpr int kHttpReturnedError = 22;
constexpr int kOperationTimedOut = 28;

bool transient_http_status(long code) {
  switch (code) {
    case 408:  // Request Timeout
    case 429:  // Too Many Requests
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

const char* reason_words(RetryReason reason) {
  switch (reason) {
    case RetryReason::kAllErrors:
      return "(retrying all errors)";
    case RetryReason::kTimeout:
      return ": timeout";
    case RetryReason::kConnectionRefused:
      return ": connection refused";
    case RetryReason::kHttp:
      return ": HTTP error";
    case RetryReason::kNone:
      break;
  }
  return "";
}

// --retry-delay 0 means "not given", as in curl.
bool fixed_delay(const RetryPolicy& policy) {
  return policy.delay && policy.delay->count() > 0;
}

}  // namespace

RetryReason retry_reason(const RetryPolicy& policy, const AttemptOutcome& o) {
  RetryReason reason = RetryReason::kNone;
  if (o.curl_code == kOperationTimedOut || o.curl_code == kCouldntResolveHost) {
    reason = RetryReason::kTimeout;
  } else if (o.curl_code == kCouldntConnect) {
    if (policy.connection_refused && o.refused) reason = RetryReason::kConnectionRefused;
  } else if ((o.curl_code == 0 || o.curl_code == kHttpReturnedError) && o.http &&
             transient_http_status(o.http_code)) {
    reason = RetryReason::kHttp;
  }
  if (reason == RetryReason::kNone && o.curl_code != 0 && policy.all_errors)
    reason = RetryReason::kAllErrors;
  return reason;
}

RetryState::RetryState(const RetryPolicy& policy)
    : policy_(policy),
      left_(std::max(policy.retries, 0L)),
      next_sleep_(fixed_delay(policy) ? milliseconds(*policy.delay) : kFirstSleep) {}

RetryState::Decision RetryState::after_attempt(const AttemptOutcome& outcome,
                                               milliseconds elapsed) {
  Decision d;
  if (left_ <= 0) return d;
  if (policy_.max_time && policy_.max_time->count() > 0 && elapsed >= *policy_.max_time) return d;
  RetryReason reason = retry_reason(policy_, outcome);
  if (reason == RetryReason::kNone) return d;

  milliseconds sleep = next_sleep_;
  if (reason == RetryReason::kHttp && outcome.retry_after && outcome.retry_after->count() > 0) {
    sleep = *outcome.retry_after;
    if (policy_.max_time && policy_.max_time->count() > 0 &&
        std::chrono::duration_cast<seconds>(elapsed) + *outcome.retry_after > *policy_.max_time) {
      d.warning = "The Retry-After: time would make this command line exceed the maximum "
                  "allowed time for retries.";
      return d;
    }
  }
  d.retry = true;
  d.sleep = sleep;
  d.warning = std::string("Problem ") + reason_words(reason) + ". Will retry in " +
              std::to_string(sleep.count() / 1000) + " seconds. " + std::to_string(left_) +
              " retries left.";
  --left_;
  if (!fixed_delay(policy_)) next_sleep_ = std::min(next_sleep_ * 2, kLongestSleep);
  return d;
}

}  // namespace wgnet::curl
