#include "transfer_info.hpp"

namespace wgnet::curl {
namespace {

// A TransferMeasure field and the CURLINFO that reports it.
template <class T>
struct InfoField {
  CURLINFO what;
  T TransferMeasure::*field;
};
// The phases a hop may or may not reach (total_us, always reached, is apart), and the counts.
constexpr InfoField<int64_t> kPhaseTimers[] = {
    {CURLINFO_NAMELOOKUP_TIME_T, &TransferMeasure::namelookup_us},
    {CURLINFO_CONNECT_TIME_T, &TransferMeasure::connect_us},
    {CURLINFO_APPCONNECT_TIME_T, &TransferMeasure::appconnect_us},
    {CURLINFO_PRETRANSFER_TIME_T, &TransferMeasure::pretransfer_us},
    {CURLINFO_STARTTRANSFER_TIME_T, &TransferMeasure::starttransfer_us},
};
constexpr InfoField<long> kCounts[] = {
    {CURLINFO_HEADER_SIZE, &TransferMeasure::header_size},
    {CURLINFO_REQUEST_SIZE, &TransferMeasure::request_size},
    {CURLINFO_NUM_CONNECTS, &TransferMeasure::num_connects},
};

int64_t per_second(int64_t bytes, int64_t us) {
  return us > 0 ? static_cast<int64_t>(static_cast<double>(bytes) * 1e6 / static_cast<double>(us))
                : 0;
}

int64_t info_off(CURL* easy, CURLINFO what) {
  curl_off_t value = 0;
  curl_easy_getinfo(easy, what, &value);
  return static_cast<int64_t>(value);
}

}  // namespace

std::optional<std::string> info_string(CURL* easy, CURLINFO what) {
  char* value = nullptr;
  if (curl_easy_getinfo(easy, what, &value) != CURLE_OK || !value) return std::nullopt;
  return std::string(value);
}

long info_long(CURL* easy, CURLINFO what) {
  long value = 0;
  curl_easy_getinfo(easy, what, &value);
  return value;
}

HopMeasure measure_hop(CURL* easy, int64_t before_us) {
  HopMeasure m;
  m.before_us = before_us;
  for (const auto& [what, field] : kPhaseTimers) m.curl.*field = info_off(easy, what);
  m.curl.total_us = info_off(easy, CURLINFO_TOTAL_TIME_T);
  for (const auto& [what, field] : kCounts) m.curl.*field = info_long(easy, what);
  return m;
}

void read_transfer_info(CURL* easy, TransferInfo& info) {
  info.http_code = info_long(easy, CURLINFO_RESPONSE_CODE);
  info.http_connect = info_long(easy, CURLINFO_HTTP_CONNECTCODE);
  info.size_download = info_off(easy, CURLINFO_SIZE_DOWNLOAD_T);
  info.size_upload = info_off(easy, CURLINFO_SIZE_UPLOAD_T);
  info.redirect_url = info_string(easy, CURLINFO_REDIRECT_URL);
  info.referer = info_string(easy, CURLINFO_REFERER);
  info.content_type = info_string(easy, CURLINFO_CONTENT_TYPE);
  info.http_version = info_long(easy, CURLINFO_HTTP_VERSION);
  info.scheme = info_string(easy, CURLINFO_SCHEME).value_or("");
  info.method = info_string(easy, CURLINFO_EFFECTIVE_METHOD).value_or("");
  info.ssl_verify_result = info_long(easy, CURLINFO_SSL_VERIFYRESULT);
  info.remote_ip = info_string(easy, CURLINFO_PRIMARY_IP).value_or("");
  info.remote_port = info_long(easy, CURLINFO_PRIMARY_PORT);
  info.local_ip = info_string(easy, CURLINFO_LOCAL_IP).value_or("");
  info.local_port = info_long(easy, CURLINFO_LOCAL_PORT);
}

void ChainMeasure::add_hop(const HopMeasure& hop) {
  sum_.redirect_us = sum_.total_us;
  sum_.total_us += hop.before_us + hop.curl.total_us;
  // A phase that happened counts from the hop's start, our DNS lookup included.
  for (const auto& timer : kPhaseTimers) {
    if (hop.curl.*timer.field > 0) sum_.*timer.field += hop.before_us + hop.curl.*timer.field;
  }
  for (const auto& count : kCounts) sum_.*count.field += hop.curl.*count.field;
  ++hops_;
}

void ChainMeasure::fill(TransferInfo& info) const {
  info.measure = sum_;  // redirect_us is 0 unless there were hops before the last
  info.speed_download = per_second(info.size_download, sum_.total_us);
  info.speed_upload = per_second(info.size_upload, sum_.total_us);
}

}  // namespace wgnet::curl
